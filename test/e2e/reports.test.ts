import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSmtp, startFakeSmtp } from '../fakes/smtp.ts';
import { runBodega, useTempDataDirs } from '../helpers/cli.ts';
import { useTestDatabase } from '../helpers/database.ts';
import { readWorkbook, seedReportMonth } from '../helpers/report-month.ts';

const database = useTestDatabase();
const freshDataDir = useTempDataDirs();
let smtp: FakeSmtp;

beforeAll(async () => {
  smtp = await startFakeSmtp();
  await seedReportMonth(database().sql);
});
afterAll(() => smtp.close());

const cell = (rows: Array<Array<[unknown, string]>>, row: number, col: number) => rows[row - 1]?.[col - 1];

describe('/reporte through bodega run', () => {
  it('delivers November 2026 as a workbook an independent reader sees with the exact totals, a chart and an email', {
    timeout: 120_000,
  }, async () => {
    const dataDir = await freshDataDir();
    const env = {
      DATABASE_URL: database().url,
      DATA_DIR: dataDir,
      BODEGA_TIMEZONE: 'America/Mexico_City',
      BODEGA_CURRENCY: 'MXN',
      SMTP_URL: smtp.url,
      REPORT_EMAIL_TO: 'duena@example.com, contador@example.com',
      LOG_LEVEL: 'warn',
    };
    const run = await runBodega(['run', '/reporte noviembre 2026'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Reporte de noviembre de 2026: $771.00 MXN + $19.99 USD en 4 pedidos (8 unidades).');
    expect(run.stdout).toContain('También lo envié por correo a duena@example.com y contador@example.com.');
    const file = join(dataDir, 'files', 'reporte-2026-11.xlsx');
    const png = await readFile(join(dataDir, 'files', '2026-11.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');

    const book = await readWorkbook(file);
    expect(Object.keys(book.sheets)).toEqual([
      'Resumen',
      'Ventas por día',
      'Top productos',
      'Stock',
      'Stock bajo',
      'Movimientos',
      'Búsquedas',
      'Sincronizaciones',
    ]);
    const summary = book.sheets.Resumen;
    expect(summary?.rows[0]?.map(([value]) => value)).toEqual([
      'Indicador',
      'Moneda',
      'Este mes',
      'Mes anterior',
      'Cambio',
    ]);
    expect(cell(summary?.rows ?? [], 2, 1)).toEqual(['Ingresos', 'General']);
    expect(cell(summary?.rows ?? [], 2, 3)).toEqual([771, '#,##0.00 "MXN"']);
    expect(cell(summary?.rows ?? [], 2, 4)).toEqual([120, '#,##0.00 "MXN"']);
    expect(cell(summary?.rows ?? [], 2, 5)?.[0]).toBeCloseTo(771 / 120 - 1, 10);
    expect(book.formula).toBe('=IF(D2=0,"",C2/D2-1)');
    expect(cell(summary?.rows ?? [], 3, 3)).toEqual([19.99, '#,##0.00 "USD"']);
    expect(summary?.rows.slice(3, 5).map((row) => [row[0]?.[0], row[2]?.[0], row[3]?.[0]])).toEqual([
      ['Pedidos', 4, 1],
      ['Unidades vendidas', 8, 1],
    ]);
    expect([summary?.freeze, summary?.images]).toEqual(['A2', 1]);

    const days = book.sheets['Ventas por día']?.rows ?? [];
    expect(days[1]?.[0]).toEqual(['2026-11-01T00:00:00', 'yyyy-mm-dd']);
    const nov30 = days.filter((row) => row[0]?.[0] === '2026-11-30T00:00:00');
    expect(nov30.map((row) => [row[2]?.[0], row[3]?.[0], row[4]?.[0]])).toEqual([[2, 4, 445.5]]);
    expect(book.sheets['Ventas por día']?.filter).toBe(`A1:E${days.length}`);

    const top = book.sheets['Top productos']?.rows ?? [];
    expect(top.slice(1, 3).map((row) => row.slice(1, 6).map(([value]) => value))).toEqual([
      ['A-1', 'Taza azul', 2, 5, 600],
      ['B-2', 'Plato hondo', 2, 2, 171],
    ]);
    expect(book.sheets['Stock bajo']?.rows.slice(1).map((row) => row.slice(0, 5).map(([v]) => v))).toEqual([
      ['B-2', 'Plato hondo', 3, 5, 2],
    ]);
    const moves = book.sheets.Movimientos?.rows ?? [];
    expect(moves.length).toBe(3);
    expect(moves[1]?.slice(0, 5).map(([value]) => value)).toEqual([
      '2026-11-02T09:00:00',
      'A-1',
      'Taza azul',
      'recibido',
      40,
    ]);
    expect(moves[1]?.[0]?.[1]).toBe('yyyy-mm-dd hh:mm');
    expect(book.sheets['Búsquedas']?.rows[1]?.slice(0, 2).map(([v]) => v)).toEqual([
      '2026-11-05T10:00:00',
      'taza cerámica',
    ]);

    const [mail] = await smtp.received(1);
    expect(mail?.subject).toBe('Reporte de noviembre de 2026 — bodega');
    expect(mail?.text).toContain('Ingresos: $771.00 MXN + $19.99 USD');
    expect(mail?.attachments.map((a) => a.filename)).toEqual(['reporte-2026-11.xlsx']);
    expect(mail?.attachments[0]?.content.equals(await readFile(file))).toBe(true);
  });

  it('prueba sends only to the requester: no email', { timeout: 120_000 }, async () => {
    const before = smtp.messages.length;
    const dataDir = await freshDataDir();
    const run = await runBodega(['run', '/report nov 2026 test'], {
      DATABASE_URL: database().url,
      DATA_DIR: dataDir,
      BODEGA_TIMEZONE: 'America/Mexico_City',
      SMTP_URL: smtp.url,
      REPORT_EMAIL_TO: 'owner@example.com',
      LOG_LEVEL: 'warn',
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Prueba: solo tú lo recibes');
    expect(smtp.messages.length).toBe(before);
  });

  it('refuses a month that has not begun and an unknown month word, changing nothing', {
    timeout: 60_000,
  }, async () => {
    const env = { DATABASE_URL: database().url, DATA_DIR: await freshDataDir(), LOG_LEVEL: 'warn' };
    const future = await runBodega(['run', '/reporte enero 2099'], env);
    expect([future.code, future.stdout]).toEqual([1, expect.stringContaining('todavía no empieza')]);
    const bad = await runBodega(['run', '/reporte brumario'], env);
    expect(bad.code).toBe(1);
  });

  it('/estadisticas shows the shop in numbers with a chart image', {
    timeout: 60_000,
  }, async () => {
    const dataDir = await freshDataDir();
    const run = await runBodega(['run', '/estadisticas'], {
      DATABASE_URL: database().url,
      DATA_DIR: dataDir,
      BODEGA_TIMEZONE: 'America/Mexico_City',
      BODEGA_CURRENCY: 'MXN',
      LOG_LEVEL: 'warn',
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Productos activos: 2');
    expect(run.stdout).toContain('Precio mín. / prom. / máx.: $85.50 MXN / $102.75 MXN / $120.00 MXN');
    expect(run.stdout).toContain('Ventas (siempre): 5 pedidos, 9 unidades');
    expect(run.stdout).toContain('Ingresos (siempre): $891.00 MXN + $19.99 USD');
    expect(run.stdout).toContain('Con stock bajo: 1');
    const png = await readFile(join(dataDir, 'files', 'estadisticas.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });
});
