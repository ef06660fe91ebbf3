import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createCommandRateLimit } from '../src/commands/rate-limit.ts';
import { loadConfig } from '../src/config.ts';
import { createCore, createWorkers } from '../src/core.ts';
import { createLogger } from '../src/logger.ts';
import { discordAdapter, registerDiscordCommands } from '../src/wiring/discord.ts';
import { startFakeDiscord, type Who } from '../test/fakes/discord/index.ts';
import { benchDatabase } from './database.ts';
import { type Bench, round, summarise } from './figures.ts';

const ROUNDS = 12;
/** The concurrency the issue sets: 25 interactions in flight at once. */
const CONCURRENT = 25;
const DEADLINE_MS = 3_000;

/**
 * Signed `/stock <sku>` interactions posted to `/webhooks/discord` 25 at a time: time from the POST to Discord
 * holding the first response (the HTTP answer, type 4, or the deferral), and interactions answered per second.
 */
export const discordBench: Bench = {
  name: 'discord',
  async run() {
    const fake = await startFakeDiscord();
    const database = await benchDatabase();
    const log = createLogger({ level: 'silent', pretty: false });
    const users = Array.from({ length: ROUNDS * CONCURRENT }, (_, i) => String(710_000_000_000_000_000n + BigInt(i)));
    const core = createCore({
      database,
      config: loadConfig({}),
      log,
      rateLimit: createCommandRateLimit({ max: 1_000_000 }),
    });
    await core.services.people.ensureOwners(users.map((id) => `discord:${id}`));
    await core.services.inventory.products.add(
      { sku: 'BENCH-1', title: 'Bench mug', priceMinor: 100, currency: 'MXN', stock: 10 },
      { actor: 'bench', key: 'seed' },
    );
    const config = loadConfig({
      DISCORD_TOKEN: fake.token,
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_PUBLIC_KEY: fake.publicKey,
      DISCORD_API_BASE: fake.apiBase,
      DISCORD_GUILD_ID: '810000000000000001',
    });
    let workers: ReturnType<typeof createWorkers> | undefined;
    const adapter = discordAdapter(config, core, database, log, () => workers?.inbound.wake());
    await adapter.start();
    await registerDiscordCommands(adapter, config, core, database, true);
    workers = createWorkers(core, database, log, [adapter], { processors: [adapter.processor] });
    workers.start();
    const app = new Hono();
    app.post('/webhooks/discord', (c) => adapter.handleWebhook(c.req.raw));
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    fake.setInteractionsUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/discord`);

    const latencies: number[] = [];
    const kinds = { inline: 0, deferred: 0, other: 0 };
    const started = performance.now();
    for (let r = 0; r < ROUNDS; r++) {
      await Promise.all(
        users.slice(r * CONCURRENT, (r + 1) * CONCURRENT).map(async (userId, i) => {
          const who: Who = {
            userId,
            channelId: String(920_000_000_000_000_000n + BigInt(r * CONCURRENT + i)),
            guildId: '810000000000000001',
            locale: 'es-419',
          };
          const interaction = fake.slash('/stock BENCH-1', who);
          const began = performance.now();
          const answer = await fake.send(interaction);
          latencies.push(performance.now() - began);
          const type = (answer.body as { type?: number } | undefined)?.type;
          if (type === 4) kinds.inline++;
          else if (type === 5) kinds.deferred++;
          else kinds.other++;
        }),
      );
    }
    const seconds = (performance.now() - started) / 1000;
    // Deferred ones still get their reply edited in; wait for all, so the run ends clean.
    await fake.waitFor(() => fake.messages.filter((m) => m.content.includes('BENCH-1')).length >= users.length, 60_000);
    await workers.stop();
    await adapter.stop();
    await new Promise((resolve) => server.close(resolve));
    await fake.close();
    await database.dispose();
    const summary = summarise(latencies);
    return [
      {
        bench: 'discord_interaction_first_response_ms',
        value: summary.p99,
        unit: 'ms',
        latency_ms: summary,
        concurrency: CONCURRENT,
        within_deadline: latencies.filter((ms) => ms < DEADLINE_MS).length,
        answered_inline: kinds.inline,
        deferred: kinds.deferred,
        other: kinds.other,
        command: '/stock <sku>',
        note: 'signed POST to the HTTP answer Discord gets (type 4 with the reply, or a type 5 deferral); goal p99 well under 3 s',
      },
      {
        bench: 'discord_interactions_per_second',
        value: round(latencies.length / seconds, 1),
        unit: 'interactions/s',
        concurrency: CONCURRENT,
        command: '/stock <sku>',
        note: 'one process: verify, record, run, answer in the HTTP response',
      },
    ];
  },
};
