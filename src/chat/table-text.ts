/** A table as aligned monospace lines: header, rule, rows. */
export function tableLines(columns: string[], rows: string[][], align: Array<'left' | 'right'> = []): string[] {
  const widths = columns.map((column, i) => Math.max(column.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (align[i] === 'right' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

/** RFC 4180 CSV with a BOM so spreadsheet apps read accents correctly. */
export function toCsv(columns: string[], rows: string[][]): Buffer {
  const cell = (value: string) => (/[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  const body = [columns, ...rows].map((row) => row.map(cell).join(',')).join('\r\n');
  return Buffer.from(`\uFEFF${body}\r\n`, 'utf8');
}
