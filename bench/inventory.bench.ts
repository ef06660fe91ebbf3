import { sql } from 'drizzle-orm';
import { systemClock } from '../src/clock.ts';
import { createApiKeys } from '../src/domain/apikeys/index.ts';
import { createInventory } from '../src/domain/inventory/index.ts';
import { startStorefrontServer } from '../test/helpers/storefront-server.ts';
import { benchDatabase } from './database.ts';
import { type Bench, concurrently, type Figure, round, summarise } from './figures.ts';
import { loadClient } from './http-load.ts';

/** Requests per measured slice, and slices per path: baseline, service and HTTP take turns, slice by slice. */
const OPS = 1_000;
const SLICES = 5;
/** Untimed requests per path first: JIT, pool connections and their prepared statements warm, as in a running shop. */
const WARMUP = 500;
const CONCURRENCY = 16;
const PRODUCTS = 1_000;

type Database = Awaited<ReturnType<typeof benchDatabase>>;
type Op = (i: number) => Promise<boolean>;

/**
 * Measures the paths side by side: each warms up, then they take turns slice by slice, so a burst of load from the
 * rest of this shared machine falls on all of them alike, and each rate is its requests over its own time.
 */
async function measureTogether<Name extends string>(paths: Record<Name, Op>) {
  const names = Object.keys(paths) as Name[];
  const totals = new Map(names.map((name) => [name, { ms: 0, latencies: [] as number[], succeeded: 0 }]));
  for (const name of names) await concurrently({ workers: CONCURRENCY, count: WARMUP }, paths[name]);
  for (let round = 0; round < SLICES; round++) {
    for (const name of names) {
      const result = await concurrently({ workers: CONCURRENCY, count: OPS, from: WARMUP + round * OPS }, paths[name]);
      const total = totals.get(name);
      if (!total) continue;
      total.ms += result.ms;
      total.latencies.push(...result.latencies);
      total.succeeded += result.results.filter(Boolean).length;
    }
  }
  const measured = {} as Record<Name, { perSecond: number; latency: ReturnType<typeof summarise>; succeeded: number }>;
  for (const [name, total] of totals) {
    measured[name] = {
      perSecond: (SLICES * OPS) / (total.ms / 1000),
      latency: summarise(total.latencies),
      succeeded: total.succeeded,
    };
  }
  return measured;
}

/** Reservations per second through the service and the HTTP API, each next to a bare conditional UPDATE on the same pool. */
export const inventoryBench: Bench = {
  name: 'inventory',
  async run() {
    const database = await benchDatabase(CONCURRENCY + 4);
    try {
      return await scenarios(database);
    } finally {
      await database.dispose();
    }
  },
};

async function scenarios(database: Database): Promise<Figure[]> {
  const inventory = createInventory({ db: database.db, batchDb: database.batchDb, clock: systemClock });
  const apiKeys = createApiKeys({ db: database.db });
  const { key } = await apiKeys.create('bench');
  const hotStock = (WARMUP + SLICES * OPS) * 2;
  for (const [sku, stock] of [
    ['HOT', hotStock],
    ['HOT-HTTP', hotStock],
  ] as const) {
    await inventory.products.add(
      { sku, title: sku, priceMinor: 100, currency: 'USD', stock },
      { actor: 'bench', key: `seed:${sku}` },
    );
  }
  for (let i = 0; i < PRODUCTS; i++) {
    await inventory.products.add(
      { sku: `P-${i}`, title: `P ${i}`, priceMinor: 100, currency: 'USD', stock: 50 },
      { actor: 'bench', key: `seed:p${i}` },
    );
  }
  await database.sql`create table bench_levels (id int primary key, total int not null, reserved int not null default 0,
    check (reserved <= total))`;
  await database.sql`insert into bench_levels select g, ${hotStock}, 0 from generate_series(0, ${PRODUCTS}) g`;

  const server = await startStorefrontServer({ inventory, apiKeys });
  const path = `${new URL(server.base).pathname}/reservations`;
  const client = loadClient(server.base, CONCURRENCY);

  const baseline = (pick: (i: number) => number) => async (i: number) =>
    (
      await database.sql`update bench_levels set reserved = reserved + 1 where id = ${pick(i)} and total - reserved >= 1 returning reserved`
    ).length > 0;
  const service = (sku: (i: number) => string, tag: string) => (i: number) =>
    inventory.reservations.reserve({ sku: sku(i), qty: 1, actor: 'bench', idempotencyKey: `${tag}:${i}` }).then(
      () => true,
      () => false,
    );
  const http = (sku: (i: number) => string, tag: string) => async (i: number) => {
    const headers = {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      'idempotency-key': `${tag}:${i}`,
    };
    return (await client.post(path, headers, JSON.stringify({ sku: sku(i), qty: 1 }))) === 201;
  };

  const spread = (i: number) => (i * 7919) % PRODUCTS;
  const hot = await measureTogether({
    baseline: baseline(() => PRODUCTS),
    service: service(() => 'HOT', 'hot'),
    http: http(() => 'HOT-HTTP', 'hot-http'),
  });
  const wide = await measureTogether({
    baseline: baseline(spread),
    service: service((i) => `P-${spread(i)}`, 'wide'),
    http: http((i) => `P-${(spread(i) + 1) % PRODUCTS}`, 'wide-http'),
  });
  client.close();
  await server.close();

  const [oversold] = await database.db.execute(
    sql`select count(*)::int as n from stock_levels where reserved + sold > total`,
  );
  const problems = await inventory.verify();
  const figures: Figure[] = [];
  for (const [scenario, results] of [
    ['one_hot_product', hot],
    [`${PRODUCTS}_products`, wide],
  ] as const) {
    for (const path of ['service', 'http'] as const) {
      figures.push({
        bench: `reservations_per_second_${path}_${scenario}`,
        value: round(results[path].perSecond, 0),
        unit: 'reservations/s',
        latency_ms: results[path].latency,
        succeeded: results[path].succeeded,
        baseline_per_second: round(results.baseline.perSecond, 0),
        baseline_latency_ms: results.baseline.latency,
        ratio_to_baseline: round(results[path].perSecond / results.baseline.perSecond, 3),
        oversell_count: Number(oversold?.n ?? 0),
        ledger_mismatches: problems.length,
        concurrency: CONCURRENCY,
      });
    }
  }
  return figures;
}
