import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import type { ExportColumn } from '@kuruma/domain-calibration';
import { writeTable } from './table-writer';

const columns: ExportColumn[] = [
  { name: 'policy_id', type: 'STRING', meaning: '' },
  { name: 'cover_start', type: 'TIMESTAMP', meaning: '' },
  { name: 'exposure_days', type: 'DOUBLE', meaning: '' },
  { name: 'grade', type: 'INT32', meaning: '' },
];
const rows = [
  { policy_id: 'p-1', cover_start: new Date('2027-01-01T01:00:00Z'), exposure_days: 0.25, grade: 7 },
  { policy_id: '=HYPERLINK("x")', cover_start: new Date('2027-01-02T01:00:00Z'), exposure_days: 1.5, grade: null },
];

describe(writeTable.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'experience-export-'));

  it('writes Parquet an actuary’s tools read back with the same values, nulls kept', async () => {
    const path = writeTable(join(dir, 'x.parquet'), 'parquet', columns, rows);
    const bytes = readFileSync(path);
    const sut = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
    expect(sut).toHaveLength(2);
    expect(sut[0]).toMatchObject({ policy_id: 'p-1', exposure_days: 0.25, grade: 7 });
    expect(new Date(sut[0]?.['cover_start'] as Date).toISOString()).toBe('2027-01-01T01:00:00.000Z');
    expect(sut[1]?.['grade']).toBeNull();
  });

  it('writes CSV with ISO instants, empty nulls and formula injection defused', () => {
    const sut = readFileSync(writeTable(join(dir, 'x.csv'), 'csv', columns, rows), 'utf8');
    expect(sut.split('\r\n')).toEqual(['policy_id,cover_start,exposure_days,grade', 'p-1,2027-01-01T01:00:00.000Z,0.25,7', `"'=HYPERLINK(""x"")",2027-01-02T01:00:00.000Z,1.5,`, '']);
  });
});
