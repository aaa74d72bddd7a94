import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyIsolatingRefused } from './isolate-refused';

const refusal = Object.assign(new Error('value out of range'), { code: '22003' });
const isRefusal = (error: unknown) => error === refusal;

/** A fake store that refuses any chunk holding a poison record, like a transaction would. */
function store(poison: Set<number>) {
  const applied: number[] = [];
  const refused: number[] = [];
  return {
    applied,
    refused,
    apply: async (chunk: number[]) => {
      if (chunk.some((r) => poison.has(r))) throw refusal;
      applied.push(...chunk);
    },
    refuse: async (record: number) => void refused.push(record),
  };
}

describe('finding 5: a chunk with records the database refuses', () => {
  it('applies every other record once, in order, and refuses exactly the poison ones', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 200 }), fc.array(fc.nat(199)), async (n, poisonIndexes) => {
        const records = Array.from({ length: n }, (_, i) => i);
        const poison = new Set(poisonIndexes.filter((i) => i < n));
        const sut = store(poison);
        await applyIsolatingRefused(records, sut.apply, isRefusal, sut.refuse);
        expect(sut.applied).toEqual(records.filter((r) => !poison.has(r)));
        expect(sut.refused).toEqual(records.filter((r) => poison.has(r)));
      }),
    );
  });

  it('throws any other error to the caller (retried, nothing dead-lettered)', async () => {
    const refused: number[] = [];
    const outage = Object.assign(new Error('connection terminated'), { code: '57P01' });
    await expect(
      applyIsolatingRefused([1, 2, 3], async () => Promise.reject(outage), isRefusal, async (r) => void refused.push(r)),
    ).rejects.toBe(outage);
    expect(refused).toEqual([]);
  });

  it('needs about 2 log2(n) applications for one poison record in 500', async () => {
    const sut = store(new Set([317]));
    let calls = 0;
    await applyIsolatingRefused(Array.from({ length: 500 }, (_, i) => i), (c) => (calls++, sut.apply(c)), isRefusal, sut.refuse);
    expect(sut.refused).toEqual([317]);
    expect(calls).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(500)) + 1);
  });
});
