import type { Translate } from '../i18n/index.ts';
import {
  type Attachment,
  type Block,
  type Button,
  type Reply,
  type Span,
  spanText,
  type TextualBlock,
} from './reply.ts';
import { toCsv } from './table-text.ts';

/** How one platform writes and measures messages. */
export interface PlatformFormat {
  /** Longest message, in the platform's own unit. */
  maxLength: number;
  /** Length in that unit (Telegram counts UTF-16 code units). */
  measure(text: string): number;
  renderBlock(block: TextualBlock): string;
  /** Between blocks that share a message. */
  separator: string;
  /** Tables with more rows than this travel as an attached CSV. */
  maxTableRows: number;
}

/** One message as a platform sends it. */
export type OutMessage =
  /**
   * `template`: text only a pre-approved template may carry (WhatsApp outside the 24-hour window). `menu`: what the
   * control that opens a long list of buttons says, where a platform shows one (WhatsApp's list messages).
   */
  | { kind: 'text'; text: string; buttons?: Button[]; template?: boolean; menu?: string }
  | ({ kind: 'file' | 'image' } & Attachment);

/**
 * Lays a reply out as platform messages, never losing content: blocks are packed into messages up
 * to the limit; a block too long is split on line (or row, or item) boundaries and only a single
 * over-long line is cut, on code point boundaries. Large tables become CSV attachments.
 */
export function layout(value: Reply, format: PlatformFormat, t: Translate): OutMessage[] {
  const messages: OutMessage[] = [];
  let pending: string[] = [];
  const flush = () => {
    if (pending.length > 0) messages.push({ kind: 'text', text: pending.join(format.separator) });
    pending = [];
  };
  const add = (rendered: string) => {
    const joined = [...pending, rendered].join(format.separator);
    if (pending.length > 0 && format.measure(joined) > format.maxLength) flush();
    pending.push(rendered);
  };
  for (const block of tablesAsFiles(value.blocks, format, t)) {
    if (block.kind === 'file' || block.kind === 'image') {
      flush();
      messages.push(block);
    } else if (block.kind === 'buttons') {
      flush();
      attachButtons(messages, block.buttons);
    } else {
      for (const piece of splitToFit(block, format)) add(format.renderBlock(piece));
    }
  }
  flush();
  return messages;
}

function attachButtons(messages: OutMessage[], list: Button[]) {
  const last = messages.at(-1);
  if (last?.kind === 'text' && !last.buttons) last.buttons = list;
  else messages.push({ kind: 'text', text: list.map((b) => b.label).join(' · '), buttons: list });
}

function tablesAsFiles(blocks: Block[], format: PlatformFormat, t: Translate): Block[] {
  return blocks.flatMap((block): Block[] => {
    if (block.kind !== 'table' || block.rows.length <= format.maxTableRows) return [block];
    const filename = `${block.name ?? 'table'}.csv`;
    return [
      { kind: 'text', spans: [t('reply.table_attached', { rows: block.rows.length, file: filename })] },
      { kind: 'file', filename, mime: 'text/csv', data: toCsv(block.columns, block.rows).toString('base64') },
    ];
  });
}

/** Splits a block into pieces that each render within the limit. */
export function splitToFit(block: TextualBlock, format: PlatformFormat): TextualBlock[] {
  if (format.measure(format.renderBlock(block)) <= format.maxLength) return [block];
  const smaller = halve(block);
  if (smaller) return smaller.flatMap((piece) => splitToFit(piece, format));
  return cutLine(block as Extract<TextualBlock, { kind: 'text' }>, format);
}

/** Splits a block in two on a natural boundary, or answers undefined when it is a single line. */
function halve(block: TextualBlock): TextualBlock[] | undefined {
  if (block.kind === 'table') {
    if (block.rows.length < 2) return undefined;
    const middle = Math.ceil(block.rows.length / 2);
    return [
      { ...block, rows: block.rows.slice(0, middle) },
      { ...block, rows: block.rows.slice(middle) },
    ];
  }
  if (block.kind === 'fields') {
    if (block.items.length < 2) {
      const item = block.items[0];
      return item ? [{ kind: 'text', spans: [`${item.label}: ${item.value}`] }] : undefined;
    }
    const middle = Math.ceil(block.items.length / 2);
    return [
      { kind: 'fields', items: block.items.slice(0, middle) },
      { kind: 'fields', items: block.items.slice(middle) },
    ];
  }
  const lines = splitSpansOnNewlines(block.spans);
  if (lines.length < 2) return undefined;
  const middle = Math.ceil(lines.length / 2);
  const join = (group: Span[][]) => group.flatMap((line, i) => (i === 0 ? line : ['\n', ...line]));
  return [
    { kind: 'text', spans: join(lines.slice(0, middle)) },
    { kind: 'text', spans: join(lines.slice(middle)) },
  ];
}

function splitSpansOnNewlines(spans: Span[]): Span[][] {
  const lines: Span[][] = [[]];
  for (const span of spans) {
    const parts = mapSpan(span, (value) => value.split('\n'));
    parts.forEach((part, i) => {
      if (i > 0) lines.push([]);
      if (spanText(part).length > 0) lines.at(-1)?.push(part);
    });
  }
  return lines;
}

/** Cuts one long line into the longest prefixes that fit (binary search), on code points, keeping emphasis. */
function cutLine(block: Extract<TextualBlock, { kind: 'text' }>, format: PlatformFormat): TextualBlock[] {
  const chars = block.spans.flatMap((span) => [...spanText(span)].map((char) => ({ span, char })));
  const fits = (count: number, from: number) =>
    format.measure(format.renderBlock({ kind: 'text', spans: toSpans(chars.slice(from, from + count)) })) <=
    format.maxLength;
  const pieces: TextualBlock[] = [];
  for (let from = 0; from < chars.length; ) {
    let low = 1;
    let high = chars.length - from;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (fits(mid, from)) low = mid;
      else high = mid - 1;
    }
    pieces.push({ kind: 'text', spans: toSpans(chars.slice(from, from + low)) });
    from += low;
  }
  return pieces;
}

/** Regroups styled characters into spans. */
function toSpans(chars: Array<{ span: Span; char: string }>): Span[] {
  const spans: Span[] = [];
  let run = '';
  let style: Span | undefined;
  const close = () => {
    if (style !== undefined && run) spans.push(mapSpan(style, () => [run])[0] as Span);
  };
  for (const { span, char } of chars) {
    if (style !== span) {
      close();
      style = span;
      run = '';
    }
    run += char;
  }
  close();
  return spans;
}

/** Applies a string function to a span's text, keeping its style. */
function mapSpan(span: Span, split: (value: string) => string[]): Span[] {
  if (typeof span === 'string') return split(span);
  if ('bold' in span) return split(span.bold).map((bold) => ({ bold }));
  if ('italic' in span) return split(span.italic).map((italic) => ({ italic }));
  if ('code' in span) return split(span.code).map((code) => ({ code }));
  return split(span.link).map((label) => ({ link: label, url: span.url }));
}
