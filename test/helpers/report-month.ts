import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Sql } from 'postgres';

/**
 * A month of shop activity in America/Mexico_City, written straight into the tables: November 2026 has four orders
 * (three in MXN for 771.00, one in USD for 19.99; a cancelled one that does not count), October one (120.00 MXN,
 * placed 23:30 local on the 31st, which is already November in UTC), ledger rows and a search.
 */
export async function seedReportMonth(sql: Sql) {
  const [a] = await sql`insert into products (sku, title, price_minor, currency, low_stock_threshold, created_at)
    values ('A-1', 'Taza azul', 12000, 'MXN', 0, '2026-09-01T12:00Z') returning id`;
  const [b] = await sql`insert into products (sku, title, price_minor, currency, low_stock_threshold, created_at)
    values ('B-2', 'Plato hondo', 8550, 'MXN', 5, '2026-09-01T12:00Z') returning id`;
  await sql`insert into stock_levels (product_id, total, reserved, sold) values (${a?.id}, 40, 0, 0), (${b?.id}, 3, 0, 0)`;
  const ledger = [
    [a?.id, 'receive', 40, 0, 0, 40, 0, 0, '2026-11-02T15:00Z', 'l1'],
    [b?.id, 'receive', 3, 0, 0, 3, 0, 0, '2026-11-02T15:05Z', 'l2'],
    [b?.id, 'receive', 9, 0, 0, 9, 0, 0, '2026-10-02T15:05Z', 'l0'],
  ];
  for (const [id, reason, dt, dr, ds, ta, ra, sa, at, key] of ledger)
    await sql`insert into stock_ledger (product_id, reason, delta_total, delta_reserved, delta_sold, total_after,
      reserved_after, sold_after, actor, idempotency_key, created_at)
      values (${id as number}, ${reason as string}, ${dt as number}, ${dr as number}, ${ds as number}, ${ta as number},
        ${ra as number}, ${sa as number}, 'system', ${key as string}, ${at as string})`;
  const sale = async (at: string, currency: string, lines: Array<[number, number, number]>, status = 'committed') => {
    const [row] = await sql`insert into sales (source, currency, status, actor, created_at)
      values ('manual', ${currency}, ${status}, 'system', ${at}) returning id`;
    for (const [product, qty, price] of lines)
      await sql`insert into sale_lines (sale_id, product_id, qty, unit_price_minor)
        values (${row?.id}, ${product}, ${qty}, ${price})`;
  };
  const [ida, idb] = [Number(a?.id), Number(b?.id)];
  await sale('2026-11-01T05:30Z', 'MXN', [[ida, 1, 12000]]);
  await sale('2026-11-03T18:00Z', 'MXN', [
    [ida, 2, 12000],
    [idb, 1, 8550],
  ]);
  await sale('2026-11-30T23:00Z', 'MXN', [[ida, 3, 12000]]);
  await sale('2026-12-01T03:00Z', 'MXN', [[idb, 1, 8550]]);
  await sale('2026-11-10T18:00Z', 'USD', [[ida, 1, 1999]]);
  await sale('2026-11-11T18:00Z', 'MXN', [[ida, 5, 12000]], 'cancelled');
  await sql`insert into searches (source, words, criteria, status, fetched, matched, started_at)
    values ('aliexpress', 'taza cerámica', '{}', 'success', 10, 4, '2026-11-05T16:00Z')`;
}

const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** Reads a workbook with openpyxl (not exceljs): sheets, cells (cached values), formats, panes, filters, images. */
export async function readWorkbook(file: string): Promise<WorkbookView> {
  const script = `
import json, sys, openpyxl, datetime
wb = openpyxl.load_workbook(sys.argv[1], data_only=True)
out = {}
for ws in wb.worksheets:
    rows = []
    for row in ws.iter_rows():
        rows.append([[c.value.isoformat() if isinstance(c.value, datetime.datetime) else c.value, c.number_format] for c in row])
    out[ws.title] = {"rows": rows, "freeze": ws.freeze_panes, "filter": ws.auto_filter.ref, "images": len(ws._images),
                     "widths": {k: v.width for k, v in ws.column_dimensions.items()}}
formulas = openpyxl.load_workbook(sys.argv[1]).worksheets[0]["E2"].value
print(json.dumps({"sheets": out, "formula": formulas}))
`;
  const { stdout } = await promisify(execFile)(python, ['-c', script, file], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as WorkbookView;
}

export interface WorkbookView {
  sheets: Record<
    string,
    {
      rows: Array<Array<[unknown, string]>>;
      freeze: string | null;
      filter: string | null;
      images: number;
      widths: Record<string, number>;
    }
  >;
  formula: string;
}
