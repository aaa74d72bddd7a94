import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StreamSlots, writeOrDrop } from './stream-slots';

describe('finding 9: live stream bounds', () => {
  it('caps streams per user and in total, and frees a slot when a stream closes', () => {
    const sut = new StreamSlots(2, 3);
    const a1 = sut.acquire('a');
    sut.acquire('a');
    expect(sut.acquire('a')).toEqual({ refused: 'user' });
    sut.acquire('b');
    expect(sut.acquire('c')).toEqual({ refused: 'total' });
    if ('release' in a1) a1.release();
    if ('release' in a1) a1.release(); // twice is harmless
    expect(sut.open).toBe(2);
    expect('release' in sut.acquire('a')).toBe(true);
  });

  it('drops a slow client once its unsent bytes pass the bound, instead of buffering without end', () => {
    const slowClient = new PassThrough({ highWaterMark: 1024 }); // nobody reads it
    let dropped = 0;
    const chunk = 'x'.repeat(10_000);
    let written = 0;
    while (writeOrDrop(slowClient, chunk, 100_000, () => dropped++)) written++;
    expect(written).toBe(10);
    expect(dropped).toBe(1);
    expect(slowClient.destroyed).toBe(true);
    expect(writeOrDrop(slowClient, chunk, 100_000, () => dropped++)).toBe(false);
    expect(dropped).toBe(1);
  });
});
