import { layout, type PlatformFormat } from '../../src/chat/layout.ts';
import { type Block, type Button, type Reply, type Span, spanText, type TextualBlock } from '../../src/chat/reply.ts';
import { tableLines } from '../../src/chat/table-text.ts';
import { type Locale, type Translate, translator } from '../../src/i18n/index.ts';
import { appendEmbeds, type DiscordMessage, descriptionEmbeds, type Embed, fieldEmbeds, fitsWith } from './embeds.ts';

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

const render = { renderBlock: renderMarkdown, escape: escapeMarkdown };
const MAX_BUTTONS = BUTTONS_PER_ROW * ROWS_PER_MESSAGE;

/**
 * Lays a reply out for Discord: text in 2,000-character contents, key/value blocks as embed fields, at most 25
 * buttons (5 rows of 5) on a message. A reply that would take several messages goes as embed descriptions instead
 * when that makes it one message.
 */
export function discordLayout(value: Reply, locale: Locale): DiscordMessage[] {
  const t = translator(locale);
  const content = contentLayout(value, t);
  const single = content.length > 1 ? oneMessage(value, t) : undefined;
  return (single ? [single] : content).flatMap(withButtonGroups);
}

/** Text as content (split by the shared layout); each key/value block as embeds after the text before it. */
function contentLayout(value: Reply, t: Translate): DiscordMessage[] {
  const messages: DiscordMessage[] = [];
  let run: Block[] = [];
  const flush = () => {
    if (run.length > 0) messages.push(...layout({ blocks: run }, discordFormat, t));
    run = [];
  };
  for (const block of value.blocks) {
    const last = messages.at(-1);
    if (block.kind === 'fields') {
      flush();
      appendEmbeds(messages, fieldEmbeds(block, render));
    } else if (block.kind === 'buttons' && run.length === 0 && last?.kind === 'text' && last.embeds && !last.buttons) {
      last.buttons = block.buttons;
    } else run.push(block);
  }
  flush();
  return messages;
}

/** The whole reply as one message of embeds, or undefined when it does not fit one (or carries files). */
function oneMessage(value: Reply, t: Translate): DiscordMessage | undefined {
  const embeds: Embed[] = [];
  const list: Button[] = [];
  let run: Block[] = [];
  const flush = () => {
    const described = run.length > 0 ? descriptionEmbeds(run, render, t) : [];
    run = [];
    if (described) embeds.push(...described);
    return described !== undefined;
  };
  for (const block of value.blocks) {
    // Buttons only at the end, so nothing moves past them.
    if (block.kind === 'file' || block.kind === 'image' || (list.length > 0 && block.kind !== 'buttons'))
      return undefined;
    if (block.kind === 'buttons') list.push(...block.buttons);
    else if (block.kind !== 'fields') run.push(block);
    else if (flush()) embeds.push(...fieldEmbeds(block, render));
    else return undefined;
  }
  if (!flush() || list.length > MAX_BUTTONS) return undefined;
  const message: DiscordMessage = { kind: 'text', text: '', ...(list.length > 0 ? { buttons: list } : {}) };
  return fitsWith(message, embeds) ? { ...message, embeds } : undefined;
}

/** More than 25 buttons: the rest ride on messages of their own, 25 each, labelled. */
function withButtonGroups(message: DiscordMessage): DiscordMessage[] {
  if (message.kind !== 'text' || !message.buttons || message.buttons.length <= MAX_BUTTONS) return [message];
  const groups: Button[][] = [];
  for (let i = 0; i < message.buttons.length; i += MAX_BUTTONS) groups.push(message.buttons.slice(i, i + MAX_BUTTONS));
  return groups.map((group, i) =>
    i === 0
      ? { ...message, buttons: group }
      : { kind: 'text', text: group.map((b) => escapeMarkdown(b.label)).join(' · '), buttons: group },
  );
}

/** Cuts a button label to Discord's 80 characters, marking the cut. */
export function buttonLabel(label: string): string {
  const chars = [...label];
  return chars.length <= BUTTON_LABEL_LIMIT ? label : `${chars.slice(0, BUTTON_LABEL_LIMIT - 1).join('')}…`;
}
