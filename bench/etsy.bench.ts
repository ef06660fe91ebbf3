import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../src/clock.ts';
import { createInventory } from '../src/domain/inventory/index.ts';
import { createShops } from '../src/domain/shops/index.ts';
import { createLogger } from '../src/logger.ts';
import { benchDatabase } from './database.ts';
import { type Bench, round } from './figures.ts';

const LISTINGS = Number(process.env.BENCH_ETSY_LISTINGS ?? 10_000);
const phase = (name: string) => process.stderr.write(`etsy bench: ${name}\n`);
const MiB = 1024 * 1024;

/**
 * A first sync of a 10,000-listing shop against the Etsy fake at Etsy's 10 requests a second, as a ratio to the
 * rate-limit floor (its calls / 10 s; 100 listing pages ≈ 10 s), and bodega's peak RSS while it runs. The fake
 * runs in a child process, as Etsy is another machine: its CPU and memory are not bodega's.
 */
export const etsyBench: Bench = {
  name: 'etsy',
  async run() {
    const database = await benchDatabase(8);
    const fake = await fakeProcess();
    phase(`fake shop of ${LISTINGS} listings ready`);
    const log = createLogger({ level: 'silent', pretty: false });
    const key = randomBytes(32);
    const shops = createShops({
      db: database.db,
      sql: database.sql,
      clock: systemClock,
      log,
      inventory: createInventory({ db: database.db, batchDb: database.batchDb, clock: systemClock }),
      key: async () => key,
      etsy: {
        apiKey: fake.keystring,
        sharedSecret: fake.sharedSecret,
        apiBase: fake.url,
        oauthBase: fake.url,
        redirectUri: 'http://localhost:8080/oauth/etsy/callback',
      },
      notify: async () => {},
    });
    try {
      const { url } = await shops.start({ userId: 1, chat: { platform: 'console', chatId: 'owner' }, locale: 'es' });
      const back = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location') ?? '');
      const state = back.searchParams.get('state') ?? undefined;
      const code = back.searchParams.get('code') ?? undefined;
      await shops.finish({ state, code });
      phase('connected; syncing');
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 50);
      const started = performance.now();
      const [result] = await shops.sync({ trigger: 'command' });
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      if (!result || result.error) throw new Error(`sync failed: ${result?.error}`);
      const stats = await fake.stats();
      const floor = result.callsUsed / 10;
      return [
        {
          bench: 'etsy-sync-vs-rate-floor',
          value: round(seconds / floor),
          unit: 'x',
          goal: 1.2,
          listings: LISTINGS,
          products: result.read,
          calls: result.callsUsed,
          seconds: round(seconds),
          floorSeconds: round(floor),
          peakPerSecond: stats.peakPerSecond,
          refused429: stats.refused,
        },
        {
          bench: 'etsy-sync-peak-rss',
          value: round(peak / MiB, 1),
          unit: 'MiB',
          beforeSync: round(before / MiB, 1),
          note: 'the bench process: bodega and its database client; the fake and Postgres run apart',
        },
      ];
    } finally {
      await shops.close();
      fake.close();
      await database.dispose();
    }
  },
};

/** Starts the fake in its own process and reads its address. */
async function fakeProcess() {
  const file = fileURLToPath(new URL('./etsy-fake-process.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', file, String(LISTINGS)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => JSON.parse(String((await lines.next()).value));
  const info = (await next()) as { url: string; keystring: string; sharedSecret: string };
  return {
    ...info,
    async stats(): Promise<{ peakPerSecond: number; refused: number }> {
      child.stdin.write('stats\n');
      return next();
    },
    close: () => child.stdin.end(),
  };
}
