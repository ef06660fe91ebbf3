import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { Agent, request } from 'undici';
import { createCommandRateLimit } from '../src/commands/rate-limit.ts';
import { loadConfig } from '../src/config.ts';
import { createCore, createWorkers } from '../src/core.ts';
import { createLogger } from '../src/logger.ts';
import { telegramAdapter } from '../src/wiring/telegram.ts';
import { startFakeTelegram } from '../test/fakes/telegram.ts';
import { benchDatabase } from './database.ts';
import { type Bench, concurrently, round, summarise } from './figures.ts';

const SECRET = 'bench-secret';
const ROUNDS = 8;
/** Under Telegram's 30 messages a second overall, so latency is bodega's, not the limiter's. */
const PER_ROUND = 25;

/** Webhook updates for `/stock <sku>`: acknowledgements per second, and time from the POST to the fake receiving sendMessage. */
export const telegramBench: Bench = {
  name: 'telegram',
  async run() {
    const fake = await startFakeTelegram();
    const database = await benchDatabase();
    const log = createLogger({ level: 'silent', pretty: false });
    const users = Array.from({ length: ROUNDS * PER_ROUND * 2 }, (_, i) => 700_000 + i);
    const core = createCore({
      database,
      config: loadConfig({}),
      log,
      rateLimit: createCommandRateLimit({ max: 1_000_000 }),
    });
    await core.services.people.ensureOwners(users.map((id) => `telegram:${id}`));
    await core.services.inventory.products.add(
      { sku: 'BENCH-1', title: 'Bench mug', priceMinor: 100, currency: 'MXN', stock: 10 },
      { actor: 'bench', key: 'seed' },
    );
    let workers: ReturnType<typeof createWorkers> | undefined;
    const telegramConfig = loadConfig({
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
    });
    const adapter = telegramAdapter(telegramConfig, core, database, log, () => workers?.inbound.wake());
    await adapter.start();
    workers = createWorkers(core, database, log, [adapter], { processors: [adapter.processor] });
    workers.start();
    const app = new Hono();
    app.post('/webhooks/telegram', (c) => adapter.handleWebhook(c.req.raw));
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    const webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/telegram`;
    await adapter.setWebhook(webhookUrl);

    // Posted as Telegram would, with a lean client: the bench runs in bodega's process, so fetch()'s own cost
    // would be counted against bodega's acknowledgements.
    const agent = new Agent({ connections: PER_ROUND });
    let update = 1;
    const deliver = async (body: unknown) => {
      const answer = await request(webhookUrl, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
        body: JSON.stringify(body),
      });
      await answer.body.dump();
      if (answer.statusCode !== 200) throw new Error(`webhook answered ${answer.statusCode}`);
    };
    const post = (user: number) =>
      deliver({
        update_id: update++,
        message: {
          message_id: 1,
          date: 0,
          text: '/stock BENCH-1',
          chat: { id: user, type: 'private' },
          from: { id: user, is_bot: false, first_name: 'B' },
        },
      });

    // Phase 1: rounds small enough for Telegram's 30/s, timing each update from POST to sendMessage.
    const replyLatencies: number[] = [];
    const answeredStarted = performance.now();
    for (let r = 0; r < ROUNDS; r++) {
      const round = users.slice(r * PER_ROUND, (r + 1) * PER_ROUND);
      const posted = new Map<number, number>();
      await Promise.all(
        round.map(async (user) => {
          posted.set(user, performance.now());
          await post(user);
        }),
      );
      const replies = await fake.waitFor(() => {
        const sent = fake.calls.filter((c) => c.method === 'sendMessage' && posted.has(Number(c.params.chat_id)));
        return sent.length >= round.length ? sent : undefined;
      }, 30_000);
      for (const call of replies) replyLatencies.push(call.at - (posted.get(Number(call.params.chat_id)) ?? call.at));
    }
    const answeredSeconds = (performance.now() - answeredStarted) / 1000;

    // Phase 2: how fast the webhook takes updates (checked, recorded durably, acknowledged), replies not awaited.
    const fresh = users.slice(ROUNDS * PER_ROUND);
    const acks = await concurrently({ workers: PER_ROUND, count: fresh.length }, (i) => post(fresh[i] as number));
    const ackLatencies = acks.latencies;
    const ackSeconds = acks.ms / 1000;
    await agent.close();
    await workers.stop();
    await adapter.stop();
    await new Promise((resolve) => server.close(resolve));
    await fake.close();
    await database.dispose();
    return [
      {
        bench: 'telegram_webhook_updates_per_second',
        value: round(ackLatencies.length / ackSeconds, 0),
        unit: 'updates/s',
        command: '/stock <sku>',
        ack_latency_ms: summarise(ackLatencies),
        concurrency: PER_ROUND,
      },
      {
        bench: 'telegram_update_to_reply_ms',
        value: summarise(replyLatencies).p50,
        unit: 'ms',
        latency_ms: summarise(replyLatencies),
        command: '/stock <sku>',
        answered_per_second: round(replyLatencies.length / answeredSeconds, 1),
        note: 'webhook POST to the fake receiving sendMessage; Telegram allows 30 messages/s overall',
      },
    ];
  },
};
