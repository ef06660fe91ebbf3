// Discord embeds: key/value cards as embed fields, and long text as embed descriptions, always within Discord's
// embed limits. Splitting reuses the shared layout (src/chat/layout.ts) with the description's own limit.
import { layout, type OutMessage, type PlatformFormat, splitToFit } from '../../src/chat/layout.ts';
import type { Block, TextualBlock } from '../../src/chat/reply.ts';
import type { Translate } from '../../src/i18n/index.ts';

export const EMBEDS_PER_MESSAGE = 10;
/** Characters across all of a message's embeds; bodega counts the content in too, to stay clear of it. */
export const EMBEDS_TOTAL_LIMIT = 6000;
export const DESCRIPTION_LIMIT = 4096;
export const FIELDS_PER_EMBED = 25;
export const FIELD_NAME_LIMIT = 256;
export const FIELD_VALUE_LIMIT = 1024;
/** Fields this short sit side by side (Discord shows up to three inline fields a row). */
export const INLINE_LIMIT = 24;
/** Discord refuses an empty field name or value; a zero-width space shows as nothing. */
const EMPTY = '\u200b';

export interface EmbedField {
  name: string;
  value: string;
  inline: boolean;
}

export interface Embed {
  description?: string;
  fields?: EmbedField[];
}

/** A Discord message as laid out: text messages may carry embeds, shown below their content. */
export type DiscordMessage = OutMessage & { embeds?: Embed[] };

/** Measured in UTF-16 units, never fewer than Discord's characters. */
const length = (value: string | undefined) => value?.length ?? 0;

/** The characters Discord counts toward the 6,000 of a message's embeds. */
export function embedSize(embed: Embed): number {
  return length(embed.description) + (embed.fields ?? []).reduce((n, f) => n + length(f.name) + length(f.value), 0);
}

/** What a message weighs against the 6,000: its embeds and, to be safe, its content. */
export function messageSize(message: DiscordMessage): number {
  const content = message.kind === 'text' ? length(message.text) : 0;
  return content + (message.embeds ?? []).reduce((n, embed) => n + embedSize(embed), 0);
}

/** Whether these embeds can join this message without passing Discord's limits. */
export function fitsWith(message: DiscordMessage, embeds: Embed[]): boolean {
  const count = (message.embeds?.length ?? 0) + embeds.length;
  const size = messageSize(message) + embeds.reduce((n, embed) => n + embedSize(embed), 0);
  return count <= EMBEDS_PER_MESSAGE && size <= EMBEDS_TOTAL_LIMIT;
}

export interface EmbedRender {
  /** A block as Discord markdown (the same renderer as content). */
  renderBlock(block: TextualBlock): string;
  escape(value: string): string;
}

const descriptionFormat = (render: EmbedRender): PlatformFormat => ({
  maxLength: DESCRIPTION_LIMIT,
  measure: (value) => value.length,
  renderBlock: render.renderBlock,
  separator: '\n\n',
  maxTableRows: 40,
});

/**
 * A key/value block as embeds: each item a field (inline when short), 25 to an embed and each embed within the
 * 6,000; an item too long for a field (name over 256, value over 1,024) becomes description text, split to fit.
 */
export function fieldEmbeds(block: Extract<Block, { kind: 'fields' }>, render: EmbedRender): Embed[] {
  const embeds: Embed[] = [];
  let fields: EmbedField[] = [];
  const flush = () => {
    if (fields.length > 0) embeds.push({ fields });
    fields = [];
  };
  for (const item of block.items) {
    const name = render.escape(item.label).trim() || EMPTY;
    const value = render.escape(item.value).trim() || EMPTY;
    if (name.length > FIELD_NAME_LIMIT || value.length > FIELD_VALUE_LIMIT) {
      flush();
      const pieces = splitToFit({ kind: 'fields', items: [item] }, descriptionFormat(render));
      embeds.push(...pieces.map((piece) => ({ description: render.renderBlock(piece) })));
      continue;
    }
    const inline = name.length <= INLINE_LIMIT && value.length <= INLINE_LIMIT && !value.includes('\n');
    const field = { name, value, inline };
    if (fields.length === FIELDS_PER_EMBED || embedSize({ fields: [...fields, field] }) > EMBEDS_TOTAL_LIMIT) flush();
    fields.push(field);
  }
  flush();
  return embeds;
}

/** Text and tables as embed descriptions of at most 4,096 characters; undefined if they need a file (a large table). */
export function descriptionEmbeds(blocks: Block[], render: EmbedRender, t: Translate): Embed[] | undefined {
  const pieces = layout({ blocks }, descriptionFormat(render), t);
  if (pieces.some((piece) => piece.kind !== 'text' || piece.buttons)) return undefined;
  return pieces.map((piece) => ({ description: (piece as Extract<OutMessage, { kind: 'text' }>).text }));
}

/**
 * Adds embeds after the messages laid out so far: onto the last one while it is text without buttons (buttons stay
 * below everything) and within the limits, then onto new messages with no content, in order.
 */
export function appendEmbeds(messages: DiscordMessage[], embeds: Embed[]) {
  let target = messages.at(-1);
  if (target?.kind !== 'text' || target.buttons) target = undefined;
  for (const embed of embeds) {
    if (!target || !fitsWith(target, [embed])) {
      target = { kind: 'text', text: '', embeds: [] };
      messages.push(target);
    }
    target.embeds = [...(target.embeds ?? []), embed];
  }
}
