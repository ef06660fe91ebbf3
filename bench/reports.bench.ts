import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { connect } from '../db/client.ts';
import { applyMigrations } from '../db/migrate.ts';
import { restoreBackup, writeBackup } from '../src/domain/backups/index.ts';
import { periodOf } from '../src/domain/reports/index.ts';
import { benchDatabase } from './database.ts';
import { type Bench, type Figure, round } from './figures.ts';

const SALES = Number(process.env.BENCH_REPORT_SALES ?? 100_000);
const run = promisify(execFile);
const phase = (name: string) => process.stderr.write(`reports bench: ${name}\n`);
const period = periodOf(2026, 11, 'UTC');

const ROUNDS = Number(process.env.BENCH_REPORT_ROUNDS ?? 3);

/** The fastest run, with the highest peak RSS of all runs (memory is not noise). */
const best = (steps: Step[]): Step => {
  const fastest = steps.reduce((a, b) => (b.ms < a.ms ? b : a));
  return { ...fastest, peakRssMb: Math.max(...steps.map((step) => step.peakRssMb)) };
};

type Database = Awaited<ReturnType<typeof benchDatabase>>;

/** 100,000 one-line sales in November over 200 products, each with its ledger row (the Movimientos sheet). */
async function seed(database: Database) {
  const { sql } = database;
  await sql`insert into products (sku, title, price_minor, currency, low_stock_threshold)
    select 'P-' || i, 'Producto ' || i, 1000 + i, 'MXN', 5 from generate_series(1, 200) i`;
  await sql`insert into stock_levels (product_id, total) select id, 100000 from products`;
  await sql`insert into sales (source, currency, actor, created_at)
    select 'manual', 'MXN', 'system', ${period.start.toISOString()}::timestamptz + (i * interval '25 seconds')
    from generate_series(1, ${SALES}) i`;
  await sql`insert into sale_lines (sale_id, product_id, qty, unit_price_minor)
    select s.id, (select min(id) from products) + s.id % 200, 1 + s.id % 3, 1999 from sales s`;
  await sql`insert into stock_ledger (product_id, reason, delta_sold, total_after, reserved_after, sold_after, actor,
      idempotency_key, created_at)
    select l.product_id, 'sale', l.qty, 100000, 0, l.qty, 'system', 'bench-' || l.id, s.created_at
    from sale_lines l join sales s on s.id = l.sale_id`;
}

interface Step {
  ms: number;
  bytes?: number;
  peakRssMb: number;
}

/** Runs one step (`report` or `alone`) in a fresh child process: its time and its own peak RSS. */
async function inChild(mode: 'report' | 'alone' | 'lean', url: string, file: string): Promise<Step> {
  const child = fileURLToPath(new URL('./report-child.ts', import.meta.url));
  // BENCH_PROFILE_DIR=<dir> writes each step's CPU profile there (open it in Chrome's devtools).
  const profile = process.env.BENCH_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
    : [];
  const { stdout } = await run(process.execPath, [...profile, '--import', 'tsx', child, mode, url, file], {
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Step;
}

export const reportsBench: Bench = {
  name: 'reports',
  async run() {
    const database = await benchDatabase(8);
    const dir = await mkdtemp(join(tmpdir(), 'bodega-reports-bench-'));
    try {
      await seed(database);
      phase('seeded');
      // Interleaved rounds, the best of each kept: the machine's other load moves single runs by a third.
      const alone: Step[] = [];
      const lean: Step[] = [];
      const reports: Step[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        alone.push(await inChild('alone', database.url, join(dir, `alone-${i}.xlsx`)));
        lean.push(await inChild('lean', database.url, join(dir, `lean-${i}.xlsx`)));
        reports.push(await inChild('report', database.url, join(dir, 'unused.xlsx')));
      }
      const baseline = best(alone);
      const leanBaseline = best(lean);
      const report = best(reports);
      phase('report built');
      const backupFile = join(dir, 'backup.ndjson.gz');
      const backupStarted = performance.now();
      const written = await writeBackup(database.sql, backupFile, new Date());
      const rows = Object.values(written.tables).reduce((sum, n) => sum + n, 0);
      const backupS = (performance.now() - backupStarted) / 1000;
      phase('backup written');
      const mb = (await stat(backupFile)).size / 1024 / 1024;
      await database.sql`create database bench_restore`;
      const url = new URL(database.url);
      url.pathname = '/bench_restore';
      const target = connect(url.toString(), 'external', 4);
      await applyMigrations(target);
      const restoreStarted = performance.now();
      await restoreBackup(target.sql, backupFile);
      const restoreS = (performance.now() - restoreStarted) / 1000;
      /** One pass over the backup file: megabytes (compressed) and rows a second. */
      const throughput = (bench: string, seconds: number): Figure => ({
        bench,
        value: round(mb / seconds),
        unit: 'MB/s',
        compressedMb: round(mb),
        rows,
        rowsPerSecond: Math.round(rows / seconds),
      });
      await target.close();
      return [
        { bench: 'report_100k_sales_ms', value: round(report.ms), unit: 'ms', bytes: report.bytes, best_of: ROUNDS },
        { bench: 'exceljs_stream_100k_rows_ms', value: round(baseline.ms), unit: 'ms', best_of: ROUNDS },
        { bench: 'report_vs_exceljs_ratio', value: round(report.ms / baseline.ms), unit: 'x', goal: 1.3 },
        {
          bench: 'report_vs_exceljs_shared_styles_ratio',
          value: round(report.ms / leanBaseline.ms),
          unit: 'x',
          note: 'against the writer alone given one style object per column, as the report writes',
          baselineMs: round(leanBaseline.ms),
        },
        {
          bench: 'report_peak_rss_mb',
          value: round(report.peakRssMb),
          unit: 'MB',
          goal: 300,
          note: `the build in its own process (node and tsx included), highest of ${ROUNDS} runs`,
          baselinePeakRssMb: round(baseline.peakRssMb),
        },
        throughput('backup_mb_per_second', backupS),
        {
          ...throughput('restore_mb_per_second', restoreS),
          note: 'keys and indexes added back after the load, included',
        },
      ];
    } finally {
      await rm(dir, { recursive: true, force: true });
      await database.dispose();
    }
  },
};
