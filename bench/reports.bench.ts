import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import exceljs from 'exceljs';
import { connect } from '../db/client.ts';
import { applyMigrations } from '../db/migrate.ts';
import { restoreBackup, writeBackup } from '../src/domain/backups/index.ts';
import { buildReport, periodOf, previousPeriod } from '../src/domain/reports/index.ts';
import { benchDatabase } from './database.ts';
import { type Bench, round } from './figures.ts';

const SALES = Number(process.env.BENCH_REPORT_SALES ?? 100_000);
const phase = (name: string) => process.stderr.write(`reports bench: ${name}\n`);
const period = periodOf(2026, 11, 'UTC');

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

/** exceljs's streaming writer alone writing the same ledger rows, already in memory: the floor for the report. */
async function writerAlone(database: Database, file: string): Promise<number> {
  const rows = await database.sql`select g.created_at, p.sku, p.title, g.reason, g.delta_total, g.delta_reserved,
    g.delta_sold, g.total_after, g.reserved_after, g.sold_after, g.actor, g.reference, g.note
    from stock_ledger g join products p on p.id = g.product_id order by g.id`;
  const started = performance.now();
  const workbook = new exceljs.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true });
  const sheet = workbook.addWorksheet('Movimientos');
  for (const row of rows) sheet.addRow([new Date(row.created_at), ...Object.values(row).slice(1)]).commit();
  sheet.commit();
  await workbook.commit();
  return performance.now() - started;
}

const words = (key: string) => key.split('.').pop() ?? key;

export const reportsBench: Bench = {
  name: 'reports',
  async run() {
    const database = await benchDatabase(8);
    const dir = await mkdtemp(join(tmpdir(), 'bodega-reports-bench-'));
    try {
      await seed(database);
      phase('seeded');
      const baseline = await writerAlone(database, join(dir, 'alone.xlsx'));
      const started = performance.now();
      const report = await buildReport({
        db: database.db,
        period,
        previous: previousPeriod(period),
        currency: 'MXN',
        words,
        actorName: (actor) => actor,
      });
      const reportMs = performance.now() - started;
      phase('report built');
      const rssMb = process.resourceUsage().maxRSS / 1024;
      const backupFile = join(dir, 'backup.ndjson.gz');
      const backupStarted = performance.now();
      await writeBackup(database.sql, backupFile, new Date());
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
      await target.close();
      return [
        { bench: 'report_100k_sales_ms', value: round(reportMs), unit: 'ms', bytes: report.workbook.length },
        { bench: 'exceljs_stream_100k_rows_ms', value: round(baseline), unit: 'ms' },
        { bench: 'report_vs_exceljs_ratio', value: round(reportMs / baseline), unit: 'x', goal: 1.3 },
        {
          bench: 'report_peak_rss_mb',
          value: round(rssMb),
          unit: 'MB',
          goal: 300,
          note: 'process peak, seeding included',
        },
        { bench: 'backup_mb_per_second', value: round(mb / backupS), unit: 'MB/s', compressedMb: round(mb) },
        { bench: 'restore_mb_per_second', value: round(mb / restoreS), unit: 'MB/s', compressedMb: round(mb) },
      ];
    } finally {
      await rm(dir, { recursive: true, force: true });
      await database.dispose();
    }
  },
};
