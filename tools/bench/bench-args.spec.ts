import { describe, expect, it } from 'vitest';
import { benchArgs } from './bench-args';

describe(benchArgs.name, () => {
  it('runs once with the usual backlog by default', () => {
    expect(benchArgs([])).toEqual({ runs: 1, backlog: 20_000, fleet: 100, instances: 1, report: undefined, before: undefined, after: undefined });
  });

  it('reads runs, label and backlog next to --only', () => {
    expect(benchArgs(['--runs', '3', '--only', 'bind', '--label', 'before (7ca1a7d)', '--backlog', '40000', '--fleet', '1000', '--instances', '2'])).toMatchObject({ runs: 3, label: 'before (7ca1a7d)', backlog: 40_000, fleet: 1_000, instances: 2 });
  });

  it('takes the file lists of --before and --after up to the next flag', () => {
    expect(benchArgs(['--before', 'a.json', 'b.json', '--after', 'c.json'])).toMatchObject({ before: ['a.json', 'b.json'], after: ['c.json'] });
    expect(benchArgs(['--report', 'x.json'])).toMatchObject({ report: ['x.json'] });
  });

  it('refuses a run count or file list it cannot use rather than measuring something else', () => {
    expect(() => benchArgs(['--runs', 'three'])).toThrow(/--runs takes a positive whole number/);
    expect(() => benchArgs(['--before', '--after', 'c.json'])).toThrow(/--before takes one or more result files/);
    expect(() => benchArgs(['--instances', '0'])).toThrow(/--instances takes a positive whole number/);
    expect(() => benchArgs(['--instances', '5'])).toThrow(/--instances takes 1 to 4/);
  });

  it('takes the bind rates of a probe, only next to --only', () => {
    expect(benchArgs(['--only', 'bind', '--bind-rates', '25,50'])).toMatchObject({ bindRates: [25, 50] });
    expect(() => benchArgs(['--bind-rates', '25'])).toThrow(/with --only/);
    expect(() => benchArgs(['--only', 'bind', '--bind-rates', '25,fast'])).toThrow(/--bind-rates takes/);
    expect(() => benchArgs(['--only', 'bind', '--bind-rates', '0'])).toThrow(/--bind-rates takes/);
  });
});
