// Webhooks shaped like Meta's, signed like Meta's, delivered to a real HTTP receiver.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../../src/clock.ts';
import { createWhatsappFake, type WhatsappFake } from './index.ts';
import { specValidators } from './spec.ts';
import { graphClient, shapeOf, signatureMatches, startWebhookReceiver } from './test-support.ts';

const USER = '16505551234';
const FIXTURE = JSON.parse(
  readFileSync(
    new URL('../../fixtures/whatsapp/whatsapp-webhook-text-message.official-doc.json', import.meta.url),
    'utf8',
  ),
);
const clock = manualClock('2026-03-02T15:00:00Z');
let fake: WhatsappFake;
let graph: ReturnType<typeof graphClient>;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

const changeValue = (payload: any) => payload.entry[0].changes[0].value;
const metaExample = (name: string) => {
  const examples = (specValidators().document.paths as any)['/whatsapp/webhooks'].post.requestBody.content[
    'application/json'
  ].examples;
  return examples[name].value;
};

beforeAll(async () => {
  fake = await createWhatsappFake({ clock, phoneNumberId: '106540352242922', displayPhoneNumber: '15550783881' });
  receiver = await startWebhookReceiver(fake.appSecret, fake.verifyToken);
  fake.setWebhookUrl(receiver.url);
  graph = graphClient(fake);
});
afterAll(async () => {
  await fake.close();
  await receiver.close();
});

describe('incoming messages', () => {
  it('delivers a text message shaped like Meta’s example and signed over the raw bytes', async () => {
    const delivery = await fake.userSends(`+${USER}`, '¿Cuánto cuesta la camiseta? 👕', { name: 'Sheena Nelson' });
    expect(delivery.status).toBe(200);
    const hook = receiver.received.at(-1)!;
    expect(hook.verified).toBe(true);
    expect(shapeOf(hook.payload)).toEqual(shapeOf(FIXTURE));
    expect(changeValue(hook.payload)).toEqual({
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
      contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: USER }],
      messages: [
        {
          from: USER,
          id: delivery.messageId,
          timestamp: String(Date.parse('2026-03-02T15:00:00Z') / 1000),
          type: 'text',
          text: { body: '¿Cuánto cuesta la camiseta? 👕' },
        },
      ],
    });
    expect(delivery.messageId).toMatch(/^wamid\.[A-Za-z0-9+/]+=*$/);
  });

  it('escapes non-ASCII like Meta, so only the raw bytes verify, never the re-serialized JSON', async () => {
    await fake.userSends(USER, 'Añadir 2 unidades');
    const hook = receiver.received.at(-1)!;
    expect(hook.rawBody.toString()).toContain('"A\\u00f1adir 2 unidades"');
    const reserialized = Buffer.from(JSON.stringify(hook.payload));
    expect(signatureMatches(hook.rawBody, hook.headers['x-hub-signature-256'], fake.appSecret)).toBe(true);
    expect(signatureMatches(reserialized, hook.headers['x-hub-signature-256'], fake.appSecret)).toBe(false);
  });

  it('sends a bad or a missing signature when asked, which a correct receiver refuses', async () => {
    const bad = await fake.userSends(USER, 'stock', { signature: 'bad' });
    expect(bad.headers['x-hub-signature-256']).toMatch(/^sha256=[0-9a-f]{64}$/);
    const missing = await fake.userSends(USER, 'stock', { signature: 'missing' });
    expect(missing.headers['x-hub-signature-256']).toBeUndefined();
    expect([bad.status, missing.status]).toEqual([401, 401]);
    expect(receiver.received.slice(-2).map((hook) => hook.verified)).toEqual([false, false]);
  });

  it('delivers the same message twice, byte for byte, as Meta’s retries do', async () => {
    const first = await fake.userSends(USER, 'reservar sku-1 2');
    const again = await fake.redeliver(first);
    const [one, two] = receiver.received.slice(-2);
    expect(again.status).toBe(200);
    expect(two?.rawBody.equals(one!.rawBody)).toBe(true);
    expect(changeValue(two?.payload).messages[0].id).toBe(first.messageId);
  });

  it('lets the business mark an incoming message read, and refuses unknown ids', async () => {
    const incoming = await fake.userSends(USER, 'hola');
    const read = { messaging_product: 'whatsapp', status: 'read', message_id: incoming.messageId };
    expect(await graph.send(read)).toEqual({ status: 200, body: { success: true } });
    expect(fake.wasMarkedRead(incoming.messageId)).toBe(true);
    const unknown = await graph.send({ ...read, message_id: 'wamid.nope' });
    expect(unknown.body.error.code).toBe(100);
  });
});

describe('interactive replies', () => {
  it('delivers a button_reply shaped like Meta’s example, pointing at the message tapped', async () => {
    await fake.userSends(USER, 'reservar');
    const sent = await graph.send({
      messaging_product: 'whatsapp',
      to: USER,
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: '¿Reservar 2 unidades?' },
        action: { buttons: [{ type: 'reply', reply: { id: 'confirm:42', title: 'Confirmar' } }] },
      },
    });
    const messageId = sent.body.messages[0].id;
    await fake.userTaps(USER, messageId, 'confirm:42');
    const payload = receiver.received.at(-1)!.payload;
    expect(shapeOf(payload)).toEqual(shapeOf(metaExample('Interactive Button Reply Message')));
    expect(changeValue(payload).messages[0]).toMatchObject({
      context: { from: '15550783881', id: messageId },
      type: 'interactive',
      interactive: { type: 'button_reply', button_reply: { id: 'confirm:42', title: 'Confirmar' } },
    });
    expect(() => fake.userTaps(USER, messageId, 'cancel')).toThrow(/has no button cancel/);
  });

  it('delivers a list_reply shaped like Meta’s example, with the row’s title and description', async () => {
    const sent = await graph.send({
      messaging_product: 'whatsapp',
      to: USER,
      type: 'interactive',
      interactive: {
        type: 'list',
        body: { text: 'Resultados 1-2 de 14' },
        action: {
          button: 'Elegir',
          sections: [
            {
              title: 'Camisetas',
              rows: [
                { id: 'sku-1', title: 'Camiseta roja', description: '4 disponibles' },
                { id: 'page:2', title: 'Ver más' },
              ],
            },
          ],
        },
      },
    });
    const messageId = sent.body.messages[0].id;
    await fake.userPicks(USER, messageId, 'sku-1');
    const payload = receiver.received.at(-1)!.payload;
    expect(shapeOf(payload)).toEqual(shapeOf(metaExample('Interactive List Reply Message')));
    expect(changeValue(payload).messages[0].interactive.list_reply).toEqual({
      id: 'sku-1',
      title: 'Camiseta roja',
      description: '4 disponibles',
    });
    await fake.userPicks(USER, messageId, 'page:2');
    expect(changeValue(receiver.received.at(-1)!.payload).messages[0].interactive.list_reply).toEqual({
      id: 'page:2',
      title: 'Ver más',
    });
  });
});

describe('statuses', () => {
  it('delivers sent, delivered, read and failed statuses that match Meta’s webhook schema', async () => {
    const ids = [];
    for (const body of ['uno', 'dos']) {
      const answer = await graph.send({ messaging_product: 'whatsapp', to: USER, type: 'text', text: { body } });
      ids.push(answer.body.messages[0].id as string);
    }
    const [read, failed] = ids as [string, string];
    const deliveries = [
      await fake.deliverStatus(read, 'sent'),
      await fake.deliverStatus(read, 'delivered'),
      await fake.deliverStatus(read, 'read'),
      await fake.deliverStatus(failed, 'sent'),
      await fake.deliverStatus(failed, 'failed', { code: 131026 }),
    ];
    const validate = specValidators().webhook;
    for (const delivery of deliveries) {
      expect(delivery.status).toBe(200);
      expect(validate(delivery.payload), JSON.stringify(validate.errors)).toBe(true);
    }
    expect(changeValue(deliveries[0]!.payload).statuses[0]).toMatchObject({
      id: read,
      status: 'sent',
      recipient_id: USER,
      conversation: { origin: { type: 'service' } },
      pricing: { billable: true, pricing_model: 'PMP', category: 'service' },
    });
    expect(changeValue(deliveries[4]!.payload).statuses[0]).toEqual({
      id: failed,
      status: 'failed',
      timestamp: expect.stringMatching(/^\d+$/),
      recipient_id: USER,
      errors: [
        {
          code: 131026,
          title: 'Message undeliverable',
          message: 'Message undeliverable',
          error_data: { details: expect.stringMatching(/^Unable to deliver message/) },
          href: expect.stringMatching(/^https:\/\/developers\.facebook\.com\//),
        },
      ],
    });
    expect(
      fake
        .messagesTo(USER)
        .slice(-2)
        .map((message) => message.status),
    ).toEqual(['read', 'failed']);
  });
});

describe('verification handshake', () => {
  it('echoes the challenge for the right verify token and is refused otherwise', async () => {
    expect(await fake.verifyWebhook({ challenge: '8832' })).toEqual({ status: 200, body: '8832' });
    expect((await fake.verifyWebhook({ verifyToken: 'wrong' })).status).toBe(403);
    expect((await fake.verifyWebhook({ mode: 'unsubscribe' })).status).toBe(403);
  });
});
