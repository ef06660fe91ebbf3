import { describe, expect, it } from 'vitest';
import { buttons, errorReply, fields, type Reply, reply, text } from '../../src/chat/reply.ts';
import { messageLimits } from '../../test/fakes/discord/limits.ts';
import { discordSpec } from '../../test/fakes/discord/spec.ts';
import {
  DESCRIPTION_LIMIT,
  type DiscordMessage,
  EMBEDS_PER_MESSAGE,
  EMBEDS_TOTAL_LIMIT,
  type Embed,
  embedSize,
  FIELD_NAME_LIMIT,
  FIELD_VALUE_LIMIT,
  FIELDS_PER_EMBED,
} from './embeds.ts';
import { CONTENT_LIMIT, discordLayout } from './format.ts';

type Text = Extract<DiscordMessage, { kind: 'text' }>;
const lay = (value: Reply) => discordLayout(value, 'es') as Text[];
const embedsOf = (messages: Text[]) => messages.flatMap((m) => m.embeds ?? []);
const allFields = (messages: Text[]) => embedsOf(messages).flatMap((e) => e.fields ?? []);
const descriptions = (messages: Text[]) => embedsOf(messages).flatMap((e) => (e.description ? [e.description] : []));
const total = (embeds: Embed[]) => embeds.reduce((n, embed) => n + embedSize(embed), 0);

/** Every message is one Discord takes: its spec and the limits it checks beyond the spec (the fake's own checks). */
function expectAccepted(messages: Text[]) {
  for (const message of messages) {
    const body = { content: message.text, embeds: message.embeds ?? [], allowed_mentions: { parse: [] } };
    expect(discordSpec().check('POST', '/channels/{channel_id}/messages', body)).toEqual([]);
    expect(messageLimits(body)).toEqual([]);
    expect(message.text.length).toBeLessThanOrEqual(CONTENT_LIMIT);
    expect(message.embeds?.length ?? 0).toBeLessThanOrEqual(EMBEDS_PER_MESSAGE);
    expect(message.text.length + total(message.embeds ?? [])).toBeLessThanOrEqual(EMBEDS_TOTAL_LIMIT);
  }
}

describe('discord layout: key/value blocks as embed fields', () => {
  it('shows a product card as one message: title in content, short values as inline fields', () => {
    const messages = lay(
      reply(
        text('**TAZA-9 — Taza**'),
        fields([
          ['disponible', 10],
          ['umbral', 'sin_límite'],
        ]),
      ),
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]?.text).toBe('\\*\\*TAZA-9 — Taza\\*\\*');
    expect(messages[0]?.embeds).toEqual([
      {
        fields: [
          { name: 'disponible', value: '10', inline: true },
          { name: 'umbral', value: 'sin\\_límite', inline: true },
        ],
      },
    ]);
    expectAccepted(messages);
  });

  it('lays long or multi-line values out full width', () => {
    const [message] = lay(
      reply(
        fields([
          ['nota', 'x'.repeat(25)],
          ['líneas', 'a\nb'],
        ]),
      ),
    );
    expect(message?.embeds?.[0]?.fields?.map((f) => f.inline)).toEqual([false, false]);
  });

  it('fills an empty label or value with a zero-width space, which Discord takes', () => {
    const messages = lay(
      reply(
        fields([
          ['', 'valor'],
          ['etiqueta', ' '],
        ]),
      ),
    );
    expect(allFields(messages).map((f) => [f.name, f.value])).toEqual([
      ['\u200b', 'valor'],
      ['etiqueta', '\u200b'],
    ]);
    expectAccepted(messages);
  });

  it('keeps 25 fields in one embed and starts another at the 26th', () => {
    const items = (n: number) => Array.from({ length: n }, (_, i): [string, number] => [`k${i}`, i]);
    expect(embedsOf(lay(reply(fields(items(FIELDS_PER_EMBED)))))).toHaveLength(1);
    const over = lay(reply(fields(items(FIELDS_PER_EMBED + 1))));
    expect(embedsOf(over).map((e) => e.fields?.length)).toEqual([25, 1]);
    expect(allFields(over).map((f) => f.name)).toEqual(items(26).map(([k]) => k));
    expectAccepted(over);
  });

  it('takes a 256-character name and a 1,024-character value as a field; one more goes in the description, whole', () => {
    const name = 'n'.repeat(FIELD_NAME_LIMIT);
    const value = 'v'.repeat(FIELD_VALUE_LIMIT);
    expect(allFields(lay(reply(fields([[name, value]]))))).toEqual([{ name, value, inline: false }]);
    for (const [label, long] of [
      [`${name}n`, 'v'],
      ['n', `${value}v`],
    ] as const) {
      const messages = lay(reply(fields([[label, long]])));
      expect(allFields(messages)).toEqual([]);
      expect(descriptions(messages)).toEqual([`**${label}:** ${long}`]);
      expectAccepted(messages);
    }
  });

  it('splits a value past the 4,096 of a description over embeds with nothing lost', () => {
    const value = Array.from({ length: 500 }, (_, i) => `línea ${i} 🚀`).join('\n');
    const messages = lay(reply(fields([['historial', value]])));
    const parts = descriptions(messages);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(DESCRIPTION_LIMIT);
    expect(parts.join('\n').replace(/\s+/g, '')).toContain(value.replace(/\s+/g, ''));
    expectAccepted(messages);
  });

  it('keeps each embed within 6,000 when 25 full fields would pass it', () => {
    const items = Array.from({ length: 25 }, (_, i): [string, string] => [`k${i}`, String(i).padEnd(1000, '·')]);
    const messages = lay(reply(fields(items)));
    for (const embed of embedsOf(messages)) expect(embedSize(embed)).toBeLessThanOrEqual(EMBEDS_TOTAL_LIMIT);
    expect(allFields(messages).map((f) => f.name)).toEqual(items.map(([k]) => k));
    expectAccepted(messages);
  });

  it('spreads more than 10 embeds over messages, in order', () => {
    const items = Array.from({ length: 300 }, (_, i): [string, number] => [`k${i}`, i]);
    const messages = lay(reply(fields(items)));
    expect(embedsOf(messages)).toHaveLength(12);
    expect(messages.map((m) => m.embeds?.length)).toEqual([10, 2]);
    expect(allFields(messages).map((f) => f.value)).toEqual(items.map(([, v]) => String(v)));
    expectAccepted(messages);
  });

  it('counts the content with the embeds: a card that would pass 6,000 beside it goes on the next message', () => {
    const card = (n: number) =>
      fields(Array.from({ length: n }, (_, i): [string, string] => [`${i}`, 'v'.repeat(999)]));
    const intro = 'a'.repeat(1990);
    const fits = lay(reply(text(intro), card(4)));
    expect(fits).toHaveLength(1);
    expect(fits.map((m) => m.text.length + total(m.embeds ?? []))).toEqual([5990]);
    const over = lay(reply(text(intro), card(5)));
    expect(over.map((m) => [m.text.length, m.embeds?.length ?? 0])).toEqual([
      [1990, 0],
      [0, 1],
    ]);
    expectAccepted(over);
  });

  it('puts buttons that follow a card on the card message', () => {
    const messages = lay(
      reply(text('Producto'), fields([['stock', 3]]), buttons({ label: '▶', command: '/stock p:2' })),
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]?.buttons?.map((b) => b.label)).toEqual(['▶']);
    expect(messages[0]?.embeds).toHaveLength(1);
  });
});

describe('discord layout: long text', () => {
  it('keeps text of exactly 2,000 characters as plain content', () => {
    const messages = lay(reply(text('a'.repeat(CONTENT_LIMIT))));
    expect(messages).toEqual([{ kind: 'text', text: 'a'.repeat(CONTENT_LIMIT) }]);
  });

  it('sends text over 2,000 and up to 6,000 as embed descriptions of one message', () => {
    const one = lay(reply(text('a'.repeat(CONTENT_LIMIT + 1))));
    expect(one).toHaveLength(1);
    expect(one[0]?.text).toBe('');
    expect(descriptions(one)).toEqual(['a'.repeat(CONTENT_LIMIT + 1)]);
    const full = lay(reply(text('b'.repeat(EMBEDS_TOTAL_LIMIT))));
    expect(full).toHaveLength(1);
    expect(descriptions(full).map((d) => d.length)).toEqual([
      DESCRIPTION_LIMIT,
      EMBEDS_TOTAL_LIMIT - DESCRIPTION_LIMIT,
    ]);
    expect(descriptions(full).join('')).toBe('b'.repeat(EMBEDS_TOTAL_LIMIT));
    expectAccepted([...one, ...full]);
  });

  it('sends text over 6,000 as content messages of 2,000, nothing lost', () => {
    const messages = lay(reply(text('c'.repeat(EMBEDS_TOTAL_LIMIT + 1))));
    expect(messages.map((m) => m.text.length)).toEqual([2000, 2000, 2000, 1]);
    expect(embedsOf(messages)).toEqual([]);
    expect(messages.map((m) => m.text).join('')).toBe('c'.repeat(EMBEDS_TOTAL_LIMIT + 1));
  });

  it('keeps text, card and text in order in one message of embeds when the content would take two', () => {
    const messages = lay(reply(text('a'.repeat(1500)), fields([['stock', 3]]), text('b'.repeat(1500))));
    expect(messages).toHaveLength(1);
    expect(messages[0]?.embeds?.map((e) => (e.description ? e.description[0] : e.fields?.[0]?.name))).toEqual([
      'a',
      'stock',
      'b',
    ]);
    expectAccepted(messages);
  });

  it('keeps paging buttons at the end of a reply that goes as one message of embeds', () => {
    const page = buttons({ label: '◀', command: '/x p:1' }, { label: '▶', command: '/x p:3' });
    const messages = lay(reply(text('d'.repeat(3000)), page));
    expect(messages).toHaveLength(1);
    expect(descriptions(messages)).toEqual(['d'.repeat(3000)]);
    expect(messages[0]?.buttons?.map((b) => b.label)).toEqual(['◀', '▶']);
  });

  it('stays in content when buttons sit between texts, so nothing moves past them', () => {
    const messages = lay(
      reply(text('e'.repeat(1500)), buttons({ label: 'ok', command: '/ok' }), text('f'.repeat(1500))),
    );
    expect(embedsOf(messages)).toEqual([]);
    expect(messages.map((m) => [m.text[0], m.buttons?.length ?? 0])).toEqual([
      ['e', 1],
      ['f', 0],
    ]);
  });

  it('keeps a card on the first message when more than 25 buttons spill onto the next', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ label: `b${i}`, command: `/b ${i}` }));
    const messages = lay(reply(text('Lista'), fields([['stock', 3]]), buttons(...many)));
    expect(messages.map((m) => [m.embeds?.length ?? 0, m.buttons?.length])).toEqual([
      [1, 25],
      [0, 5],
    ]);
    expect(messages[1]?.text).toBe('b25 · b26 · b27 · b28 · b29');
  });

  it('leaves an error reply in content, as the short refusal it is', () => {
    expect(lay(errorReply(text('No conozco el comando /x.')))).toEqual([
      { kind: 'text', text: 'No conozco el comando /x.' },
    ]);
  });
});
