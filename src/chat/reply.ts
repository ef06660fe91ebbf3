/** Inline text with light emphasis; user data goes in as plain strings and is escaped by each renderer. */
export type Span = string | { bold: string } | { italic: string } | { code: string } | { link: string; url: string };

export interface Button {
  label: string;
  /** The command line this button re-enters, e.g. `/search mouse page:2`. */
  command: string;
}

export interface Attachment {
  filename: string;
  mime: string;
  /** base64, so a Reply stays plain JSON in the outbox. */
  data: string;
  caption?: string;
}

export type Block =
  | { kind: 'text'; spans: Span[] }
  | { kind: 'fields'; items: Array<{ label: string; value: string }> }
  | { kind: 'table'; columns: string[]; rows: string[][]; align?: Array<'left' | 'right'>; name?: string }
  | ({ kind: 'image' } & Attachment)
  | ({ kind: 'file' } & Attachment)
  | { kind: 'buttons'; buttons: Button[] };

export type TextualBlock = Extract<Block, { kind: 'text' | 'fields' | 'table' }>;

/** What a command answers: platform-neutral blocks that each adapter renders and splits. */
export interface Reply {
  blocks: Block[];
  /** The command failed (bad input, refused...); `bodega run` exits 1. */
  error?: boolean;
  /** This reply acknowledges a long task: the message it becomes is the one progress edits. */
  taskId?: number;
  /** Holds a secret (an invite code): the outbox keeps only a redacted copy once it is delivered. */
  sensitive?: boolean;
  /** An alert bodega sends unasked (low stock, new products, prices): may travel as an approved template. */
  alert?: boolean;
  /** The platform message this reply answers or concludes (Discord: the interaction whose original it becomes). */
  answers?: string;
}

export const reply = (...blocks: Block[]): Reply => ({ blocks });
/** A reply carrying a secret the outbox must not keep after delivery. */
export const sensitive = (value: Reply): Reply => ({ ...value, sensitive: true });
/** What the outbox keeps of a delivered sensitive reply: its shape, none of its words. */
export const redacted = (value: Reply): Reply => ({
  blocks: [text('[redacted]')],
  ...(value.error ? { error: true } : {}),
});
/** A reply bodega sends on its own initiative rather than answering a message. */
export const alert = (value: Reply): Reply => ({ ...value, alert: true });
export const errorReply = (...blocks: Block[]): Reply => ({ blocks, error: true });
export const text = (...spans: Span[]): Block => ({ kind: 'text', spans });
export const bold = (value: string): Span => ({ bold: value });
export const italic = (value: string): Span => ({ italic: value });
export const code = (value: string): Span => ({ code: value });
export const link = (label: string, url: string): Span => ({ link: label, url });
export const fields = (items: Array<[string, string | number]>): Block => ({
  kind: 'fields',
  items: items.map(([label, value]) => ({ label, value: String(value) })),
});
export const table = (
  columns: string[],
  rows: Array<Array<string | number>>,
  options: { align?: Array<'left' | 'right'>; name?: string } = {},
): Block => ({
  kind: 'table',
  columns,
  rows: rows.map((row) => row.map(String)),
  ...options,
});
export const buttons = (...list: Button[]): Block => ({ kind: 'buttons', buttons: list });
export const file = (filename: string, mime: string, data: Buffer, caption?: string): Block => ({
  kind: 'file',
  filename,
  mime,
  data: data.toString('base64'),
  ...(caption ? { caption } : {}),
});
export const image = (filename: string, mime: string, data: Buffer, caption?: string): Block => ({
  kind: 'image',
  filename,
  mime,
  data: data.toString('base64'),
  ...(caption ? { caption } : {}),
});

export function spanText(span: Span): string {
  if (typeof span === 'string') return span;
  if ('bold' in span) return span.bold;
  if ('italic' in span) return span.italic;
  if ('code' in span) return span.code;
  return span.link;
}

/** The words of a reply without any formatting (tests, logs, the console). */
export function plainText(value: Reply): string {
  return value.blocks.map(blockText).filter(Boolean).join('\n\n');
}

export function blockText(block: Block): string {
  switch (block.kind) {
    case 'text':
      return block.spans.map(spanText).join('');
    case 'fields':
      return block.items.map((item) => `${item.label}: ${item.value}`).join('\n');
    case 'table':
      return [block.columns, ...block.rows].map((row) => row.join(' | ')).join('\n');
    case 'image':
    case 'file':
      return block.caption ?? '';
    case 'buttons':
      return block.buttons.map((b) => `[${b.label}]`).join(' ');
  }
}
