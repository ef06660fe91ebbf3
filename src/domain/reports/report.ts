import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../../db/client.ts';
import { loadChartLibraries, renderChart } from './chart.ts';
import type { Period } from './period.ts';
import { type Kpis, kpis, salesByDay, searchesIn, stockNow, topProducts } from './queries.ts';
import { moneyValue, type ReportWords } from './sheets.ts';
import { syncRunsIn } from './sync-runs.ts';
import { loadExceljs, type ReportContent, writeWorkbook } from './workbook.ts';

export interface BuiltReport {
  filename: string;
  workbook: Buffer;
  chart: Buffer;
  current: Kpis;
  previous: Kpis;
}

export interface BuildOptions {
  db: Db;
  period: Period;
  previous: Period;
  /** The currency the chart shows revenue in (the shop's). */
  currency: string;
  words: ReportWords;
  actorName(actor: string): string;
  /** Progress as sheets are written: `done` of `total`. */
  progress?(done: number, total: number): void | Promise<void>;
  signal?: AbortSignal | undefined;
}

const SHEETS = 8;

/** Builds the month's workbook (streamed to a temporary file, then read back) and its chart. */
export async function buildReport(options: BuildOptions): Promise<BuiltReport> {
  const { db, period } = options;
  const reading = Promise.all([
    kpis(db, period),
    kpis(db, options.previous),
    salesByDay(db, period),
    topProducts(db, period),
    stockNow(db),
    searchesIn(db, period),
    syncRunsIn(db, period),
  ]);
  // Awaited below; a failure while the libraries load must not count as unhandled meanwhile.
  reading.catch(() => {});
  // While the database answers, load what the first report needs (tens of MB of JavaScript, some 300 ms).
  await new Promise((resolve) => setImmediate(resolve));
  loadExceljs();
  loadChartLibraries();
  const [current, previous, byDay, top, stock, searches, syncs] = await reading;
  const chart = renderChart(chartSpec(options, byDay, top));
  const content: ReportContent = { period, current, previous, byDay, top, stock, searches, syncs, chart };
  const dir = await mkdtemp(join(tmpdir(), 'bodega-report-'));
  const file = join(dir, 'report.xlsx');
  try {
    let done = 0;
    await writeWorkbook({
      db,
      file,
      content,
      words: options.words,
      actorName: options.actorName,
      signal: options.signal,
      onSheet: () => options.progress?.(++done, SHEETS),
    });
    const filename = `${options.words('file')}-${period.key}.xlsx`;
    return { filename, workbook: await readFile(file), chart, current, previous };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function chartSpec(options: BuildOptions, byDay: ReportContent['byDay'], top: ReportContent['top']) {
  const days = [...new Set(byDay.map((row) => row.day))];
  const revenue = new Map<string, number>();
  for (const row of byDay)
    if (row.currency === options.currency) revenue.set(row.day, moneyValue(row.revenueMinor, row.currency));
  return {
    columns: {
      title: options.words('chart.by_day', { currency: options.currency }),
      labels: days.map((day) => String(Number(day.slice(8)))),
      values: days.map((day) => revenue.get(day) ?? 0),
    },
    bars: {
      title: options.words('chart.top'),
      labels: top.slice(0, 10).map((item) => item.sku),
      values: top.slice(0, 10).map((item) => item.units),
    },
  };
}
