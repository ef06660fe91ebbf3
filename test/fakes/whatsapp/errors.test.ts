// Meta's error codes on demand, the 24-hour customer-service window on an injected clock, templates, statuses.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../../src/clock.ts';
import { createWhatsappFake, type ErrorCode, type WhatsappFake } from './index.ts';
import { graphClient, startWebhookReceiver } from './test-support.ts';

const HOUR = 60 * 60 * 1000;
const clock = manualClock('2026-03-02T15:00:00Z');
let fake: WhatsappFake;
let graph: ReturnType<typeof graphClient>;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

const text = (to: string, body = 'Stock de sku-1: 4') => ({
  messaging_product: 'whatsapp',
  to,
  type: 'text',
  text: { body },
});
const template = (to: string, name: string, code: string, parameters: string[] = []) => ({
  messaging_product: 'whatsapp',
  to,
  type: 'template',
  template: {
    name,
    language: { code },
    components: [{ type: 'body', parameters: parameters.map((value) => ({ type: 'text', text: value })) }],
  },
});

beforeAll(async () => {
  fake = await createWhatsappFake({
    clock,
    templates: [{ name: 'alerta_stock', language: 'es', body: 'Stock bajo: {{1}} tiene {{2}} unidades.' }],
  });
  receiver = await startWebhookReceiver(fake.appSecret, fake.verifyToken);
  fake.setWebhookUrl(receiver.url);
  graph = graphClient(fake);
});
afterEach(() => fake.clearFailures());
afterAll(async () => {
  await fake.close();
  await receiver.close();
});

describe('errors on demand', () => {
  const catalogue: Array<[ErrorCode, number, number | undefined, RegExp | undefined]> = [
    [130429, 400, 2494055, /throughput has been reached/],
    [131056, 400, undefined, /same phone number in a short period/],
    [131047, 400, undefined, /more than 24 hours have passed/],
    [131026, 400, undefined, /Unable to deliver message/],
    [100, 400, undefined, /unsupported or misspelled parameters/],
    [190, 401, 463, undefined],
    [80007, 400, undefined, /reached its rate limit/],
    [4, 400, undefined, /API call rate limit/],
  ];

  it.each(catalogue)('answers %i with HTTP %i in Graph’s error shape', async (code, status, subcode, details) => {
    fake.setLastInbound('5215500000001', clock.now());
    fake.failNext(code);
    const answer = await graph.send(text('5215500000001'));
    expect(answer.status).toBe(status);
    expect(answer.body.error).toEqual({
      message:
        code === 190
          ? 'Error validating access token: Session has expired.'
          : expect.stringMatching(new RegExp(`^\\(#${code}\\) \\S`)),
      type: 'OAuthException',
      code,
      ...(subcode === undefined ? {} : { error_subcode: subcode }),
      ...(code === 4 ? { is_transient: true } : {}),
      // Graph's token error (190) has no WhatsApp error_data; every WhatsApp error does.
      ...(details ? { error_data: { messaging_product: 'whatsapp', details: expect.stringMatching(details) } } : {}),
      fbtrace_id: expect.stringMatching(/^A[\w-]{22}$/),
    });
  });

  it('refuses once for a throughput error, then accepts the same message once', async () => {
    const phone = '+5215500000002';
    fake.setLastInbound(phone, clock.now());
    fake.failNext(130429);
    expect((await graph.send(text(phone))).body.error.code).toBe(130429);
    expect(fake.messagesTo(phone)).toEqual([]);
    expect((await graph.send(text(phone))).status).toBe(200);
    expect(fake.messagesTo(phone).map((message) => message.text)).toEqual(['Stock de sku-1: 4']);
  });

  it('fails only the chosen recipient, for as many sends as asked', async () => {
    const [slow, other] = ['5215500000003', '5215500000004'];
    for (const phone of [slow, other]) fake.setLastInbound(phone, clock.now());
    fake.failNext(131056, { to: `+${slow}`, times: 2 });
    const codes = [];
    for (const phone of [slow, other, slow, slow]) codes.push((await graph.send(text(phone))).body.error?.code ?? 'ok');
    expect(codes).toEqual([131056, 'ok', 131056, 'ok']);
  });

  it('keeps a recipient undeliverable until cleared', async () => {
    const phone = '5215500000005';
    fake.setLastInbound(phone, clock.now());
    fake.failNext(131026, { to: phone, times: Number.POSITIVE_INFINITY });
    for (let attempt = 0; attempt < 3; attempt += 1)
      expect((await graph.send(text(phone))).body.error.code).toBe(131026);
    fake.clearFailures();
    expect((await graph.send(text(phone))).status).toBe(200);
  });

  it('can accept a send and fail it later by status, as the Cloud API does for undeliverable messages', async () => {
    const phone = '5215500000006';
    fake.setLastInbound(phone, clock.now());
    fake.failNext(131026, { to: phone, via: 'status' });
    const answer = await graph.send(text(phone));
    expect(answer.status).toBe(200);
    const [delivery] = await fake.deliverPendingStatuses();
    const status = receiver.received.at(-1)?.payload.entry[0].changes[0].value.statuses[0];
    expect(delivery?.status).toBe(200);
    expect(status).toMatchObject({ id: answer.body.messages[0].id, status: 'failed', errors: [{ code: 131026 }] });
    expect(fake.messagesTo(phone)[0]?.status).toBe('failed');
  });
});

describe('the 24-hour customer-service window', () => {
  const phone = '+5215511112222';

  it('refuses free-form messages to someone who never wrote, but sends templates', async () => {
    const refused = await graph.send(text('5215599999999'));
    expect(refused.body.error.code).toBe(131047);
    expect((await graph.send(template('5215599999999', 'alerta_stock', 'es', ['Gorra', '1']))).status).toBe(200);
  });

  it('closes 24 hours after the user last wrote and reopens when they write again', async () => {
    await fake.userSends(phone, 'hola');
    clock.advance(24 * HOUR - 60_000);
    expect((await graph.send(text(phone, 'dentro de la ventana'))).status).toBe(200);

    clock.advance(2 * 60_000);
    const outside = await graph.send(text(phone, 'fuera de la ventana'));
    expect(outside.status).toBe(400);
    expect(outside.body.error).toMatchObject({ code: 131047, message: '(#131047) Re-engagement message' });
    const buttons = {
      messaging_product: 'whatsapp',
      to: phone,
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: '¿Reponer?' },
        action: { buttons: [{ type: 'reply', reply: { id: 'y', title: 'Sí' } }] },
      },
    };
    expect((await graph.send(buttons)).body.error.code).toBe(131047);

    const alert = await graph.send(template(phone, 'alerta_stock', 'es', ['Camiseta roja', '2']));
    expect(alert.status).toBe(200);
    expect(fake.messagesTo(phone).at(-1)?.text).toBe('Stock bajo: Camiseta roja tiene 2 unidades.');

    await fake.userSends(phone, 'stock');
    expect((await graph.send(text(phone, 'ventana abierta otra vez'))).status).toBe(200);
    expect(fake.messagesTo(phone).map((message) => message.text)).toEqual([
      'dentro de la ventana',
      'Stock bajo: Camiseta roja tiene 2 unidades.',
      'ventana abierta otra vez',
    ]);
  });

  it('refuses templates that are not approved, in that language, or with the wrong parameter count', async () => {
    const unknown = await graph.send(template(phone, 'alerta_stock', 'en_US', ['a', 'b']));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 132001 });
    const short = await graph.send(template(phone, 'alerta_stock', 'es', ['solo uno']));
    expect(short.body.error).toMatchObject({ code: 132000 });
    expect(short.body.error.error_data.details).toMatch(/\(1\) does not match the expected number of params \(2\)/);
  });

  it('can report the window as a failed status instead, as the Cloud API often does', async () => {
    const statusFake = await createWhatsappFake({ clock, reengagementErrors: 'status', webhookUrl: receiver.url });
    try {
      const answer = await graphClient(statusFake).send(text('5215533334444'));
      expect(answer.status).toBe(200);
      await statusFake.deliverPendingStatuses();
      const status = receiver.received.at(-1)?.payload.entry[0].changes[0].value.statuses[0];
      expect(status).toMatchObject({ id: answer.body.messages[0].id, status: 'failed', errors: [{ code: 131047 }] });
    } finally {
      await statusFake.close();
    }
  });
});

describe('delivery statuses', () => {
  it('moves sent → delivered → read and refuses to go back', async () => {
    const phone = '5215555556666';
    fake.setLastInbound(phone, clock.now());
    const id = (await graph.send(text(phone))).body.messages[0].id as string;
    for (const status of ['sent', 'delivered', 'read'] as const) {
      expect((await fake.deliverStatus(id, status)).status).toBe(200);
      expect(fake.messagesTo(phone)[0]?.status).toBe(status);
    }
    await expect(fake.deliverStatus(id, 'failed')).rejects.toThrow(/cannot go from read to failed/);
    const statuses = receiver.received
      .slice(-3)
      .map((hook) => hook.payload.entry[0].changes[0].value.statuses[0].status);
    expect(statuses).toEqual(['sent', 'delivered', 'read']);
  });
});
