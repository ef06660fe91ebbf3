import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import fc from 'fast-check';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.ts';
import { coreCommands } from '../../src/commands/index.ts';
import { createRegistry } from '../../src/commands/registry.ts';
import { loadConfig } from '../../src/config.ts';
import { createWorkers } from '../../src/core.ts';
import { createApp } from '../../src/http/app.ts';
import { createLogger } from '../../src/logger.ts';
import { createMetrics } from '../../src/metrics.ts';
import { telegramAdapter } from '../../src/wiring/telegram.ts';
import {
  type FakeTelegram,
  parseTelegramHtml,
  startFakeTelegram,
  type TelegramCall,
} from '../../test/fakes/telegram.ts';
import { createContractCore } from '../../test/helpers/contract-core.ts';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { fuzzWebhook } from '../../test/helpers/webhook-fuzz.ts';
import { adapterContract, type ContractHarness, type Seen } from '../core/contract.ts';
import { createTelegramAdapter, type TelegramAdapter } from './adapter.ts';

const OWNER = 1111111;
const VIEWER = 2222222;
const SECRET = 'contract-secret_1';

let fake: FakeTelegram;
let adapter: TelegramAdapter;
let harness: ContractHarness;
let cleanup: () => Promise<void>;
let webhookUrl: string;
let updateId = 10_000;
let workers: ReturnType<typeof createWorkers>;
let database: TestDatabase;
/** Ahead of the database's clock, so what Postgres stamps "now" is due; moved by hand to reach retries. */
const clock = manualClock(new Date(Date.now() + 60_000));

function messageUpdate(from: number, text: string, languageCode = 'es') {
  return {
    update_id: ++updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: from, type: 'private', first_name: 'Test', username: `user${from}` },
      from: {
        id: from,
        is_bot: false,
        first_name: 'Test',
        last_name: 'Lastname',
        username: `user${from}`,
        language_code: languageCode,
      },
      text,
      ...(text.startsWith('/')
        ? { entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] }
        : {}),
    },
  };
}

beforeAll(async () => {
  fake = await startFakeTelegram();
  const testDatabase = await createTestDatabase();
  database = testDatabase;
  const log = createLogger({ level: 'silent', pretty: false });
  const core = await createContractCore(database, {
    clock,
    log,
    owner: `telegram:${OWNER}`,
    viewer: `telegram:${VIEWER}`,
  });
  const telegramConfig = loadConfig({
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
  });
  adapter = telegramAdapter(telegramConfig, core, database, log, () => {});
  await adapter.start();
  const webhooks = new Hono();
  webhooks.post('/telegram', (c) => adapter.handleWebhook(c.req.raw));
  const app = createApp({
    log,
    metrics: createMetrics({ processMetrics: false }),
    readiness: async () => ({ database: 'ok', jobs: 'ok', telegram: 'ok', discord: 'off', whatsapp: 'off' }),
    routes: [{ path: '/webhooks', app: webhooks }],
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/telegram`;
  await adapter.setWebhook(webhookUrl);
  // Not started: each turn steps the inbound worker, the outbox and the task runner, so what the chat sees is deterministic.
  workers = createWorkers(core, database, log, [adapter], { processors: [adapter.processor] });

  let lastKeyboard: Array<{ text: string; callback_data: string }> = [];
  async function turn(update: Record<string, unknown>, chatId: number): Promise<Seen> {
    const from = fake.calls.length;
    expect(await fake.deliver(update)).toBe(200);
    await settle();
    return seen(fake.calls.slice(from), chatId);
  }
  function seen(calls: TelegramCall[], chatId: number): Seen {
    const mine = calls.filter((call) => String(call.params.chat_id) === String(chatId));
    const visible = (call: TelegramCall) => stripHtml(String(call.params.text));
    const sends = mine.filter((call) => call.method === 'sendMessage');
    const keyboards = sends
      .map(
        (call) =>
          call.params.reply_markup as
            | { inline_keyboard?: Array<Array<{ text: string; callback_data: string }>> }
            | undefined,
      )
      .filter(Boolean);
    const buttons = keyboards.at(-1)?.inline_keyboard?.flat() ?? [];
    if (buttons.length > 0) lastKeyboard = buttons;
    return {
      texts: sends.map(visible),
      progress: mine.filter((call) => call.method === 'editMessageText').map(visible),
      files: mine.filter((call) => call.file).map((call) => ({ filename: call.file!.name, data: call.file!.content })),
      buttons: buttons.map((button) => ({ label: button.text })),
    };
  }
  harness = {
    say: (text, options) => {
      const who = options?.as === 'viewer' ? VIEWER : OWNER;
      return turn(messageUpdate(who, text), who);
    },
    press: (label) => {
      const button = lastKeyboard.find((candidate) => candidate.text === label);
      if (!button) throw new Error(`no button ${label}`);
      return turn(
        {
          update_id: ++updateId,
          callback_query: {
            id: `cb${updateId}`,
            chat_instance: '-1',
            data: button.callback_data,
            from: { id: OWNER, is_bot: false, first_name: 'Test', language_code: 'es' },
            message: { message_id: 1, date: 0, chat: { id: OWNER, type: 'private' } },
          },
        },
        OWNER,
      );
    },
    maxLength: 4096,
    close: async () => {},
  };
  cleanup = async () => {
    await adapter.stop();
    await new Promise((resolve) => server.close(resolve));
    await fake.close();
    await testDatabase.drop();
  };
});

afterAll(async () => {
  await cleanup?.();
});

/** Runs what the last deliveries caused: recorded updates, replies, long tasks and their results. */
async function settle() {
  await workers.inbound.drainAll();
  await workers.dispatcher.drainAll();
  while (await workers.runner.runNext());
  await workers.dispatcher.drainAll();
}

function post(body: string | Uint8Array, secret: string | null = SECRET) {
  return fetch(webhookUrl, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
  });
}

const sentTo = (chatId: number, from: number) =>
  fake.calls
    .slice(from)
    .filter((call) => call.method === 'sendMessage' && String(call.params.chat_id) === String(chatId));

/** What the chat shows for a sent message, parsed the way Telegram parses it (and failing on markup it would reject). */
function stripHtml(html: string): string {
  const parsed = parseTelegramHtml(html);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.text;
}

adapterContract('telegram', () => harness);

describe('telegram long work', () => {
  it('shows the typing action while a long job runs', async () => {
    const before = fake.calls.length;
    await harness.say('/slow');
    const typing = fake.calls.slice(before).filter((call) => call.method === 'sendChatAction');
    expect(typing.length).toBeGreaterThanOrEqual(1);
    expect(typing[0]?.params).toMatchObject({ chat_id: String(OWNER), action: 'typing' });
  });
});

describe('telegram webhook', () => {
  it('registers the webhook with its secret, and refuses updates without it', async () => {
    expect(fake.webhook()).toEqual({ url: webhookUrl, secret: SECRET });
    const before = fake.calls.length;
    expect(await fake.deliver(messageUpdate(OWNER, '/ayuda'), { secret: null })).toBe(401);
    expect(await fake.deliver(messageUpdate(OWNER, '/ayuda'), { secret: 'wrong-secret' })).toBe(401);
    expect(fake.calls.slice(before).filter((call) => call.method.startsWith('send'))).toEqual([]);
  });

  it('asks Telegram to retry (503) when the update cannot be recorded, and runs nothing', async () => {
    const failing = createTelegramAdapter({
      token: fake.token,
      apiRoot: fake.apiRoot,
      webhookSecret: SECRET,
      router: {
        handle: async () => {
          throw new Error('must not run');
        },
      },
      log: createLogger({ level: 'silent', pretty: false }),
      record: async () => {
        throw new Error('connection refused');
      },
      onRecorded: () => {},
      buttons: { encode: async (command) => command, decode: async (data) => data },
    });
    const response = await failing.handleWebhook(
      new Request('http://bodega/webhooks/telegram', {
        method: 'POST',
        body: JSON.stringify(messageUpdate(OWNER, '/ayuda')),
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      }),
    );
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
  });

  it('answers 400 naming the field to a body that is not what Telegram sends, and records nothing', async () => {
    const update = messageUpdate(OWNER, '/ayuda');
    const cases: Array<[string | Uint8Array, string]> = [
      ['{"hello":1}', 'update_id'],
      ['not json', 'not JSON'],
      ['{"update_id":"x"}', 'update_id'],
      [JSON.stringify({ ...update, message: { ...update.message, text: 42 } }), 'message.text'],
      [JSON.stringify({ ...update, message: { ...update.message, text: '/ayuda\u0000' } }), 'NUL'],
      [JSON.stringify({ ...update, message: { ...update.message, text: 'hola \ud800' } }), 'not valid Unicode'],
      [Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]), 'not valid UTF-8'],
    ];
    for (const [body, problem] of cases) {
      const response = await post(body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string }).message).toContain(problem);
    }
    const recorded =
      await database.sql`select count(*)::int as n from inbound_updates where update_id = ${String(update.update_id)}`;
    expect(recorded[0]?.n).toBe(0);
  });

  it('refuses a body over the limit with 413 without reading it all', async () => {
    const huge = JSON.stringify({ ...messageUpdate(OWNER, 'x'), padding: 'x'.repeat(2 * 1024 * 1024) });
    expect((await post(huge)).status).toBe(413);
  });

  it('handles the same update once when Telegram delivers it twice', async () => {
    const before = fake.calls.length;
    const update = messageUpdate(OWNER, '/ayuda');
    expect(await fake.deliver(update)).toBe(200);
    expect(await fake.deliver(update)).toBe(200);
    await settle();
    expect(sentTo(OWNER, before)).toHaveLength(1);
  });

  it('runs an update again when processing failed, and the user gets exactly one reply', async () => {
    // A real failure inside the hand-off transaction: the first reply queued from here on is refused by Postgres
    // (a sequence counts the attempts, since it is the one thing a rolled-back transaction does not undo).
    await database.sql`create sequence reply_attempts`;
    await database.sql`create function fail_first_reply() returns trigger language plpgsql as $$
      begin
        if new.idempotency_key like 'telegram:update:%' and nextval('reply_attempts') = 1 then
          raise exception 'disk full';
        end if;
        return new;
      end $$`;
    await database.sql`create trigger fail_first_reply before insert on outbox for each row execute function fail_first_reply()`;
    try {
      const before = fake.calls.length;
      const update = messageUpdate(OWNER, '/ayuda');
      expect(await fake.deliver(update)).toBe(200);
      await settle();
      expect(sentTo(OWNER, before)).toHaveLength(0);
      // Telegram retrying meanwhile is a duplicate: the update is already ours to run.
      expect(await fake.deliver(update)).toBe(200);
      clock.advance(2_000);
      await settle();
      await settle();
      const replies = sentTo(OWNER, before);
      expect(replies).toHaveLength(1);
      expect(stripHtml(String(replies[0]?.params.text))).toContain('Comandos que puedes usar');
    } finally {
      await database.sql`drop trigger fail_first_reply on outbox`;
    }
  });

  it('keeps no invite code in the outbox once the reply is delivered', async () => {
    const seen = await harness.say('/invitar staff');
    const code = seen.texts.join('\n').match(/[A-Z2-9]{4}-[A-Z2-9]{4}/)?.[0];
    expect(code).toBeDefined();
    const stored = await database.sql`select reply::text as reply from outbox where reply::text like ${`%${code}%`}`;
    expect(stored).toHaveLength(0);
  });

  it('waits out a 429 by the clock and delivers the reply exactly once', async () => {
    const before = fake.calls.length;
    fake.failNext('sendMessage', 3);
    expect(await fake.deliver(messageUpdate(OWNER, '/ayuda'))).toBe(200);
    await settle();
    expect(sentTo(OWNER, before)).toHaveLength(1);
    clock.advance(2_900);
    await settle();
    expect(sentTo(OWNER, before)).toHaveLength(1);
    clock.advance(200);
    await settle();
    const sends = sentTo(OWNER, before);
    expect(sends).toHaveLength(2);
    expect(stripHtml(String(sends[1]?.params.text))).toContain('Comandos que puedes usar');
  });

  it('publishes the command menu in Spanish by default and in English', async () => {
    await adapter.setCommands(createRegistry(coreCommands));
    const menus = fake.calls.filter((call) => call.method === 'setMyCommands');
    const byLanguage = new Map(
      menus.map((call) => [
        call.params.language_code ?? 'default',
        (call.params.commands as Array<{ command: string }>).map((c) => c.command),
      ]),
    );
    expect(byLanguage.get('default')).toEqual(byLanguage.get('es'));
    expect(byLanguage.get('es')).toEqual(expect.arrayContaining(['ayuda', 'inicio', 'invitar', 'stock', 'reservar']));
    expect(byLanguage.get('en')).toEqual(expect.arrayContaining(['help', 'start', 'invite', 'stock', 'reserve']));
  });
});

/** Updates the way Telegram sends them: messages with commands and free text, and button presses. */
const validUpdate: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    id: fc.integer({ min: 1, max: 2 ** 31 }),
    from: fc.constantFrom(OWNER, VIEWER, 3333333),
    text: fc.oneof(
      fc.constantFrom('/ayuda', '/stock', '/invitar staff', '/tareas', 'hola'),
      fc.string({ maxLength: 60 }),
    ),
    press: fc.boolean(),
  })
  .map(({ id, from, text, press }) => {
    if (!press) return { ...messageUpdate(from, text), update_id: id };
    return {
      update_id: id,
      callback_query: {
        id: `cb${id}`,
        chat_instance: '1',
        data: text.slice(0, 64),
        from: { id: from, is_bot: false, first_name: 'Fuzz' },
        message: { message_id: 1, date: 0, chat: { id: from, type: 'private' } },
      },
    };
  });

describe('telegram webhook under fuzzing', () => {
  it('answers 1,000 generated bodies without a single 5xx, and runs every update it accepted', async () => {
    const { statuses, serverErrors } = await fuzzWebhook({
      valid: validUpdate,
      post: async (body) => (await post(body)).status,
    });
    expect(serverErrors).toEqual([]);
    expect(statuses[200]).toBeGreaterThan(100);
    expect(statuses[400]).toBeGreaterThan(100);
    await workers.inbound.drainAll();
    const stuck =
      await database.sql`select status, last_error, count(*)::int as n from inbound_updates where status <> 'done' group by status, last_error`;
    expect(stuck).toEqual([]);
  });
});
