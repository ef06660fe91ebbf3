// One measured step of the reports bench, in its own process so its peak RSS is its own (not the seeding's or the
// other step's): `node --import tsx bench/report-child.ts <report|alone|lean> <database url> <file>`. Prints one JSON line.
import exceljs from 'exceljs';
import { connect } from '../db/client.ts';
import { buildReport, periodOf, previousPeriod } from '../src/domain/reports/index.ts';

const [mode, url, file] = process.argv.slice(2) as [string, string, string];
const database = connect(url, 'external', 8);
const period = periodOf(2026, 11, 'UTC');
const words = (key: string) => key.split('.').pop() ?? key;

/**
 * exceljs's streaming writer alone writing the month's ledger rows, already in memory: the floor for the report.
 * `lean` also gives each column's cells one shared style object, as the report does (exceljs then looks a style up
 * once per object instead of rendering each cell's fresh copy): the floor for that way of writing.
 */
async function alone(lean: boolean): Promise<{ ms: number; bytes?: number }> {
  const rows = await database.sql`select g.created_at, p.sku, p.title, g.reason, g.delta_total, g.delta_reserved,
    g.delta_sold, g.total_after, g.reserved_after, g.sold_after, g.actor, g.reference, g.note
    from stock_ledger g join products p on p.id = g.product_id order by g.id`;
  const started = performance.now();
  const workbook = new exceljs.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true });
  const sheet = workbook.addWorksheet('Movimientos');
  const shared = Array.from({ length: 13 }, () => ({}));
  for (const row of rows) {
    const added = sheet.addRow([new Date(row.created_at), ...Object.values(row).slice(1)]);
    if (lean) for (let index = 0; index < 13; index++) added.getCell(index + 1).style = shared[index] as object;
    added.commit();
  }
  sheet.commit();
  await workbook.commit();
  return { ms: performance.now() - started };
}

/** The whole report: every query (the ledger streamed by cursor), eight sheets, the chart. */
async function report(): Promise<{ ms: number; bytes?: number }> {
  const started = performance.now();
  const built = await buildReport({
    db: database.db,
    period,
    previous: previousPeriod(period),
    currency: 'MXN',
    words,
    actorName: (actor) => actor,
  });
  return { ms: performance.now() - started, bytes: built.workbook.length };
}

const result = mode === 'report' ? await report() : await alone(mode === 'lean');
await database.close();
process.stdout.write(`${JSON.stringify({ ...result, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
process.exit(0);
