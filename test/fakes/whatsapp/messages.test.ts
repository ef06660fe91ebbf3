// The fake accepts what the Cloud API accepts and refuses what it refuses, with Meta's answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../../src/clock.ts';
import { createWhatsappFake, type WhatsappFake } from './index.ts';
import { specValidators } from './spec.ts';
import { graphClient } from './test-support.ts';

const USER = '+52 1 55 1234 5678';
const USER_ID = '5215512345678';
const clock = manualClock('2026-03-02T15:00:00Z');
let fake: WhatsappFake;
let graph: ReturnType<typeof graphClient>;

const text = (body: string, extra: Record<string, unknown> = {}) => ({
  messaging_product: 'whatsapp',
  recipient_type: 'individual',
  to: USER,
  type: 'text',
  text: { body },
  ...extra,
});

const buttons = (titles: string[], ids = titles.map((_, index) => `b${index}`)) => ({
  messaging_product: 'whatsapp',
  to: USER,
  type: 'interactive',
  interactive: {
    type: 'button',
    body: { text: '¿Confirmas la reserva?' },
    action: { buttons: titles.map((title, index) => ({ type: 'reply', reply: { id: ids[index], title } })) },
  },
});

type Row = { id: string; title: string; description?: string };
const list = (sections: Array<{ title?: string; rows: Row[] }>, button = 'Ver productos') => ({
  messaging_product: 'whatsapp',
  to: USER,
  type: 'interactive',
  interactive: { type: 'list', body: { text: 'Resultados' }, action: { button, sections } },
});

const rows = (count: number, prefix = 'r') =>
  Array.from({ length: count }, (_, index) => ({ id: `${prefix}${index}`, title: `Producto ${index}` }));

beforeAll(async () => {
  fake = await createWhatsappFake({ clock });
  graph = graphClient(fake);
  fake.setLastInbound(USER, clock.now());
});
afterAll(() => fake.close());

describe('accepted sends', () => {
  it('answers a text with Meta shape and shows it on the phone', async () => {
    const answer = await graph.send(text('Hola, tu pedido está listo'));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      messaging_product: 'whatsapp',
      contacts: [{ input: USER, wa_id: USER_ID }],
      messages: [{ id: expect.stringMatching(/^wamid\.[A-Za-z0-9+/]+=*$/) }],
    });
    expect(fake.messagesTo(USER).at(-1)).toMatchObject({
      id: answer.body.messages[0].id,
      kind: 'text',
      text: 'Hola, tu pedido está listo',
    });
  });

  it('accepts a send without recipient_type, which the API defaults to individual', async () => {
    const { recipient_type: _, ...body } = text('sin recipient_type');
    expect((await graph.send(body)).status).toBe(200);
    expect(fake.messagesTo(USER_ID).at(-1)?.text).toBe('sin recipient_type');
  });

  it('shows reply buttons and list rows as the user sees them', async () => {
    expect((await graph.send(buttons(['Sí', 'No', 'Más tarde']))).status).toBe(200);
    expect(fake.messagesTo(USER).at(-1)).toMatchObject({
      kind: 'buttons',
      text: '¿Confirmas la reserva?',
      buttons: [
        { id: 'b0', title: 'Sí' },
        { id: 'b1', title: 'No' },
        { id: 'b2', title: 'Más tarde' },
      ],
    });
    const sections = [
      { title: 'Camisetas', rows: [{ id: 'sku-1', title: 'Camiseta roja', description: '12 disponibles' }] },
      { title: 'Gorras', rows: [{ id: 'sku-2', title: 'Gorra negra' }] },
    ];
    expect((await graph.send(list(sections))).status).toBe(200);
    expect(fake.messagesTo(USER).at(-1)).toMatchObject({
      kind: 'list',
      list: {
        button: 'Ver productos',
        rows: [
          { id: 'sku-1', title: 'Camiseta roja', description: '12 disponibles', section: 'Camisetas' },
          { id: 'sku-2', title: 'Gorra negra', section: 'Gorras' },
        ],
      },
    });
  });

  it('sends an uploaded document by id with caption and filename, and an image by link', async () => {
    const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    const bytes = Buffer.from('PK\u0003\u0004 fake workbook bytes');
    const upload = await graph.upload({
      file: new Blob([bytes], { type: xlsx }),
      filename: 'informe-2026-02.xlsx',
      type: xlsx,
      messaging_product: 'whatsapp',
    });
    expect(upload).toEqual({ status: 200, body: { id: expect.stringMatching(/^\d{16}$/) } });
    const document = { id: upload.body.id, caption: 'Informe de febrero', filename: 'informe-2026-02.xlsx' };
    expect((await graph.send({ messaging_product: 'whatsapp', to: USER, type: 'document', document })).status).toBe(
      200,
    );
    const shown = fake.messagesTo(USER).at(-1);
    expect(shown).toMatchObject({ kind: 'document', text: 'Informe de febrero' });
    expect(shown?.document?.filename).toBe('informe-2026-02.xlsx');
    expect(shown?.document?.media?.bytes.equals(bytes)).toBe(true);

    const image = { link: 'https://tienda.example/fotos/gorra.jpg', caption: 'Gorra negra' };
    expect((await graph.send({ messaging_product: 'whatsapp', to: USER, type: 'image', image })).status).toBe(200);
    expect(fake.messagesTo(USER).at(-1)).toMatchObject({
      kind: 'image',
      text: 'Gorra negra',
      image: { link: image.link },
    });
  });

  it('reads media back: info with url, size and sha256, download only with the token', async () => {
    const upload = await graph.upload({
      file: new Blob([Buffer.from('%PDF-1.7 ticket')]),
      filename: 'ticket.pdf',
      type: 'application/pdf',
      messaging_product: 'whatsapp',
    });
    const info = await graph.get(upload.body.id);
    const meta = JSON.parse(info.bytes.toString());
    expect(meta).toMatchObject({
      messaging_product: 'whatsapp',
      id: upload.body.id,
      mime_type: 'application/pdf',
      file_size: 15,
    });
    expect(meta.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await graph.get(meta.url)).bytes.toString()).toBe('%PDF-1.7 ticket');
    expect((await graphClient(fake, null).get(meta.url)).status).toBe(401);
  });

  it('sends an approved template with language and components, rendered on the phone', async () => {
    const template = { name: 'hello_world', language: { code: 'en_US' } };
    const answer = await graph.send({ messaging_product: 'whatsapp', to: USER, type: 'template', template });
    expect(answer.body.messages[0]).toEqual({ id: expect.stringMatching(/^wamid\./), message_status: 'accepted' });
    expect(fake.messagesTo(USER).at(-1)).toMatchObject({
      kind: 'template',
      template: { name: 'hello_world', language: 'en_US', parameters: [] },
      text: expect.stringMatching(/^Hello World/),
    });
  });

  it('counts limits in characters: 4,096 for text, 20 emoji for a title, 10 rows, 24 and 72 per row', async () => {
    const long = (count: number) => 'x'.repeat(count);
    expect((await graph.send(text('ñ'.repeat(4096)))).status).toBe(200);
    expect((await graph.send(buttons(['😀'.repeat(20)]))).status).toBe(200);
    const full = [
      { title: 'A', rows: rows(6) },
      { title: 'B', rows: rows(4, 's') },
    ];
    expect((await graph.send(list(full))).status).toBe(200);
    const wide = [{ rows: [{ id: 'w', title: long(24), description: long(72) }] }];
    expect((await graph.send(list(wide, long(20)))).status).toBe(200);
  });
});

describe('refused sends', () => {
  const long = (count: number) => 'x'.repeat(count);
  const cases: Array<[string, Record<string, unknown>, number, string]> = [
    ['text over 4,096', text(long(4097)), 100, "(#100) Param text['body'] must be at most 4096 characters long."],
    ['four buttons', buttons(['a', 'b', 'c', 'd']), 131009, 'Buttons count invalid. Min count: 1, Max count: 3, got 4'],
    ['a 21-character title', buttons([long(21)]), 131009, 'Button title length invalid. Min length: 1, Max length: 20'],
    ['an empty title', buttons(['']), 131009, 'Button title length invalid. Min length: 1, Max length: 20'],
    [
      'a 257-character button id',
      buttons(['ok'], [long(257)]),
      131009,
      'Button id length invalid. Min length: 1, Max length: 256',
    ],
    ['the same title twice', buttons(['Sí', 'Sí']), 131009, 'Button title must be unique'],
    [
      '11 rows across sections',
      list([
        { title: 'A', rows: rows(6) },
        { title: 'B', rows: rows(5, 's') },
      ]),
      131009,
      'Total row count exceed max allowed count: 10',
    ],
    [
      'a 25-character row title',
      list([{ rows: [{ id: 'r', title: long(25) }] }]),
      131009,
      'Row title length invalid. Min length: 1, Max length: 24',
    ],
    [
      'a 73-character description',
      list([{ rows: [{ id: 'r', title: 't', description: long(73) }] }]),
      131009,
      'Row description length invalid. Max length: 72',
    ],
    [
      'a 21-character list button',
      list([{ rows: rows(1) }], long(21)),
      131009,
      'Button text length invalid. Min length: 1, Max length: 20',
    ],
    [
      'two sections without titles',
      list([{ rows: rows(1) }, { rows: rows(1, 's') }]),
      131008,
      'Section title is required when a list message has more than one section.',
    ],
    [
      'a caption over 1,024',
      {
        messaging_product: 'whatsapp',
        to: USER,
        type: 'image',
        image: { link: 'https://x.example/a.jpg', caption: long(1025) },
      },
      100,
      "(#100) Param image['caption'] must be at most 1024 characters long.",
    ],
  ];

  it.each(cases)('refuses %s with the error Meta sends', async (_, body, code, text) => {
    const before = fake.messagesTo(USER).length;
    const answer = await graph.send(body);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code, type: 'OAuthException', fbtrace_id: expect.any(String) });
    expect(code === 100 ? answer.body.error.message : answer.body.error.error_data.details).toBe(text);
    expect(fake.messagesTo(USER)).toHaveLength(before);
  });

  it.each([
    ['an unknown key', text('hola', { txt: 'x' }), '(#100) Unexpected key "txt".'],
    [
      'a misspelled nested key',
      { ...text('x'), text: { bdy: 'hola' } },
      '(#100) Unexpected key "bdy" on param "text".',
    ],
    ['a number as text', { ...text('x'), text: { body: 42 } }, "(#100) Param text['body'] must be a string."],
    [
      'no recipient',
      { messaging_product: 'whatsapp', type: 'text', text: { body: 'x' } },
      '(#100) The parameter to is required.',
    ],
    [
      'a document with id and link',
      {
        messaging_product: 'whatsapp',
        to: USER,
        type: 'document',
        document: { id: '1', link: 'https://x.example/a.pdf' },
      },
      '(#100) Param document must match exactly one of its allowed forms.',
    ],
    [
      'a document never uploaded',
      { messaging_product: 'whatsapp', to: USER, type: 'document', document: { id: '999' } },
      "(#100) Param document['id'] is not a valid media id: 999",
    ],
    [
      'a message type that does not exist',
      { messaging_product: 'whatsapp', to: USER, type: 'poll' },
      expect.stringMatching(/^\(#100\) Param type must be one of \{text, audio/),
    ],
  ])('refuses %s against Meta’s spec with (#100)', async (_, body, message) => {
    const answer = await graph.send(body);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 100, message });
  });

  it('refuses uploads without type, without messaging_product, or of a type WhatsApp does not carry', async () => {
    const file = new Blob([Buffer.from('hola')]);
    const missingType = await graph.upload({ file, messaging_product: 'whatsapp' });
    expect(missingType.body.error).toMatchObject({ code: 100, message: '(#100) The parameter type is required.' });
    const missingProduct = await graph.upload({ file, type: 'text/plain' });
    expect(missingProduct.body.error.code).toBe(100);
    const exe = await graph.upload({ file, type: 'application/x-msdownload', messaging_product: 'whatsapp' });
    expect(exe.body.error).toMatchObject({ code: 131053 });
  });

  it('answers 401 OAuthException 190 without a valid token, and 100/33 for another phone number id', async () => {
    for (const client of [graphClient(fake, null), graphClient(fake, 'EAAGwrong')]) {
      const answer = await client.send(text('hola'));
      expect(answer.status).toBe(401);
      expect(answer.body.error).toMatchObject({ type: 'OAuthException', code: 190, fbtrace_id: expect.any(String) });
    }
    const other = await graph.send(text('hola'), '999999999999999');
    expect(other.status).toBe(400);
    expect(other.body.error).toMatchObject({ code: 100, error_subcode: 33 });
    expect(fake.calls.filter((call) => call.status === 401)).toHaveLength(2);
  });
});

describe("Meta's spec", () => {
  // Examples whose values are placeholders (`<http(s)://...>` is no URL) or whose interactive types (order
  // details/status for payments in India) the spec does not model; everything else Meta ships must pass.
  const placeholders = new Set([
    'Send Audio Message by URL',
    'Send Document Message by URL',
    'Send Image Message by URL',
    'Send Video Message by URL',
    'Send Reply to Audio Message by URL',
    'Send Reply to Document Message by URL',
    'Send Reply to Image Message by URL',
    'Send Reply to Video Message by URL',
    'Send Multi-Product Message',
    'Send Order Details Message',
    'Send Order Status Message',
    'Send Reply to List Message',
  ]);

  it("validates every request example Meta's own spec gives for POST /messages", () => {
    const { document, message, markRead } = specValidators();
    const operation = (document.paths as any)['/{Version}/{Phone-Number-ID}/messages'].post;
    const examples = Object.entries<any>(operation.requestBody.content['application/json'].examples);
    const failures = examples
      .filter(([name]) => !placeholders.has(name))
      .map(([name, { value }]) => [name, value.status ? markRead(value) : message(value)])
      .filter(([, problem]) => problem !== undefined);
    expect(examples.length).toBeGreaterThan(40);
    expect(failures).toEqual([]);
  });
});
