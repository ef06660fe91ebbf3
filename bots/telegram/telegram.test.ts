import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreCommands } from '../../src/commands/index.ts';
import { createRegistry } from '../../src/commands/registry.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { createCore, createWorkers, telegramAdapter } from '../../src/main.ts';
import {
  type FakeTelegram,
  parseTelegramHtml,
  startFakeTelegram,
  type TelegramCall,
} from '../../test/fakes/telegram.ts';
import { createTestDatabase } from '../../test/helpers/database.ts';
import { adapterContract, type ContractHarness, type Seen } from '../core/contract.ts';
import { contractCommands, contractTasks } from '../core/contract-commands.ts';
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
  const database = await createTestDatabase();
  const log = createLogger({ level: 'silent', pretty: false });
  const core = createCore({
    database,
    config: loadConfig({}),
    log,
    extraCommands: contractCommands,
    extraTasks: contractTasks,
  });
  await core.services.people.ensureOwners([`telegram:${OWNER}`]);
  const owner = (await core.services.people.findByIdentity(`telegram:${OWNER}`))!;
  await core.services.people.redeem(
    `telegram:${VIEWER}`,
    (await core.services.people.createInvite(owner, 'viewer')).code,
    'Vera',
  );
  const telegramConfig = loadConfig({
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
  });
  adapter = telegramAdapter(telegramConfig, core, database, log, () => {});
  await adapter.start();
  const app = new Hono();
  app.post('/webhooks/telegram', (c) => adapter.handleWebhook(c.req.raw));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/telegram`;
  await adapter.setWebhook(webhookUrl);
  // Not started: each turn steps the outbox and the task runner, so what the chat sees is deterministic.
  workers = createWorkers(core, database, log, [adapter]);

  let lastKeyboard: Array<{ text: string; callback_data: string }> = [];
  async function turn(update: Record<string, unknown>, chatId: number): Promise<Seen> {
    const from = fake.calls.length;
    expect(await fake.deliver(update)).toBe(200);
    await workers.dispatcher.drainAll();
    while (await workers.runner.runNext());
    await workers.dispatcher.drainAll();
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
    await database.drop();
  };
});

afterAll(async () => {
  await cleanup?.();
});

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

  it('asks Telegram to retry (503) when the dedupe store fails, and runs nothing', async () => {
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
      firstDelivery: async () => {
        throw new Error('connection refused');
      },
      enqueue: async () => {},
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
  });

  it('answers 400 to a body that is not an update', async () => {
    for (const body of ['{"hello":1}', 'not json', '{"update_id":"x"}']) {
      const response = await fetch(webhookUrl, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      });
      expect(response.status).toBe(400);
    }
  });

  it('handles the same update once when Telegram delivers it twice', async () => {
    const before = fake.calls.length;
    const update = messageUpdate(OWNER, '/ayuda');
    expect(await fake.deliver(update)).toBe(200);
    expect(await fake.deliver(update)).toBe(200);
    await workers.dispatcher.drainAll();
    expect(fake.calls.slice(before).filter((call) => call.method === 'sendMessage')).toHaveLength(1);
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
