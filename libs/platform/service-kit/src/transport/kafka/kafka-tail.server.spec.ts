import { describe, expect, it } from 'vitest';
import { replayFrom } from './kafka-tail.server';

describe('replayFrom', () => {
  it('replays the whole backfill period when it fits the partition share of the replay limit', () => {
    expect(replayFrom(900n, 1_000n, 1_667n)).toBe(900n);
  });

  it('replays only the last share of a busy partition', () => {
    expect(replayFrom(10n, 100_000n, 1_667n)).toBe(98_333n);
  });

  it('starts at the end when nothing was published in the period', () => {
    expect(replayFrom(-1n, 5_000n, 1_667n)).toBe(5_000n);
  });
});
