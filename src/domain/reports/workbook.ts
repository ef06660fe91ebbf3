import { createRequire } from 'node:module';
import type { stream } from 'exceljs';
import type { Db } from '../../../db/client.ts';
import { embedPicture } from './drawing.ts';
import { movementsIn } from './movements.ts';
import type { Period } from './period.ts';
import { type DaySales, isLow, type Kpis, type SearchRow, type StockRow, type TopProduct } from './queries.ts';
import {
  COUNT,
  DATE,
  DATE_TIME,
  dayDate,
  localDate,
  localDates,
  moneyFormat,
  moneyValue,
  openSheet,
  PERCENT,
  type ReportWords,
} from './sheets.ts';
import type { SyncRunRow } from './sync-runs.ts';

type Writer = stream.xlsx.WorkbookWriter;
/** exceljs (~27 MiB) is loaded with the first report, not at start. */
export const loadExceljs = () => createRequire(import.meta.url)('exceljs') as typeof import('exceljs');

/** What the workbook shows, already read from the database (the ledger is streamed separately). */
export interface ReportContent {
  period: Period;
  current: Kpis;
  previous: Kpis;
  byDay: DaySales[];
  top: TopProduct[];
  stock: StockRow[];
  searches: SearchRow[];
  syncs: SyncRunRow[];
  chart: Buffer;
}

export interface WorkbookOptions {
  db: Db;
  file: string;
  content: ReportContent;
  words: ReportWords;
  /** A ledger actor (`user:3`, `api:shop`) as people know it. */
  actorName(actor: string): string;
  /** Called after each sheet with how many rows it has. */
  onSheet?(sheet: string, rows: number): void | Promise<void>;
  signal?: AbortSignal | undefined;
}

/** Writes the report workbook with exceljs's streaming writer: rows go to disk as they are added. */
export async function writeWorkbook(options: WorkbookOptions): Promise<void> {
  const workbook = new (loadExceljs().stream.xlsx.WorkbookWriter)({ filename: options.file, useStyles: true });
  workbook.creator = 'bodega';
  workbook.title = options.words('title', { month: options.content.period.key });
  const steps: Array<[string, () => Promise<number> | number]> = [
    ['summary', () => summary(workbook, options)],
    ['by_day', () => byDay(workbook, options)],
    ['top', () => top(workbook, options)],
    ['stock', () => stock(workbook, options, false)],
    ['low', () => stock(workbook, options, true)],
    ['movements', () => movements(workbook, options)],
    ['searches', () => searches(workbook, options)],
    ['syncs', () => syncs(workbook, options)],
  ];
  for (const [name, write] of steps) {
    options.signal?.throwIfAborted();
    const rows = await write();
    await options.onSheet?.(name, rows);
  }
  await workbook.commit();
}

type Metric = { label: string; currency?: string; current: number; previous: number };

function metrics({ current, previous }: ReportContent, words: ReportWords): Metric[] {
  const currencies = [...new Set([...Object.keys(current.revenue), ...Object.keys(previous.revenue)])].sort();
  const money = (kpi: Kpis, currency: string) => kpi.revenue[currency] ?? 0;
  const average = (kpi: Kpis, currency: string) =>
    Math.round(money(kpi, currency) / Math.max(1, kpi.ordersByCurrency[currency] ?? 0));
  const perCurrency = (word: 'revenue' | 'average', of: (kpi: Kpis, currency: string) => number) =>
    currencies.map((currency) => ({
      label: words(`kpi.${word}`),
      currency,
      current: moneyValue(of(current, currency), currency),
      previous: moneyValue(of(previous, currency), currency),
    }));
  const count = (word: 'orders' | 'units' | 'products' | 'low_stock', key: keyof Kpis) => ({
    label: words(`kpi.${word}`),
    current: current[key] as number,
    previous: previous[key] as number,
  });
  return [
    ...perCurrency('revenue', money),
    count('orders', 'orders'),
    count('units', 'units'),
    ...perCurrency('average', average),
    count('products', 'products'),
    count('low_stock', 'lowStock'),
  ];
}

function summary(workbook: Writer, { content, words }: WorkbookOptions): number {
  const sheet = openSheet(
    workbook,
    words('sheet.summary'),
    [
      { word: 'metric', width: 28 },
      { word: 'currency', width: 10 },
      { word: 'this_month', width: 18 },
      { word: 'previous', width: 18 },
      { word: 'change', width: 12, format: PERCENT },
    ],
    words,
  );
  const list = metrics(content, words);
  list.forEach((metric, index) => {
    const r = index + 2;
    const change = metric.previous === 0 ? '' : metric.current / metric.previous - 1;
    const row = sheet.addRow([
      metric.label,
      metric.currency ?? '',
      metric.current,
      metric.previous,
      { formula: `IF(D${r}=0,"",C${r}/D${r}-1)`, result: change },
    ]);
    const format = metric.currency ? moneyFormat(metric.currency) : COUNT;
    row.getCell(3).numFmt = format;
    row.getCell(4).numFmt = format;
    row.commit();
  });
  embedPicture(workbook, sheet, content.chart, { col: 0, row: list.length + 3, widthPx: 900, heightPx: 720 });
  sheet.finish(list.length);
  return list.length;
}

function byDay(workbook: Writer, { content, words }: WorkbookOptions): number {
  const sheet = openSheet(
    workbook,
    words('sheet.by_day'),
    [
      { word: 'day', width: 12, format: DATE },
      { word: 'currency', width: 10 },
      { word: 'orders', width: 10, format: COUNT },
      { word: 'units', width: 10, format: COUNT },
      { word: 'revenue', width: 18 },
    ],
    words,
  );
  for (const day of content.byDay) {
    const row = sheet.addRow([dayDate(day.day), day.currency ?? '', day.orders, day.units, revenueOf(day)]);
    if (day.currency) row.getCell(5).numFmt = moneyFormat(day.currency);
    row.commit();
  }
  sheet.finish(content.byDay.length);
  return content.byDay.length;
}

const revenueOf = (row: { currency: string | null; revenueMinor: number }) =>
  row.currency ? moneyValue(row.revenueMinor, row.currency) : 0;

function top(workbook: Writer, { content, words }: WorkbookOptions): number {
  const sheet = openSheet(
    workbook,
    words('sheet.top'),
    [
      { word: 'rank', width: 6, format: COUNT },
      { word: 'sku', width: 16 },
      { word: 'product', width: 36 },
      { word: 'orders', width: 10, format: COUNT },
      { word: 'units', width: 10, format: COUNT },
      { word: 'revenue', width: 18 },
    ],
    words,
  );
  content.top.forEach((item, index) => {
    const row = sheet.addRow([index + 1, item.sku, item.title, item.orders, item.units, revenueOf(item)]);
    row.getCell(6).numFmt = moneyFormat(item.currency);
    row.commit();
  });
  sheet.finish(content.top.length);
  return content.top.length;
}

function stock(workbook: Writer, { content, words }: WorkbookOptions, lowOnly: boolean): number {
  const counts = (word: 'total' | 'reserved' | 'sold' | 'available' | 'threshold') => ({
    word,
    width: 11,
    format: COUNT,
  });
  const sheet = openSheet(
    workbook,
    words(lowOnly ? 'sheet.low' : 'sheet.stock'),
    [
      { word: 'sku', width: 16 },
      { word: 'product', width: 36 },
      ...(lowOnly
        ? [counts('available'), counts('threshold'), { word: 'missing' as const, width: 11, format: COUNT }]
        : [counts('total'), counts('reserved'), counts('sold'), counts('available'), counts('threshold')]),
      { word: 'price', width: 16 },
    ],
    words,
  );
  const rows = lowOnly ? content.stock.filter(isLow) : content.stock;
  for (const item of rows) {
    const levels = lowOnly
      ? [item.available, item.threshold, item.threshold - item.available]
      : [item.total, item.reserved, item.sold, item.available, item.threshold];
    const row = sheet.addRow([item.sku, item.title, ...levels, moneyValue(item.priceMinor, item.currency)]);
    row.getCell(levels.length + 3).numFmt = moneyFormat(item.currency);
    row.commit();
  }
  sheet.finish(rows.length);
  return rows.length;
}

async function movements(workbook: Writer, options: WorkbookOptions): Promise<number> {
  const { content, words } = options;
  const delta = (word: 'delta_total' | 'delta_reserved' | 'delta_sold') => ({ word, width: 9, format: '+0;-0;0' });
  const after = (word: 'total_after' | 'reserved_after' | 'sold_after') => ({ word, width: 11, format: COUNT });
  const sheet = openSheet(
    workbook,
    words('sheet.movements'),
    [
      { word: 'when', width: 17, format: DATE_TIME },
      { word: 'sku', width: 16 },
      { word: 'product', width: 30 },
      { word: 'reason', width: 14 },
      delta('delta_total'),
      delta('delta_reserved'),
      delta('delta_sold'),
      after('total_after'),
      after('reserved_after'),
      after('sold_after'),
      { word: 'who', width: 18 },
      { word: 'reference', width: 18 },
      { word: 'note', width: 24 },
    ],
    words,
  );
  // The same few reasons and people on every row: each is put in words once.
  const reason = remembered((key: string) => words(`reason.${key}`));
  const who = remembered(options.actorName);
  const when = localDates(content.period.timeZone);
  let count = 0;
  for await (const batch of movementsIn(options.db, content.period)) {
    options.signal?.throwIfAborted();
    for (const m of batch) {
      sheet.put([
        when(m.at),
        m.sku,
        m.title,
        reason(m.reason),
        m.deltaTotal,
        m.deltaReserved,
        m.deltaSold,
        m.totalAfter,
        m.reservedAfter,
        m.soldAfter,
        who(m.actor),
        m.reference,
        m.note,
      ]);
    }
    count += batch.length;
  }
  sheet.finish(count);
  return count;
}

/** A function of a string that works each answer out once. */
function remembered(of: (key: string) => string): (key: string) => string {
  const answers = new Map<string, string>();
  return (key) => {
    const known = answers.get(key);
    if (known !== undefined) return known;
    const answer = of(key);
    answers.set(key, answer);
    return answer;
  };
}

function searches(workbook: Writer, { content, words }: WorkbookOptions): number {
  const sheet = openSheet(
    workbook,
    words('sheet.searches'),
    [
      { word: 'when', width: 17, format: DATE_TIME },
      { word: 'words', width: 30 },
      { word: 'source', width: 12 },
      { word: 'status', width: 12 },
      { word: 'fetched', width: 10, format: COUNT },
      { word: 'matched', width: 10, format: COUNT },
      { word: 'error', width: 30 },
    ],
    words,
  );
  for (const s of content.searches) {
    const when = localDate(s.startedAt, content.period.timeZone);
    const status = words(`status.${s.status}`);
    sheet.addRow([when, s.words, s.source, status, s.fetched, s.matched, s.error ?? '']).commit();
  }
  sheet.finish(content.searches.length);
  return content.searches.length;
}

function syncs(workbook: Writer, { content, words }: WorkbookOptions): number {
  const sheet = openSheet(
    workbook,
    words('sheet.syncs'),
    [
      { word: 'started', width: 17, format: DATE_TIME },
      { word: 'finished', width: 17, format: DATE_TIME },
      { word: 'shop', width: 16 },
      { word: 'status', width: 12 },
      { word: 'details', width: 40 },
      { word: 'error', width: 30 },
    ],
    words,
  );
  const zone = content.period.timeZone;
  for (const run of content.syncs) {
    const finished = run.finishedAt ? localDate(run.finishedAt, zone) : '';
    const status = words(`status.${run.status}`);
    sheet.addRow([localDate(run.startedAt, zone), finished, run.shop, status, run.details, run.error ?? '']).commit();
  }
  sheet.finish(content.syncs.length);
  return content.syncs.length;
}
