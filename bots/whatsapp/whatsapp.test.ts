import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { and, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox, sentMessages } from '../../db/schema/chat.ts';
import { enqueue, heldMessages } from '../../src/chat/outbox/outbox.ts';
import { alert, reply, text } from '../../src/chat/reply.ts';
import { manualClock } from '../../src/clock.ts';
import { loadConfig } from '../../src/config.ts';
import { type createCore, createWorkers } from '../../src/core.ts';
import { createLogger } from '../../src/logger.ts';
import { type WhatsappWiring, whatsappAdapter } from '../../src/wiring/whatsapp.ts';
import { createWhatsappFake, type PhoneMessage, type WhatsappFake } from '../../test/fakes/whatsapp/index.ts';
import { createContractCore } from '../../test/helpers/contract-core.ts';
import { createTestDatabase } from '../../test/helpers/database.ts';
import { adapterContract, type ContractHarness, type Seen } from '../core/contract.ts';

const OWNER = '5215500000001';
const VIEWER = '5215500000002';
const TEMPLATE = {
  name: 'bodega_alerta',
  language: 'es',
  category: 'utility' as const,
  body: 'Aviso de tu tienda: {{1}}',
};
/** Ahead of the database's clock, so what Postgres stamps "now" is due; moved by hand to reach retries. */
const clock = manualClock(new Date(Date.now() + 60_000));
const log = createLogger({ level: 'silent', pretty: false });

let fake: WhatsappFake;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let core: ReturnType<typeof createCore>;
let webhookUrl: string;
let harness: ContractHarness;
let cleanup: () => Promise<void>;
/** Each mode of the adapter under test: plain, and with an alert template. */
let plain: { wiring: WhatsappWiring; workers: ReturnType<typeof createWorkers> };
let templated: typeof plain;
let active: typeof plain;

function wire(extra: Record<string, string> = {}) {
  const config = loadConfig({
    WHATSAPP_MODE: 'cloud',
    WHATSAPP_CLOUD_TOKEN: fake.token,
    WHATSAPP_PHONE_NUMBER_ID: fake.phoneNumberId,
    WHATSAPP_VERIFY_TOKEN: fake.verifyToken,
    WHATSAPP_APP_SECRET: fake.appSecret,
    WHATSAPP_GRAPH_BASE: fake.graphBase,
    ...extra,
  });
  const wiring = whatsappAdapter(config, core, database, log, { inbound: () => {}, outbox: () => {} });
  const workers = createWorkers(core, database, log, [wiring.adapter], { processors: [wiring.adapter.processor] });
  return { wiring, workers };
}

/** Runs what the last deliveries caused: recorded arrivals, replies, long tasks and their results. */
async function settle() {
  await active.workers.inbound.drainAll();
  await active.workers.dispatcher.drainAll();
  while (await active.workers.runner.runNext());
  await active.workers.dispatcher.drainAll();
}

const shown = (message: PhoneMessage) => message.text ?? '';
const PROGRESS = /^Tarea #\d+: /;

function seen(messages: PhoneMessage[]): Seen {
  const texts = messages.filter((m) => ['text', 'buttons', 'list'].includes(m.kind)).map(shown);
  const withChoices = messages.filter((m) => m.buttons || m.list).at(-1);
  const choices = withChoices?.buttons ?? withChoices?.list?.rows ?? [];
  return {
    texts: texts.filter((line) => !PROGRESS.test(line)),
    progress: texts.filter((line) => PROGRESS.test(line)),
    files: messages
      .filter((m) => m.document?.media)
      .map((m) => ({ filename: m.document?.filename ?? '', data: m.document?.media?.bytes ?? Buffer.alloc(0) })),
    buttons: choices.map((choice) => ({ label: choice.title })),
  };
}

beforeAll(async () => {
  fake = await createWhatsappFake({ clock, templates: [TEMPLATE] });
  database = await createTestDatabase();
  core = await createContractCore(database, { clock, log, owner: `whatsapp:+${OWNER}`, viewer: `whatsapp:+${VIEWER}` });
  plain = wire();
  templated = wire({ WHATSAPP_ALERT_TEMPLATE: `${TEMPLATE.name}:${TEMPLATE.language}` });
  active = plain;
  const webhooks = new Hono();
  webhooks.get('/whatsapp', (c) =>
    (active.wiring.webhook as NonNullable<WhatsappWiring['webhook']>).verify(new URL(c.req.url)),
  );
  webhooks.post('/whatsapp', (c) =>
    (active.wiring.webhook as NonNullable<WhatsappWiring['webhook']>).handle(c.req.raw),
  );
  const server = serve({ fetch: new Hono().route('/webhooks', webhooks).fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`;
  fake.setWebhookUrl(webhookUrl);
  await plain.wiring.adapter.start();
  await templated.wiring.adapter.start();

  let lastChoices: PhoneMessage | undefined;
  async function turn(phone: string, act: () => Promise<{ status: number }>): Promise<Seen> {
    const before = fake.messagesTo(phone).length;
    expect((await act()).status).toBe(200);
    await settle();
    const messages = fake.messagesTo(phone).slice(before);
    lastChoices = messages.filter((m) => m.buttons || m.list).at(-1) ?? lastChoices;
    return seen(messages);
  }
  harness = {
    say: (line, options) => {
      const phone = options?.as === 'viewer' ? VIEWER : OWNER;
      return turn(phone, () => fake.userSends(phone, line));
    },
    press: (label) => {
      const message = lastChoices as PhoneMessage;
      const button = message.buttons?.find((b) => b.title === label);
      if (button) return turn(OWNER, () => fake.userTaps(OWNER, message.id, button.id));
      const row = message.list?.rows.find((r) => r.title === label);
      if (!row) throw new Error(`no choice ${label}`);
      return turn(OWNER, () => fake.userPicks(OWNER, message.id, row.id));
    },
    maxLength: 4096,
    close: async () => {},
  };
  cleanup = async () => {
    await plain.wiring.adapter.stop();
    await templated.wiring.adapter.stop();
    await new Promise((resolve) => server.close(resolve));
    await fake.close();
    await database.drop();
  };
});

afterAll(async () => {
  await cleanup?.();
});

adapterContract('whatsapp cloud', () => harness);

describe('whatsapp cloud webhook', () => {
  it('answers the verification handshake only with the right token', async () => {
    expect(await fake.verifyWebhook({ challenge: '1158201444' })).toEqual({ status: 200, body: '1158201444' });
    expect((await fake.verifyWebhook({ verifyToken: 'nope' })).status).toBe(403);
    expect((await fake.verifyWebhook({ mode: 'unsubscribe' })).status).toBe(403);
  });

  it('refuses a bad or missing signature with 401 and sends nothing', async () => {
    const before = fake.messagesTo(OWNER).length;
    expect((await fake.userSends(OWNER, 'ayuda', { signature: 'bad' })).status).toBe(401);
    expect((await fake.userSends(OWNER, 'ayuda', { signature: 'missing' })).status).toBe(401);
    await settle();
    expect(fake.messagesTo(OWNER).length).toBe(before);
  });

  it('answers 400 to a body that is not what Meta sends, and records nothing', async () => {
    const good = fake.deliveries.at(-1)?.payload ?? {};
    const bad = structuredClone(good) as { entry: Array<{ changes: Array<{ value: { messages?: unknown[] } }> }> };
    const value = bad.entry[0]!.changes[0]!.value;
    value.messages = [{ from: OWNER, id: 'wamid.X', timestamp: '1', type: 'text', text: { body: 42 } }];
    expect((await fake.deliver(bad)).status).toBe(400);
    value.messages = [{ from: OWNER, id: 'wamid.Y', timestamp: '1', type: 'text', text: { body: 'ayuda\u0000' } }];
    expect((await fake.deliver(bad)).status).toBe(400);
    expect((await fake.deliver({ object: 'page', entry: [] })).status).toBe(400);
    const before = fake.messagesTo(OWNER).length;
    await settle();
    expect(fake.messagesTo(OWNER).length).toBe(before);
  });

  it('runs a message delivered twice once, marks it read, and takes commands without the slash', async () => {
    const before = fake.messagesTo(OWNER).length;
    const first = await fake.userSends(OWNER, 'ayuda');
    await fake.redeliver(first);
    await settle();
    const replies = fake.messagesTo(OWNER).slice(before);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain('Comandos que puedes usar');
    expect(fake.wasMarkedRead(first.messageId)).toBe(true);
  });

  it('pages with a list message when there are more than three choices, and a picked row runs it', async () => {
    for (let i = 1; i <= 80; i++) {
      const product = { sku: `VASO-${i}`, title: `Vaso ${i}`, priceMinor: 1000, currency: 'MXN', stock: 5 };
      await core.services.inventory.products.add(product, { actor: 'test', key: `vaso-${i}` });
    }
    await harness.say('stock vaso pagina:3');
    const list = fake
      .messagesTo(OWNER)
      .filter((m) => m.kind === 'list')
      .at(-1);
    expect(list?.list?.rows.map((row) => row.title)).toEqual([
      '◀ Anterior',
      'Siguiente ▶',
      '« Primera página',
      expect.stringMatching(/^Última página/),
    ]);
    const after = await harness.press('« Primera página');
    expect(after.texts.join('\n')).toContain('página 1 de');
  });
});

describe('whatsapp delivery rules', () => {
  let key = 0;
  const queue = (phone: string, message: ReturnType<typeof reply>) =>
    enqueue(database.db, { platform: 'whatsapp', chatId: phone }, message, 'es', `wa-test:${++key}`);
  const lowStock = () => alert(reply(text('Stock bajo: TAZA-1\nQuedan 2 disponibles.')));
  const rowsTo = (phone: string) =>
    database.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.platform, 'whatsapp'), eq(outbox.chatId, phone)));

  it('holds a message to a person outside the 24-hour window, visibly, and sends it once they write', async () => {
    const phone = '5215500000011';
    await queue(phone, lowStock());
    await settle();
    expect(fake.messagesTo(phone)).toEqual([]);
    expect((await rowsTo(phone)).map((row) => row.status)).toEqual(['held']);
    const held = (await heldMessages(database.db)).find((entry) => entry.chatId === phone);
    expect(held).toMatchObject({ platform: 'whatsapp', count: 1 });
    const shownToOwner = await harness.say('avisos');
    expect(shownToOwner.texts.join('\n')).toContain(`1 mensaje espera a +${phone}: WhatsApp solo deja escribir`);
    await fake.userSends(phone, 'hola');
    await settle();
    const texts = fake.messagesTo(phone).map(shown);
    expect(texts[0]).toBe('Stock bajo: TAZA-1\nQuedan 2 disponibles.');
    expect(texts).toHaveLength(2); // the alert, then the answer to "hola"
    expect((await heldMessages(database.db)).some((entry) => entry.chatId === phone)).toBe(false);
  });

  it('sends an alert outside the window as the approved template when one is configured; other replies wait', async () => {
    const phone = '5215500000012';
    active = templated;
    try {
      await queue(phone, lowStock());
      await queue(phone, reply(text('no es un aviso')));
      await settle();
      const sent = fake.messagesTo(phone);
      expect(sent.map((m) => m.kind)).toEqual(['template']);
      expect(sent[0]?.template).toEqual({
        name: TEMPLATE.name,
        language: TEMPLATE.language,
        parameters: ['Stock bajo: TAZA-1 · Quedan 2 disponibles.'],
      });
      expect((await rowsTo(phone)).map((row) => row.status).sort()).toEqual(['held', 'sent']);
    } finally {
      active = plain;
    }
  });

  it('learns from a 131047 answer that the window closed: an alert goes as the template, a reply waits', async () => {
    const phone = '5215500000015';
    await fake.userSends(phone, 'hola');
    await settle();
    fake.setLastInbound(phone, new Date(clock.now().getTime() - 25 * 60 * 60 * 1000));
    active = templated;
    try {
      await queue(phone, lowStock());
      await queue(phone, reply(text('tu pedido salió')));
      await settle();
      clock.advance(10_000);
      await settle();
    } finally {
      active = plain;
    }
    const sent = fake.messagesTo(phone).slice(1);
    expect(sent.map((m) => m.kind)).toEqual(['template']);
    expect((await rowsTo(phone)).map((row) => row.status).sort()).toEqual(['held', 'sent', 'sent']);
  });

  it('takes a window closed by a failed status (131047) back from the queue instead of losing it', async () => {
    const phone = '5215500000013';
    await fake.userSends(phone, 'hola');
    await settle();
    fake.failNext(131047, { to: phone, via: 'status' });
    await queue(phone, reply(text('tu pedido salió')));
    await settle();
    const [accepted] = fake.messagesTo(phone).slice(-1);
    expect(accepted?.text).toBe('tu pedido salió');
    await fake.deliverPendingStatuses();
    await settle();
    const row = (await rowsTo(phone)).find((r) => r.reply && JSON.stringify(r.reply).includes('tu pedido'));
    expect(row?.status).toBe('held');
    const [tracked] = await database.db.select().from(sentMessages).where(eq(sentMessages.messageId, accepted!.id));
    expect(tracked).toMatchObject({ status: 'failed', errorCode: 131047 });
  });

  it('waits out a throughput limit (130429) and delivers the message once', async () => {
    const before = fake.messagesTo(OWNER).length;
    fake.failNext(130429, { to: OWNER });
    await fake.userSends(OWNER, 'ayuda');
    await settle();
    expect(fake.messagesTo(OWNER).length).toBe(before);
    clock.advance(10_000);
    await settle();
    const after = fake.messagesTo(OWNER).slice(before);
    expect(after).toHaveLength(1);
    expect(after[0]?.text).toContain('Comandos que puedes usar');
    const refused = fake.calls.filter(
      (call) => (call.response as { error?: { code?: number } })?.error?.code === 130429,
    );
    expect(refused).toHaveLength(1);
  });

  it('records a failed delivery status with its code on the outbox message', async () => {
    const phone = '5215500000014';
    await fake.userSends(phone, 'hola');
    await settle();
    const [answer] = fake.messagesTo(phone);
    await fake.deliverStatus(answer!.id, 'sent');
    await fake.deliverStatus(answer!.id, 'failed', { code: 131026 });
    await settle();
    const [tracked] = await database.db.select().from(sentMessages).where(eq(sentMessages.messageId, answer!.id));
    expect(tracked).toMatchObject({ status: 'failed', errorCode: 131026 });
    const [row] = await rowsTo(phone);
    expect(row?.status).toBe('dead');
    expect(row?.lastError).toContain('131026');
  });
});
