import { randomUUID } from 'node:crypto';
import { quoteRequestV1Schema, type QuoteRequestV1 } from '@kuruma/contracts';
import { CalibrationRunRepository, ExperienceRepository, type SqlTransactional, TariffVersionRepository } from '@kuruma/data-access-db';
import {
  calibrationReport,
  type CalibrationReport,
  type CalibrationRun,
  driverAgeBand,
  type ExperienceInterval,
  experienceIntervalsOf,
  type FiledFigureMove,
  type PremiumImpactRow,
  runCalibration,
} from '@kuruma/domain-calibration';
import { reserveShares } from '@kuruma/domain-claims';
import { filedRelativityOf } from './filed-relativity';
import {
  CALIBRATION_MOVE_CAP,
  type CalibratedIndications,
  calibratedTariffData,
  type Coverage,
  computePremium,
  draftTariffVersion,
  filedRelativities,
  governedTariffSet,
  parseTariffDocument,
  purePremiumByCoverage,
  referenceBook,
  TARIFF_COVERAGES_OF_CLAIM_COVERAGE,
  type Tariff,
  TariffRegistry,
  tariffs as shippedTariffs,
  toJapanTime,
} from '@kuruma/domain-rating';

export interface CalibrateTariffCommand {
  from: Date;
  to: Date;
  /** Cover from here on is the hold-out period; default: the last fifth of the period. */
  holdOutFrom?: Date;
  /** Who drafts (the tariff's `drafted_by`): never the approver (four eyes). */
  actor: string;
  now?: Date;
}

export interface CalibrateTariffResult {
  runId: string;
  basedOnVersion: string;
  draftVersion: string | null;
  run: CalibrationRun;
  report: CalibrationReport;
}

/** The registry of approved versions in the governed store; the bundled files when none is stored. */
async function governedRegistry(store: TariffVersionRepository): Promise<TariffRegistry> {
  const set = governedTariffSet(await store.approved());
  if (set.timeline.length === 0) return shippedTariffs;
  const registry = new TariffRegistry([]);
  registry.replace(set.timeline, set.resolvableOnly);
  return registry;
}

/** Indicated factors: the combined relativity times the filed factor of the variable's base level. */
function indicationsOf(run: CalibrationRun, tariff: Tariff, runId: string): Omit<CalibratedIndications, 'baseChange'> {
  const filed = filedRelativities(tariff.data);
  const of = (variable: string, base: Record<string, number>, baseLevel: string) =>
    Object.fromEntries(run.combined.filter((c) => c.variable === variable).map((c) => [c.level, c.relativity * (base[baseLevel] ?? 1)]));
  return { runId, ageBand: of('ageBand', filed.ageBand, '30-39'), licence: of('licence', filed.licence, 'blue'), valueBand: of('valueBand', filed.valueBand, '1m-3m') };
}

/**
 * The base-rate change per tariff coverage that makes the training book's charge, under the
 * draft's capped relativities, equal its incurred losses: Σ incurred ÷ Σ (charged pure premium ×
 * the row's relativity change). Charged pure premium comes from each policy's premium under the
 * version it was bound with (`purePremiumByCoverage`).
 */
function baseChangeOf(
  training: readonly { interval: ExperienceInterval; category: string; premiumYen: number; tariff: Tariff }[],
  current: Tariff,
  capped: Tariff['data'],
  fitted: ReadonlySet<string>,
): Partial<Record<Coverage, number>> {
  const filedNow = filedRelativities(current.data);
  const filedNext = filedRelativities(capped);
  const charged = new Map<Coverage, number>();
  const incurred = new Map<Coverage, number>();
  for (const { interval, category, premiumYen, tariff } of training) {
    const pure = purePremiumByCoverage(tariff.data, interval.plan, category, premiumYen);
    const age = interval.levels['ageBand'] ?? '30-39';
    const licence = interval.levels['licence'] ?? 'blue';
    const value = interval.levels['valueBand'] ?? '1m-3m';
    const driver = ((filedNext.ageBand[age] ?? 1) / (filedNow.ageBand[age] ?? 1)) * ((filedNext.licence[licence] ?? 1) / (filedNow.licence[licence] ?? 1));
    for (const [claimCoverage, coverages] of Object.entries(TARIFF_COVERAGES_OF_CLAIM_COVERAGE)) {
      // A coverage too thin to fit keeps its base rates: no claims is not evidence of no risk.
      if (!fitted.has(claimCoverage)) continue;
      for (const c of coverages) {
        const p = pure[c];
        if (p === undefined) continue;
        const vehicle = c === 'vehicleDamageStandard' || c === 'vehicleDamageFull' ? (filedNext.valueBand[value] ?? 1) / (filedNow.valueBand[value] ?? 1) : 1;
        charged.set(c, (charged.get(c) ?? 0) + p * driver * vehicle);
        incurred.set(c, (incurred.get(c) ?? 0) + (interval.claims[claimCoverage as keyof ExperienceInterval['claims']]?.incurredYen ?? 0));
      }
    }
  }
  return Object.fromEntries([...charged.entries()].filter(([, v]) => v > 0).map(([c, v]) => [c, (incurred.get(c) ?? 0) / v]));
}

function moves(current: Tariff['data'], indications: CalibratedIndications, draft: Tariff['data']): FiledFigureMove[] {
  const move = (figure: string, now: number, indicated: number, drafted: number) => ({ figure, current: now, indicated, drafted, capped: Math.abs(indicated - drafted) > 5e-5 });
  const out: FiledFigureMove[] = [];
  current.driverAge.bands.forEach(([from, to, factor], i) => out.push(move(`driver age ${from}-${to}`, factor, indications.ageBand[`${from}-${to}`] ?? factor, draft.driverAge.bands[i]?.[2] ?? factor)));
  for (const colour of ['gold', 'blue', 'green'] as const) out.push(move(`licence ${colour}`, current.licence[colour], indications.licence[colour] ?? current.licence[colour], draft.licence[colour]));
  current.vehicleValueBands?.bands.forEach((b, i) => out.push(move(`vehicle value ${b.id}`, b.vehicleDamageFactor, indications.valueBand[b.id] ?? b.vehicleDamageFactor, draft.vehicleValueBands?.bands[i]?.vehicleDamageFactor ?? b.vehicleDamageFactor)));
  for (const [c, change] of Object.entries(indications.baseChange) as [Coverage, number][]) {
    const now = c === 'roadAssistance' ? current.basePerDay.roadAssistancePerDay : current.basePerDay.byCategory.ordinary[c];
    const next = c === 'roadAssistance' ? draft.basePerDay.roadAssistancePerDay : draft.basePerDay.byCategory.ordinary[c];
    out.push(move(`base per day ${c} (ordinary car; every category moves alike)`, now, now * change, next));
  }
  return out;
}

/** The premium under the current tariff and under the draft for each policy of the book. */
function premiumImpact(requests: readonly { request: QuoteRequestV1; region: string }[], current: Tariff, draft: Tariff): PremiumImpactRow[] {
  const out: PremiumImpactRow[] = [];
  for (const { request, region } of requests) {
    const start = new Date(request.startsAt);
    const end = new Date(request.endsAt);
    const ctx = { platformClaims: 0, omitSources: true };
    out.push({ currentYen: computePremium(request, current, start, end, ctx).premium, draftYen: computePremium(request, draft, start, end, ctx).premium, ageBand: driverAgeBand(request.driver.age), region });
  }
  return out;
}

/**
 * `npm run calibrate`: reads the experience data set of [from, to), fits, and drafts the
 * calibrated tariff through the governance (a draft: approval by a second actuary and scheduling
 * stay with the console), recording the run and its report. The draft and its audit entry are
 * written in one transaction, as the console's draft is.
 */
export async function calibrateTariff(db: SqlTransactional, command: CalibrateTariffCommand, progress: (step: string) => void = () => undefined): Promise<CalibrateTariffResult> {
  const now = command.now ?? new Date();
  const holdOutFrom = command.holdOutFrom ?? new Date(command.from.getTime() + 0.8 * (command.to.getTime() - command.from.getTime()));
  const runId = `${toJapanTime(now).slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}-${randomUUID().slice(0, 6)}`;
  const store = new TariffVersionRepository(db);
  const registry = await governedRegistry(store);
  const current = registry.inForceAt(now);
  if (!current) throw new Error(`no tariff is in force at ${toJapanTime(now)}`);

  progress('reading the experience data set');
  const experience = new ExperienceRepository(db);
  const rows = await experience.intervals(command.from, command.to);
  const claims = await experience.claims(command.from, command.to);
  const intervals = experienceIntervalsOf(rows, claims, reserveShares);
  if (!intervals.some((i) => i.coverStartMs < holdOutFrom.getTime())) throw new Error('no covered interval in the training period: nothing to calibrate');

  progress(`fitting ${intervals.length} intervals with ${claims.length} claims`);
  const run = runCalibration(intervals, { holdOutFromMs: holdOutFrom.getTime(), filed: filedRelativityOf(current) });
  const partial = indicationsOf(run, current, runId);
  const id = `${current.data.id}-cal-${runId.slice(0, 15).toLowerCase()}`;
  const relativitiesOnly = calibratedTariffData(current.data, { ...partial, baseChange: {} }, id);
  const training = rows.flatMap((r, i) => {
    const interval = intervals[i] as ExperienceInterval;
    if (interval.coverStartMs >= holdOutFrom.getTime() || !r.tariffVersion) return [];
    try {
      return [{ interval, category: r.vehicleCategory, premiumYen: r.premiumYen - r.refundYen, tariff: registry.byVersion(r.tariffVersion) }];
    } catch {
      return []; // a version this build cannot resolve: left out of the rate level, never guessed
    }
  });
  const indications: CalibratedIndications = { ...partial, baseChange: baseChangeOf(training, current, relativitiesOnly, new Set(run.fits.map((f) => f.coverage))) };
  const draftData = calibratedTariffData(current.data, indications, id);
  const { tariff: draft, canonical } = parseTariffDocument(JSON.stringify(draftData));

  progress(`drafting ${draft.version}`);
  const { record } = await store.draft(draftTariffVersion(draft.version, draft.data.id, command.actor, now), canonical, async (tx) => {
    await tx.$executeRaw`
      INSERT INTO audit_log (id, actor, role, action, target_type, target_id, details)
      VALUES (gen_random_uuid(), ${command.actor}, 'actuary', 'tariff.draft', 'tariff', ${draft.version},
              ${JSON.stringify({ tariffId: draft.data.id, sha256: draft.hash, calibrationRun: runId, basedOn: current.version })}::jsonb)`;
  });

  progress('pricing the in-force book under both tariffs');
  const inForce = (await experience.inForceRequests(now)).flatMap((p) => {
    const parsed = quoteRequestV1Schema.safeParse(p.request);
    return parsed.success ? [{ request: parsed.data, region: (p.request as { region?: string }).region ?? 'unknown' }] : [];
  });
  const book = inForce.length ? inForce : referenceBook().map((b) => ({ request: b.request, region: 'unknown' }));
  const report = calibrationReport(run, {
    runId,
    periodFrom: toJapanTime(command.from),
    periodTo: toJapanTime(command.to),
    holdOutFrom: toJapanTime(holdOutFrom),
    basedOnVersion: current.version,
    draftVersion: record.version,
    moveCap: CALIBRATION_MOVE_CAP,
    moves: moves(current.data, indications, draft.data),
    impactBook: inForce.length ? `the ${inForce.length} policies in force at ${toJapanTime(now)}` : 'the reference book (no policy in force): 4,000 bookings of rate-level/reference-book.ts',
    impact: premiumImpact(book, current, draft),
    draftVariables: ['driverAge', 'licence', 'vehicleValue', 'basePerDay'],
  });
  await new CalibrationRunRepository(db).record({
    id: runId,
    periodFrom: command.from,
    periodTo: command.to,
    holdOutFrom,
    basedOnVersion: current.version,
    draftVersion: record.version,
    // The charts ride with the figures: the console serves them from here.
    report: { ...report.json, charts: report.charts },
    reportMarkdown: report.markdown,
    createdBy: command.actor,
  });
  return { runId, basedOnVersion: current.version, draftVersion: record.version, run, report };
}
