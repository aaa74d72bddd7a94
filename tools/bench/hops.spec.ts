import { describe, expect, it } from 'vitest';
import { bucketQuantile, hopWindow, parseHopBuckets } from './hops';

const scrape = (hop: string, counts: [string, number][]) => counts.map(([le, c]) => `kuruma_hop_seconds_bucket{hop="${hop}",le="${le}"} ${c}`).join('\n');

describe(bucketQuantile.name, () => {
  it('interpolates linearly inside the bucket the rank falls in, from zero for the first bucket', () => {
    // 100 observations: 40 under 1 ms, 60 between 1 and 2 ms.
    const sut = (q: number) => bucketQuantile(q, [[0.001, 40], [0.002, 100], [Number.POSITIVE_INFINITY, 100]]);
    expect(sut(0.2)).toBeCloseTo(0.0005, 9); // rank 20 of 40 in [0, 1 ms]
    expect(sut(0.5)).toBeCloseTo(0.001 + 0.001 * (10 / 60), 9); // rank 50: 10 of the 60 in [1, 2 ms]
    expect(sut(0.99)).toBeCloseTo(0.001 + 0.001 * (59 / 60), 9);
  });

  it('reports the highest finite bound for a quantile in +Inf, and NaN for an empty window', () => {
    expect(bucketQuantile(0.99, [[0.001, 1], [Number.POSITIVE_INFINITY, 100]])).toBe(0.001);
    expect(Number.isNaN(bucketQuantile(0.5, [[0.001, 0], [Number.POSITIVE_INFINITY, 0]]))).toBe(true);
  });
});

describe(hopWindow.name, () => {
  it("counts only the window's observations, per hop, summed over the services that observe it", () => {
    const before = parseHopBuckets(scrape('a->b', [['0.001', 10], ['0.01', 10], ['+Inf', 10]]));
    const after = parseHopBuckets(scrape('a->b', [['0.001', 10], ['0.01', 60], ['+Inf', 60]]));
    parseHopBuckets(scrape('a->b', [['0.001', 0], ['0.01', 50], ['+Inf', 50]]), after); // a second instance
    const sut = hopWindow(before, after);
    expect(sut['a->b']?.n).toBe(100);
    expect(sut['a->b']?.p50Ms).toBeCloseTo(1 + 9 * 0.5, 1);
  });

  it('leaves out a hop with no observations in the window, and a scrape without the metric gives no hops', () => {
    const same = parseHopBuckets(scrape('idle', [['0.001', 5], ['+Inf', 5]]));
    expect(hopWindow(same, same)).toEqual({});
    expect(hopWindow(new Map(), parseHopBuckets('# HELP other_seconds x\nother_seconds_bucket{le="1"} 3'))).toEqual({});
  });
});
