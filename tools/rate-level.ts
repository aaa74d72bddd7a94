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
import {
  basePerDayOf,
  deriveBaseRates,
  type ExpectedLossModel,
  type RateLevelLine,
  rateLevelCheck,
  type StoredPolicyPremium,
  storedAgainstIndicated,
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

async function checkDatabase(indicatedTariff: Tariff): Promise<void> {
  const client = new Client({ connectionString: loadDatabaseUrl() });
  await client.connect();
  try {
    const { rows: [table] } = await client.query<{ exists: boolean }>(`SELECT to_regclass('policy') IS NOT NULL AS exists`);
    if (!table?.exists) {
      console.log('\nThe database has no policy table yet: run npm run db:migrate (nothing to compare)');
      return;
    }
    const { rows } = await client.query<StoredPolicyPremium>(
      `SELECT plan, premium_yen AS "premiumYen", refund_yen AS "refundYen", tariff_version AS "tariffVersion", request,
              cover_start AS "coverStart", cover_end AS "coverEnd"
         FROM policy
        WHERE status IN ('bound', 'active', 'ended') AND tariff_version IS NOT NULL AND cover_start IS NOT NULL AND cover_end IS NOT NULL`,
    );
    console.log(`\nPolicies in the database (bound, active or ended): ${rows.length}`);
    if (rows.length === 0) {
      console.log('nothing to compare: no policy with a premium yet');
      return;
    }
    const bar = new SingleBar({ format: 'repricing policies [{bar}] {value}/{total}' }, Presets.shades_classic);
    bar.start(rows.length, 0);
    const { lines, skipped } = storedAgainstIndicated(rows, indicatedTariff, () => bar.increment());
    bar.stop();
    printLines(`Stored premiums (net of refunds) against ${indicatedTariff.version} over the minutes covered${skipped ? ` (${skipped} unreadable rows skipped)` : ''}`, lines);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const target = tariffs.byVersion(args.target as string);
  const model = referenceLossModel(target.data);
  console.log('building the reference book...');
  const book = referenceBook();
  console.log(`reference book: ${book.length} bookings; deriving the base rates...`);
  deriveFor(model, target, book);
  const bar = new SingleBar({ format: 'rating the reference book [{bar}] {value}/{total} tariffs' }, Presets.shades_classic);
  bar.start(tariffs.all().length, 0);
  const checks = tariffs.all().map((t) => {
    const check = rateLevelCheck(model, t, book, target.data.loadings);
    bar.increment();
    return { t, check };
  });
  bar.stop();
  for (const { t, check } of checks) {
    printLines(`Reference book under ${t.version}: pure premium per coverage (expected loss against rated)`, check.coverages);
    printLines(`Reference book under ${t.version}: pure premium per plan and coverage`, check.planCoverages);
    printLines(`Reference book under ${t.version}: premium per plan (indicated with the loadings of ${target.data.id} against charged)`, check.plans);
  }
  await checkDatabase(target);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
