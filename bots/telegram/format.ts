import { layout, type OutMessage, type PlatformFormat } from '../../src/chat/layout.ts';
import { type Reply, type Span, spanText, type TextualBlock } from '../../src/chat/reply.ts';
import { tableLines } from '../../src/chat/table-text.ts';
import { type Locale, translator } from '../../src/i18n/index.ts';

/** Telegram's limits, in UTF-16 code units of the text after entity parsing. */
export const MESSAGE_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;

/** Escapes text for Telegram's HTML parse mode (also safe inside attribute values). */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function span(value: Span): string {
  if (typeof value === 'string') return escapeHtml(value);
  if ('bold' in value) return `<b>${escapeHtml(value.bold)}</b>`;
  if ('italic' in value) return `<i>${escapeHtml(value.italic)}</i>`;
  if ('code' in value) return `<code>${escapeHtml(value.code)}</code>`;
  return /^https?:\/\//i.test(value.url)
    ? `<a href="${escapeHtml(value.url)}">${escapeHtml(value.link)}</a>`
    : escapeHtml(spanText(value));
}

/** A block as Telegram HTML: light emphasis, key/value lines, tables as monospace blocks. */
export function renderHtml(block: TextualBlock): string {
  switch (block.kind) {
    case 'text':
      return block.spans.map(span).join('');
    case 'fields':
      return block.items.map((item) => `<b>${escapeHtml(item.label)}:</b> ${escapeHtml(item.value)}`).join('\n');
    case 'table':
      return `<pre>${escapeHtml(tableLines(block.columns, block.rows, block.align).join('\n'))}</pre>`;
  }
}

/** What Telegram counts: the text once tags are parsed away and entities decoded, in UTF-16 code units. */
export function visibleLength(html: string): number {
  return html.replace(/<[^>]*>/g, '').replace(/&(lt|gt|quot|amp);/g, 'x').length;
}

export const telegramFormat: PlatformFormat = {
  maxLength: MESSAGE_LIMIT,
  measure: visibleLength,
  renderBlock: renderHtml,
  separator: '\n\n',
  maxTableRows: 40,
};

/** Lays a reply out for Telegram; a caption too long for a document travels as a text message before it. */
export function telegramLayout(value: Reply, locale: Locale): OutMessage[] {
  return layout(value, telegramFormat, translator(locale)).flatMap((message): OutMessage[] => {
    if (message.kind === 'text' || !message.caption || message.caption.length <= CAPTION_LIMIT) return [message];
    const { caption, ...attachment } = message;
    const captionMessages = layout(
      { blocks: [{ kind: 'text', spans: [caption] }] },
      telegramFormat,
      translator(locale),
    );
    return [...captionMessages, attachment];
  });
}
