/** What `npm run bench -- ...` asks for, besides the stages (`--only`, stage-selection.ts). */
export interface BenchArgs {
  /** `--runs 3`: full runs one after the other, the docs get each figure's median and spread. */
  runs: number;
  /** `--label "before (7ca1a7d)"`: written into each result, shown in the tables. */
  label?: string;
  /** `--backlog 40000`: bookings in the sustained drain (a larger one follows if it drains in under ~8 s). */
  backlog: number;
  /** `--fleet 1000`: gateways (one per covered car) the FNOL and telemetry stages register (default 100, see bench-devices.ts). */
  fleet: number;
  /**
   * `--instances 2`: that many instances of each back-end service (booking-ingest, pricing, policy,
   * claims-trigger), as `npm start -- --instances` runs them; the ops console stays one.
   */
  instances: number;
  /**
   * `--bind-rates 25,50`: the bind stage's rates (bookings/s) instead of 100, 300 and 1,000, for
   * probing below the rate at which the machine saturates. Only with `--only` (the published
   * tables are of the usual rates).
   */
  bindRates?: number[];
  /** `--report a.json b.json`: render docs/benchmarks.md's tables from existing results, run nothing. */
  report?: string[];
  /** `--before a.json ... [--after d.json ...]`: render the before-and-after table, run nothing. */
  before?: string[];
  after?: string[];
}

const FLAGS = ['--only', '--runs', '--label', '--backlog', '--fleet', '--instances', '--bind-rates', '--report', '--before', '--after'];

export function benchArgs(argv: string[]): BenchArgs {
  const value = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const files = (flag: string) => {
    if (!argv.includes(flag)) return undefined;
    const rest = argv.slice(argv.indexOf(flag) + 1);
    const end = rest.findIndex((a) => FLAGS.includes(a));
    const list = end < 0 ? rest : rest.slice(0, end);
    if (!list.length) throw new Error(`${flag} takes one or more result files (bench/results/*.json)`);
    return list;
  };
  const count = (flag: string, fallback: number) => {
    const n = Number(value(flag) ?? fallback);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} takes a positive whole number; got "${value(flag)}"`);
    return n;
  };
  const label = value('--label');
  const instances = count('--instances', 1);
  // Two cores already run every process of the platform: more than four of each is not a measurement.
  if (instances > 4) throw new Error(`--instances takes 1 to 4; got ${instances}`);
  const rates = value('--bind-rates');
  const bindRates = rates === undefined ? undefined : rates.split(',').map(Number);
  if (bindRates && !bindRates.every((r) => Number.isInteger(r) && r >= 1 && r <= 5_000)) throw new Error(`--bind-rates takes a comma-separated list of whole rates from 1 to 5000; got "${rates}"`);
  if (bindRates && !argv.includes('--only')) throw new Error('--bind-rates is for probes: use it with --only, so the published tables keep the usual rates');
  return { runs: count('--runs', 1), backlog: count('--backlog', 20_000), fleet: count('--fleet', 100), instances, ...(label ? { label } : {}), ...(bindRates ? { bindRates } : {}), report: files('--report'), before: files('--before'), after: files('--after') };
}
