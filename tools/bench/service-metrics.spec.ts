import { describe, expect, it } from 'vitest';
import { parseCounter, parseHistogram, windowShares } from './service-metrics';

const scrape = (fast: number, slow: number, other = 0) =>
  [
    '# HELP kuruma_device_signal_seconds MQTT receipt to committed effect',
    `kuruma_device_signal_seconds_bucket{le="0.01"} ${fast}`,
    `kuruma_device_signal_seconds_bucket{le="0.1"} ${fast + slow}`,
    `kuruma_device_signal_seconds_bucket{le="+Inf"} ${fast + slow}`,
    `kuruma_other_seconds_bucket{le="0.01"} ${other}`,
  ].join('\n');

describe('histogram windows', () => {
  it("counts only the window's observations, per bound in ms", () => {
    const before = parseHistogram(scrape(100, 0, 7), 'kuruma_device_signal_seconds');
    const after = parseHistogram(scrape(190, 10, 9), 'kuruma_device_signal_seconds');
    expect(windowShares(before, after)).toEqual({ n: 100, withinMs: { '10': 0.9, '100': 1 } });
  });

  it('sums label sets and says NaN rather than a share when nothing was observed', () => {
    const labelled = 'x_bucket{group="a",le="0.01"} 2\nx_bucket{group="b",le="0.01"} 3\nx_bucket{group="a",le="+Inf"} 5';
    expect(parseHistogram(labelled, 'x').get('0.01')).toBe(5);
    expect(Number.isNaN(windowShares(new Map(), new Map([['0.01', 0], ['+Inf', 0]])).withinMs['10'])).toBe(true);
  });

  it('sums a counter over its label sets, and not counters whose names it prefixes', () => {
    const text = 'x_total{outcome="a"} 2\nx_total{outcome="b"} 3\nx_total_created 99\n# HELP x_total x';
    expect(parseCounter(text, 'x_total')).toBe(5);
  });
});
