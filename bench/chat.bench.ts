import { layout } from '../src/chat/layout.ts';
import { createDispatcher } from '../src/chat/outbox/dispatcher.ts';
import { enqueue } from '../src/chat/outbox/outbox.ts';
import { plainFormat } from '../src/chat/plain-format.ts';
import { reply, text } from '../src/chat/reply.ts';
import type { Sender } from '../src/chat/sender.ts';
import { createCommandRateLimit } from '../src/commands/rate-limit.ts';
import { defineCommand } from '../src/commands/registry.ts';
import { loadConfig } from '../src/config.ts';
import { createCore } from '../src/core.ts';
import { translator } from '../src/i18n/index.ts';
import { createLogger } from '../src/logger.ts';
import { benchDatabase } from './database.ts';
import { type Bench, concurrently, type Figure, round, summarise } from './figures.ts';

const COMMANDS = 3_000;
const MESSAGES = 3_000;
const log = createLogger({ level: 'silent', pretty: false });

const ping = defineCommand({
  name: 'ping',
  description: { es: 'prueba', en: 'test' },
  minRole: 'staff',
  async run() {
    return reply(text('pong'));
  },
});

/** Commands through parse, role check, a trivial handler and render; outbox drained to a sender that does nothing. */
export const chatBench: Bench = {
  name: 'chat',
  async run() {
    const database = await benchDatabase();
    try {
      return [await commandThroughput(database), await outboxThroughput(database)];
    } finally {
      await database.dispose();
    }
  },
};

async function commandThroughput(database: Awaited<ReturnType<typeof benchDatabase>>): Promise<Figure> {
  const core = createCore({
    database,
    config: loadConfig({}),
    log,
    extraCommands: [ping],
    rateLimit: createCommandRateLimit({ max: Number.MAX_SAFE_INTEGER }),
  });
  await core.services.people.ensureOwners(['telegram:1']);
  const t = translator('es');
  const once = async () => {
    const handled = await core.router.handle({
      platform: 'telegram',
      identity: 'telegram:1',
      chat: { platform: 'telegram', chatId: '1', kind: 'private' },
      displayName: 'bench',
      text: '/ping',
      slashRequired: true,
    });
    return layout(handled!.reply, plainFormat, t);
  };
  for (let i = 0; i < 200; i++) await once();
  const concurrency = 8;
  const { ms, latencies } = await concurrently({ workers: concurrency, count: COMMANDS }, once);
  const seconds = ms / 1000;
  return {
    bench: 'commands_per_second',
    value: round(COMMANDS / seconds, 0),
    unit: 'commands/s',
    latency_ms: summarise(latencies),
    concurrency,
  };
}

async function outboxThroughput(database: Awaited<ReturnType<typeof benchDatabase>>): Promise<Figure> {
  for (let i = 0; i < MESSAGES; i++) {
    await enqueue(
      database.db,
      { platform: 'null', chatId: `chat-${i % 100}` },
      reply(text(`message ${i}`)),
      'es',
      `bench:${i}`,
    );
  }
  const enqueuedAt = performance.now();
  const latencies: number[] = [];
  const sender: Sender = {
    platform: 'null',
    limits: { global: [], perChat: () => [] },
    layout: (value, locale) => layout(value, plainFormat, translator(locale)),
    async send() {
      latencies.push(performance.now() - enqueuedAt);
      return { messageId: '1' };
    },
  };
  const dispatcher = createDispatcher({ db: database.db, log, senders: [sender], batchSize: 50 });
  const started = performance.now();
  await dispatcher.drainAll();
  const seconds = (performance.now() - started) / 1000;
  return {
    bench: 'outbox_messages_per_second',
    value: round(latencies.length / seconds, 0),
    unit: 'messages/s',
    delivered: latencies.length,
    chats: 100,
    time_to_send_ms: summarise(latencies),
  };
}
