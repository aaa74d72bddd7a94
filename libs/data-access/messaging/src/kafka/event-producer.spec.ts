import { describe, expect, it } from 'vitest';
import { type OutgoingRecord, splitBySize } from './event-producer';

const record = (i: number, bytes: number): OutgoingRecord => ({ topic: 't', key: `k${i}`, value: 'x'.repeat(bytes) });

describe('splitBySize', () => {
  it('keeps every record, in order, in chunks under the limit', () => {
    const records = Array.from({ length: 1_000 }, (_, i) => record(i, 2_000));
    const sut = splitBySize(records, 512 * 1024);
    expect(sut.flat()).toEqual(records);
    expect(sut.length).toBeGreaterThan(3);
    for (const chunk of sut) expect(chunk.reduce((n, r) => n + String(r.value).length, 0)).toBeLessThanOrEqual(512 * 1024);
  });

  it('sends a record larger than the limit on its own rather than dropping it', () => {
    const sut = splitBySize([record(1, 10), record(2, 2_000_000), record(3, 10)], 512 * 1024);
    expect(sut.map((c) => c.map((r) => r.key))).toEqual([['k1'], ['k2'], ['k3']]);
  });

  it('sends nothing for no records', () => {
    expect(splitBySize([], 1_000)).toEqual([]);
  });
});
