import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createCommandRateLimit } from '../src/commands/rate-limit.ts';
import { loadConfig } from '../src/config.ts';
import { createCore, createWorkers } from '../src/core.ts';
import { createLogger } from '../src/logger.ts';
import { whatsappAdapter } from '../src/wiring/whatsapp.ts';
import { createWhatsappFake } from '../test/fakes/whatsapp/index.ts';
import { benchDatabase } from './database.ts';
import { type Bench, concurrently, round, summarise } from './figures.ts';

const ROUNDS = 8;
const PER_ROUND = 25;
const phoneOf = (i: number) => `52155${String(10_000_000 + i)}`;

/** Signed Cloud API webhooks for `stock <sku>`: acknowledgements per second, and webhook to `/messages` latency. */
export const whatsappBench: Bench = {
  name: 'whatsapp',
  async run() {
    const fake = await createWhatsappFake();
    const database = await benchDatabase();
    const log = createLogger({ level: 'silent', pretty: false });
    const phones = Array.from({ length: ROUNDS * PER_ROUND * 2 }, (_, i) => phoneOf(i));
    const core = createCore({ database, config: loadConfig({}), log, rateLimit: createCommandRateLimit({ max: 1e6 }) });
    await core.services.people.ensureOwners(phones.map((phone) => `whatsapp:+${phone}`));
    await core.services.inventory.products.add(
      { sku: 'BENCH-1', title: 'Bench mug', priceMinor: 100, currency: 'MXN', stock: 10 },
      { actor: 'bench', key: 'seed' },
    );
    const config = loadConfig({
      WHATSAPP_MODE: 'cloud',
      WHATSAPP_CLOUD_TOKEN: fake.token,
      WHATSAPP_PHONE_NUMBER_ID: fake.phoneNumberId,
      WHATSAPP_VERIFY_TOKEN: fake.verifyToken,
      WHATSAPP_APP_SECRET: fake.appSecret,
      WHATSAPP_GRAPH_BASE: fake.graphBase,
    });
    let workers: ReturnType<typeof createWorkers> | undefined;
    const wiring = whatsappAdapter(config, core, database, log, {
      inbound: () => workers?.inbound.wake(),
      outbox: () => workers?.dispatcher.wake(),
    });
    const webhook = wiring.webhook as NonNullable<typeof wiring.webhook>;
    await wiring.adapter.start();
    workers = createWorkers(core, database, log, [wiring.adapter], { processors: [wiring.adapter.processor] });
    workers.start();
    const app = new Hono();
    app.post('/webhooks/whatsapp', (c) => webhook.handle(c.req.raw));
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    fake.setWebhookUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`);

    // Phase 1: rounds of 25 people at once, timing each message from the webhook POST to bodega's /messages call.
    const replyLatencies: number[] = [];
    const answeredStarted = performance.now();
    for (let r = 0; r < ROUNDS; r++) {
      const group = phones.slice(r * PER_ROUND, (r + 1) * PER_ROUND);
      const posted = new Map<string, number>();
      await Promise.all(
        group.map(async (phone) => {
          posted.set(phone, Date.now());
          await fake.userSends(phone, 'stock BENCH-1');
        }),
      );
      const answers = await fake.waitFor(() => {
        const got = group.flatMap((phone) => fake.messagesTo(phone));
        return got.length >= group.length ? got : undefined;
      }, 30_000);
      for (const message of answers) replyLatencies.push(message.at.getTime() - (posted.get(message.to) ?? 0));
    }
    const answeredSeconds = (performance.now() - answeredStarted) / 1000;

    // Phase 2: how fast the webhook takes messages (signature checked, recorded durably, acknowledged).
    const fresh = phones.slice(ROUNDS * PER_ROUND);
    const acks = await concurrently({ workers: PER_ROUND, count: fresh.length }, (i) =>
      fake.userSends(fresh[i] as string, 'stock BENCH-1'),
    );
    const ackLatencies = acks.latencies;
    const ackSeconds = acks.ms / 1000;
    await workers.stop();
    await wiring.adapter.stop();
    await new Promise((resolve) => server.close(resolve));
    await fake.close();
    await database.dispose();
    return [
      {
        bench: 'whatsapp_webhook_messages_per_second',
        value: round(ackLatencies.length / ackSeconds, 0),
        unit: 'messages/s',
        command: 'stock <sku>',
        ack_latency_ms: summarise(ackLatencies),
        concurrency: PER_ROUND,
      },
      {
        bench: 'whatsapp_webhook_to_messages_ms',
        value: summarise(replyLatencies).p50,
        unit: 'ms',
        latency_ms: summarise(replyLatencies),
        command: 'stock <sku>',
        answered_per_second: round(replyLatencies.length / answeredSeconds, 1),
        note: 'signed webhook POST to the fake Graph API receiving POST /messages, one process',
      },
    ];
  },
};
