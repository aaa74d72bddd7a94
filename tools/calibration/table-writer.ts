import { writeFileSync } from 'node:fs';
import { toCsv } from '@kuruma/domain-ledger';
import type { ExportCell, ExportColumn } from '@kuruma/domain-calibration';
import { parquetWriteBuffer } from 'hyparquet-writer';

/**
 * Writes a table as RFC 4180 CSV (instants as ISO-8601 UTC, formula injection defused by toCsv)
 * or as Parquet (hyparquet-writer, Snappy; instants as TIMESTAMP, nulls kept). Returns the path.
 */
export function writeTable(path: string, format: 'csv' | 'parquet', columns: readonly ExportColumn[], rows: readonly Record<string, ExportCell>[]): string {
  if (format === 'csv') {
    const text = toCsv(
      columns.map((c) => c.name),
      rows.map((r) => Object.fromEntries(columns.map((c) => [c.name, r[c.name] instanceof Date ? (r[c.name] as Date).toISOString() : (r[c.name] as string | number | null)]))),
    );
    writeFileSync(path, text);
    return path;
  }
  const buffer = parquetWriteBuffer({
    columnData: columns.map((c) => ({ name: c.name, type: c.type, nullable: true, data: rows.map((r) => r[c.name] ?? null) })),
  });
  writeFileSync(path, Buffer.from(buffer));
  return path;
}
