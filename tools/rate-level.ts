/**
 * `npm run rate-level`: indicated against charged. Derives the base rates from the expected-loss
 * model (libs/domain/rating/src/rate-level) for the relativities of the tariff in force from
 * --target (default kc-carshare-2026-12), then prints per coverage and plan what each tariff
 * charges the reference book against what the model indicates, and the same for the policies
 * in the database (DATABASE_URL): their stored premiums against what the tariff carrying the
 * indicated base would charge. Read-only.
 */
import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { Client } from 'pg';
import { quoteRequestFieldsV1Schema } from '@kuruma/contracts';
import {
  basePerDayOf,
  computePremium,
  deriveBaseRates,
  type ExpectedLossModel,
  type RateLevelLine,
  rateLevelCheck,
  referenceBook,
  referenceLossModel,
  type Tariff,
  tariffs,
} from '@kuruma/domain-rating';
import { loadDatabaseUrl } from './tool-config';

const { values: args } = parseArgs({ options: { target: { type: 'string', default: 'kc-carshare-2026-12' } } });

const yen = (n: number) => Math.round(n).toLocaleString('en-US');
const ratio = (charged: number, indicated: number) => (indicated > 0 ? (charged / indicated).toFixed(3) : '-');

function printLines(title: string, lines: readonly RateLevelLine[]): void {
  console.log(`\n${title}`);
  console.log('| | bookings | indicated (yen) | charged (yen) | charged / indicated |');
  console.log('|---|---|---|---|---|');
  for (const l of lines) console.log(`| ${l.key} | ${l.bookings} | ${yen(l.indicated)} | ${yen(l.charged)} | ${ratio(l.charged, l.indicated)} |`);
}

function deriveFor(model: ExpectedLossModel, target: Tariff, book: ReturnType<typeof referenceBook>): void {
  const cells = deriveBaseRates(model, target, book);
  console.log(`\nBase rates derived for the relativities of ${target.version}`);
  console.log('| coverage | category | loss per driving hour | indicated per 24 h | off-balance | balanced base per 24 h | in the tariff |');
  console.log('|---|---|---|---|---|---|---|');
  const base = target.data.basePerDay;
  for (const c of cells) {
    const inTariff = c.coverage === 'roadAssistance' ? base.roadAssistancePerDay : base.byCategory[c.category][c.coverage];
    console.log(`| ${c.coverage} | ${c.category} | ${c.lossPerDrivingHour.toFixed(2)} | ${c.indicatedPerDay.toFixed(1)} | ${c.offBalance.toFixed(4)} | ${c.balancedPerDay} | ${inTariff} |`);
  }
  console.log(`\nbasePerDay to carry (JSON): ${JSON.stringify(basePerDayOf(cells))}`);
}

interface StoredPolicy {
  plan: string;
  premium_yen: number;
  refund_yen: number;
  tariff_version: string;
  request: unknown;
  cover_start: Date;
  cover_end: Date;
}

async function checkDatabase(model: ExpectedLossModel, indicatedTariff: Tariff): Promise<void> {
  const client = new Client({ connectionString: loadDatabaseUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<StoredPolicy>(
      `SELECT plan, premium_yen, refund_yen, tariff_version, request, cover_start, cover_end FROM policy
        WHERE status IN ('bound', 'active', 'ended') AND tariff_version IS NOT NULL AND cover_start IS NOT NULL AND cover_end IS NOT NULL`,
    );
    console.log(`\nPolicies in the database (bound, active or ended): ${rows.length}`);
    if (rows.length === 0) {
      console.log('nothing to compare: no policy with a premium yet');
      return;
    }
    const bar = new SingleBar({ format: 'repricing policies [{bar}] {value}/{total}' }, Presets.shades_classic);
    bar.start(rows.length, 0);
    const groups = new Map<string, RateLevelLine>();
    let skipped = 0;
    for (const row of rows) {
      bar.increment();
      const parsed = quoteRequestFieldsV1Schema.safeParse(row.request);
      if (!parsed.success) {
        skipped++;
        continue;
      }
      const key = `${row.tariff_version.split('@')[0]} ${row.plan}`;
      const line = groups.get(key) ?? { key, bookings: 0, indicated: 0, charged: 0 };
      // What the tariff carrying the indicated base charges for the minutes actually covered.
      const indicated = computePremium(parsed.data, indicatedTariff, row.cover_start, row.cover_end, { omitSources: true }).premium;
      line.bookings++;
      line.indicated += indicated;
      line.charged += row.premium_yen - row.refund_yen;
      groups.set(key, line);
    }
    bar.stop();
    printLines(`Stored premiums (net of refunds) against ${indicatedTariff.version} over the minutes covered${skipped ? ` (${skipped} with an unreadable request skipped)` : ''}`, [...groups.values()].sort((a, b) => a.key.localeCompare(b.key)));
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const target = tariffs.byVersion(args.target as string);
  const model = referenceLossModel(target.data);
  console.log('building the reference book...');
  const book = referenceBook();
  console.log(`reference book: ${book.length} bookings`);
  deriveFor(model, target, book);
  const bar = new SingleBar({ format: 'rating the reference book [{bar}] {value}/{total} tariffs' }, Presets.shades_classic);
  bar.start(tariffs.all().length, 0);
  const checks = tariffs.all().map((t) => {
    const check = rateLevelCheck(model, t, book);
    bar.increment();
    return { t, check };
  });
  bar.stop();
  for (const { t, check } of checks) {
    printLines(`Reference book under ${t.version}: pure premium per coverage (expected loss against rated)`, check.coverages);
    printLines(`Reference book under ${t.version}: premium per plan (indicated with loadings and fee against charged)`, check.plans);
  }
  await checkDatabase(model, target);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
