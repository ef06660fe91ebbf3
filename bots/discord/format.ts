import { layout, type OutMessage, type PlatformFormat } from '../../src/chat/layout.ts';
import { type Button, type Reply, type Span, spanText, type TextualBlock } from '../../src/chat/reply.ts';
import { tableLines } from '../../src/chat/table-text.ts';
import { type Locale, translator } from '../../src/i18n/index.ts';

/** Discord's message limits. */
export const CONTENT_LIMIT = 2000;
export const BUTTONS_PER_ROW = 5;
export const ROWS_PER_MESSAGE = 5;
export const BUTTON_LABEL_LIMIT = 80;
export const CUSTOM_ID_LIMIT = 100;
/** What a bot may upload without a boosted server (Discord's default limit). */
export const UPLOAD_LIMIT = 10 * 1024 * 1024;

/** Escapes Discord markdown so user data shows as typed; `> # -` only mean something at a line's start. */
export function escapeMarkdown(value: string): string {
  return value.replace(/([\\*_~`|[\]])/g, '\\$1').replace(/^([>#-])/gm, '\\$1');
}

function span(value: Span): string {
  if (typeof value === 'string') return escapeMarkdown(value);
  if ('bold' in value) return `**${escapeMarkdown(value.bold)}**`;
  if ('italic' in value) return `*${escapeMarkdown(value.italic)}*`;
  if ('code' in value) return `\`${value.code.replace(/`/g, 'ˋ')}\``;
  return /^https?:\/\//i.test(value.url) && !/[()\s]/.test(value.url)
    ? `[${escapeMarkdown(value.link)}](${value.url})`
    : escapeMarkdown(spanText(value));
}

/** A block as Discord markdown: light emphasis, key/value lines, tables as code blocks. */
export function renderMarkdown(block: TextualBlock): string {
  switch (block.kind) {
    case 'text':
      return block.spans.map(span).join('');
    case 'fields':
      return block.items.map((item) => `**${escapeMarkdown(item.label)}:** ${escapeMarkdown(item.value)}`).join('\n');
    case 'table': {
      const lines = tableLines(block.columns, block.rows, block.align).join('\n').replace(/```/g, 'ˋˋˋ');
      return `\`\`\`\n${lines}\n\`\`\``;
    }
  }
}

export const discordFormat: PlatformFormat = {
  maxLength: CONTENT_LIMIT,
  // UTF-16 units: never fewer than Discord's characters, so what fits this count fits theirs.
  measure: (value) => value.length,
  renderBlock: renderMarkdown,
  separator: '\n\n',
  maxTableRows: 40,
};

/** Lays a reply out for Discord: 2,000-character messages, at most 25 buttons (5 rows of 5) on each. */
export function discordLayout(value: Reply, locale: Locale): OutMessage[] {
  return layout(value, discordFormat, translator(locale)).flatMap((message): OutMessage[] => {
    if (message.kind !== 'text' || !message.buttons || message.buttons.length <= BUTTONS_PER_ROW * ROWS_PER_MESSAGE)
      return [message];
    const groups: Button[][] = [];
    for (let i = 0; i < message.buttons.length; i += BUTTONS_PER_ROW * ROWS_PER_MESSAGE)
      groups.push(message.buttons.slice(i, i + BUTTONS_PER_ROW * ROWS_PER_MESSAGE));
    return groups.map((group, i) => ({
      kind: 'text',
      text: i === 0 ? message.text : group.map((b) => escapeMarkdown(b.label)).join(' · '),
      buttons: group,
    }));
  });
}

/** Cuts a button label to Discord's 80 characters, marking the cut. */
export function buttonLabel(label: string): string {
  const chars = [...label];
  return chars.length <= BUTTON_LABEL_LIMIT ? label : `${chars.slice(0, BUTTON_LABEL_LIMIT - 1).join('')}…`;
}
