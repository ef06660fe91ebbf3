import { layout, type OutMessage, type PlatformFormat } from '../../src/chat/layout.ts';
import { type Button, type Reply, type Span, spanText, type TextualBlock } from '../../src/chat/reply.ts';
import { tableLines } from '../../src/chat/table-text.ts';
import { type Locale, type Translate, translator } from '../../src/i18n/index.ts';

/** WhatsApp's limits, in characters. */
export const TEXT_LIMIT = 4096;
export const INTERACTIVE_BODY_LIMIT = 1024;
export const CAPTION_LIMIT = 1024;
export const MAX_REPLY_BUTTONS = 3;
export const BUTTON_TITLE_LIMIT = 20;
export const MAX_LIST_ROWS = 10;
export const ROW_TITLE_LIMIT = 24;
export const LIST_BUTTON_LIMIT = 20;

/** Measured in UTF-16 units: never fewer than WhatsApp's characters, so what fits our count fits theirs. */
export const characters = (value: string) => value.length;

/** Cuts to `limit` characters, marking the cut. */
export function clip(value: string, limit: number): string {
  if (value.length <= limit) return value;
  let cut = '';
  for (const char of value) {
    if (cut.length + char.length > limit - 1) break;
    cut += char;
  }
  return `${cut}…`;
}

function span(value: Span): string {
  if (typeof value === 'string') return value;
  if ('bold' in value) return `*${value.bold}*`;
  if ('italic' in value) return `_${value.italic}_`;
  if ('code' in value) return `\`${value.code}\``;
  return /^https?:\/\//i.test(value.url) ? `${value.link}: ${value.url}` : spanText(value);
}

/** A block as WhatsApp text: *bold*, _italic_, `code`, tables in a monospace block. */
export function renderWhatsapp(block: TextualBlock): string {
  switch (block.kind) {
    case 'text':
      return block.spans.map(span).join('');
    case 'fields':
      return block.items.map((item) => `*${item.label}:* ${item.value}`).join('\n');
    case 'table':
      return `\`\`\`\n${tableLines(block.columns, block.rows, block.align).join('\n')}\n\`\`\``;
  }
}

const whatsappFormat: PlatformFormat = {
  maxLength: TEXT_LIMIT,
  measure: characters,
  renderBlock: renderWhatsapp,
  separator: '\n\n',
  maxTableRows: 40,
};

/**
 * Cloud API: buttons ride on an interactive message whose body takes 1,024 characters, so a longer text goes first
 * on its own and a short "choose" message carries the buttons.
 */
export function cloudLayout(value: Reply, locale: Locale): OutMessage[] {
  const t = translator(locale);
  return layout(value, whatsappFormat, t).flatMap((message): OutMessage[] => {
    if (message.kind === 'text') return message.buttons ? withChoices(message.text, message.buttons, t) : [message];
    return captionFirst(message, t);
  });
}

/** WhatsApp Web has no buttons: choices become numbered lines under the text, and a bare number answers them. */
export function webLayout(value: Reply, locale: Locale): OutMessage[] {
  const t = translator(locale);
  return layout(value, whatsappFormat, t).flatMap((message): OutMessage[] => {
    if (message.kind !== 'text') return captionFirst(message, t);
    if (!message.buttons) return [message];
    const menu = numberedMenu(message.buttons, t);
    const joined = `${message.text}\n\n${menu}`;
    if (characters(joined) <= TEXT_LIMIT) return [{ ...message, text: joined }];
    return [
      { kind: 'text', text: message.text },
      { kind: 'text', text: menu, buttons: message.buttons },
    ];
  });
}

/** A caption too long for a file travels as text before it. */
function captionFirst(message: Exclude<OutMessage, { kind: 'text' }>, t: Translate): OutMessage[] {
  if (!message.caption || characters(message.caption) <= CAPTION_LIMIT) return [message];
  const { caption, ...attachment } = message;
  return [...layout({ blocks: [{ kind: 'text', spans: [caption] }] }, whatsappFormat, t), attachment];
}

/** Up to ten choices per list message (three as reply buttons); the first rides on the text when it fits a body. */
function withChoices(body: string, list: Button[], t: Translate): OutMessage[] {
  const menu = t('whatsapp.list_button');
  const groups: Button[][] = [];
  for (let i = 0; i < list.length; i += MAX_LIST_ROWS) groups.push(list.slice(i, i + MAX_LIST_ROWS));
  const fits = characters(body) <= INTERACTIVE_BODY_LIMIT;
  const messages: OutMessage[] = fits ? [] : [{ kind: 'text', text: body }];
  groups.forEach((group, i) => {
    const text = i === 0 && fits ? body : t('whatsapp.choose');
    messages.push({ kind: 'text', text, buttons: group, menu });
  });
  return messages;
}

function numberedMenu(list: Button[], t: Translate): string {
  const lines = list.map((button, i) => `${i + 1}. ${button.label}`);
  const numbers = list.map((_, i) => String(i + 1));
  return [...lines, t('whatsapp.answer_number', { numbers: t.list(numbers, 'or') })].join('\n');
}
