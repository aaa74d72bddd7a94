/**
 * RFC 4180 CSV (CRLF line ends, a header row, fields quoted when they hold a comma, quote or line
 * break), with spreadsheet formula injection defused: a text cell starting with = + - @ or a tab
 * gets a leading apostrophe (partners choose booking ids).
 */
type Cell = string | number | boolean | null;

function cell(value: Cell): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Rows of objects with the same keys as CSV text, columns in the first row's key order. */
export function toCsv(columns: readonly string[], rows: readonly Record<string, Cell>[]): string {
  const lines = [columns.map(cell).join(',')];
  for (const row of rows) lines.push(columns.map((c) => cell(row[c] ?? null)).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
