import { describe, expect, it } from 'vitest';
import { openLoop, percentiles } from './latency';

describe('percentiles', () => {
  it('uses nearest rank', () => {
    const sut = percentiles(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(sut).toEqual({ n: 100, p50: 50, p95: 95, p99: 99, max: 100 });
  });

  it('reports NaN for an empty sample rather than a made-up zero', () => {
    expect(Number.isNaN(percentiles([]).p99)).toBe(true);
  });
});

describe('openLoop', () => {
  it('fires every scheduled call even when calls are slow', async () => {
    const fired: number[] = [];
    await openLoop(200, 0.1, async (i) => {
      fired.push(i);
      await new Promise((r) => setTimeout(r, 50));
    });
    expect(fired).toEqual([...Array(20).keys()]);
  });
});
