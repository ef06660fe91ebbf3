import type { CellValue, Style, stream, Worksheet } from 'exceljs';
import { minorDigits } from '../../money.ts';
import { wallClock, wallClockIn } from './period.ts';

/** The words of the report, in the requester's language; the command layer supplies them from the i18n catalogue. */
export type ReportWords = (key: ReportWord, params?: Record<string, string | number>) => string;

export type ReportWord =
  | `sheet.${'summary' | 'by_day' | 'top' | 'stock' | 'low' | 'movements' | 'searches' | 'syncs'}`
  | `col.${ColumnWord}`
  | `kpi.${'revenue' | 'orders' | 'units' | 'average' | 'products' | 'low_stock'}`
  | `chart.${'by_day' | 'top'}`
  | `reason.${string}`
  | `status.${string}`
  | 'title'
  | 'file';

type ColumnWord =
  | 'metric'
  | 'currency'
  | 'this_month'
  | 'previous'
  | 'change'
  | 'day'
  | 'orders'
  | 'units'
  | 'revenue'
  | 'rank'
  | 'sku'
  | 'product'
  | 'total'
  | 'reserved'
  | 'sold'
  | 'available'
  | 'threshold'
  | 'missing'
  | 'price'
  | 'when'
  | 'reason'
  | 'delta_total'
  | 'delta_reserved'
  | 'delta_sold'
  | 'total_after'
  | 'reserved_after'
  | 'sold_after'
  | 'who'
  | 'reference'
  | 'note'
  | 'words'
  | 'source'
  | 'status'
  | 'fetched'
  | 'matched'
  | 'error'
  | 'started'
  | 'finished'
  | 'shop'
  | 'details';

export interface Column {
  word: ColumnWord;
  width: number;
  /** Excel number format for the whole column (dates, counts); money sets its own per cell. */
  format?: string;
}

export const DATE_TIME = 'yyyy-mm-dd hh:mm';
export const DATE = 'yyyy-mm-dd';
export const COUNT = '#,##0';
export const PERCENT = '0.0%';

/** The currency format of a code: `#,##0.00 "MXN"` (0 decimals for JPY, CLP). */
export function moneyFormat(currency: string): string {
  const digits = minorDigits(currency);
  return `#,##0${digits > 0 ? `.${'0'.repeat(digits)}` : ''} "${currency}"`;
}

/** Minor units as the spreadsheet number of major units (129990 MXN → 1299.9): Excel stores every number this way. */
export function moneyValue(minor: number, currency: string): number {
  return minor / 10 ** minorDigits(currency);
}

/** An instant as the shop's wall-clock time, which is what a spreadsheet date means. */
export const localDate = (at: Date, timeZone: string): Date => wallClock(at, timeZone);

/** `localDate` for a whole sheet of instants in one zone (the offset measured once per quarter hour). */
export const localDates = (timeZone: string): ((at: Date) => Date) => wallClockIn(timeZone);

/** A `YYYY-MM-DD` day as a spreadsheet date. */
export const dayDate = (day: string): Date => new Date(`${day}T00:00:00Z`);

/** Excel refuses these in sheet names, and names over 31 characters. */
const sheetName = (name: string) => name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31);

export type ReportSheet = Worksheet & {
  /** Adds and commits one row whose cells take their column's format (for long sheets: no per-cell styles). */
  put(values: CellValue[]): void;
  finish(rows: number): void;
};

/** A sheet with its header row frozen, bold and filterable, and its column widths and formats. */
export function openSheet(
  workbook: stream.xlsx.WorkbookWriter,
  name: string,
  columns: Column[],
  words: ReportWords,
): ReportSheet {
  const sheet = workbook.addWorksheet(sheetName(name), { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((column) => ({
    header: words(`col.${column.word}`),
    key: column.word,
    width: column.width,
    ...(column.format ? { style: { numFmt: column.format } } : {}),
  }));
  sheet.getRow(1).font = { bold: true };
  // One style object per column, shared by its cells: the writer then looks each up once (it caches by object)
  // instead of rendering a fresh copy for every cell.
  const styles: Partial<Style>[] = columns.map((column) => (column.format ? { numFmt: column.format } : {}));
  return Object.assign(sheet, {
    put(values: CellValue[]) {
      const row = sheet.addRow(values);
      for (let index = 0; index < values.length; index++)
        row.getCell(index + 1).style = styles[index] as Partial<Style>;
      row.commit();
    },
    /** Sets the filter over the header and every data row, then writes the sheet out. */
    finish(rows: number) {
      sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, rows + 1), column: columns.length } };
      sheet.commit();
    },
  });
}
