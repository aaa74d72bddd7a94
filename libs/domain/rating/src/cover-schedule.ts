import type { CoverScheduleV1, CoverageTermsV1 } from '@kuruma/contracts';
import type { CoverageLimits } from './cover-schedule.schema';
import { type TariffRegistry, tariffs } from './tariff-registry';
import type { Coverage, TariffData } from './tariff.schema';
import { isVehicleDamage, type ResolvedValueBand, vehicleValueBand } from './vehicle-value-band';

type Plan = keyof TariffData['plans'];
type LimitKey = keyof CoverageLimits;

/** Both plans' vehicle damage share one limit entry; their deductibles differ by plan. */
const limitKeyOf = (c: Coverage): LimitKey => (isVehicleDamage(c) ? 'vehicleDamage' : (c as LimitKey));

/** Names for versions whose file has no limits section (their coverages were not labelled). */
const LEGACY_LABELS: Record<LimitKey, string> = {
  bodilyInjury: 'Bodily-injury liability',
  propertyDamage: 'Property-damage liability',
  personalInjury: 'Personal injury',
  vehicleDamage: 'Vehicle damage',
  roadAssistance: 'Road assistance',
};

/** The plan's deductible is vehicle damage's; the other coverages pay from the first yen. */
const deductibleOf = (t: TariffData, plan: Plan, c: Coverage): number => (isVehicleDamage(c) ? (t.plans[plan].deductibleYen ?? 0) : 0);

/**
 * Schedules depend on the tariff, the plan and the band only (plus the declared value, added on
 * top): made once per combination, a few dozen per tariff, not once per quote. Cached objects
 * are shared, so callers copy rather than change them.
 */
const scheduleCache = new WeakMap<TariffData, Map<string, CoverScheduleV1>>();

/**
 * What a plan pays under one tariff version for a vehicle of `valueYen` (absent: the default
 * band). Versions from before the limits schedule state only the plans' deductibles: the schedule
 * says so rather than inventing limits that version's product never filed.
 */
export function coverSchedule(t: TariffData, plan: Plan, valueYen: number | undefined): CoverScheduleV1 {
  const resolved = t.plans[plan].coverages.some(isVehicleDamage) ? vehicleValueBand(t, valueYen) : undefined;
  let byKey = scheduleCache.get(t);
  if (!byKey) scheduleCache.set(t, (byKey = new Map()));
  const key = `${plan}|${resolved?.band.id ?? ''}|${resolved?.defaulted ?? ''}`;
  let schedule = byKey.get(key);
  if (!schedule) byKey.set(key, (schedule = buildSchedule(t, plan, resolved)));
  return resolved?.declaredValueYen !== undefined && schedule.vehicleValue
    ? { ...schedule, vehicleValue: { ...schedule.vehicleValue, declaredValueYen: resolved.declaredValueYen } }
    : schedule;
}

function buildSchedule(t: TariffData, plan: Plan, resolved: ResolvedValueBand | undefined): CoverScheduleV1 {
  const coverages = t.plans[plan].coverages;
  if (!t.limits || !t.exclusions) {
    return {
      basis: 'predates-limits-schedule',
      note: `tariff ${t.id} predates the limits schedule (first in kc-carshare-2026-12): it states only the plan's deductible; the limits and exclusions are those of the policy wording filed with it`,
      coverages: coverages.map((c) => ({ coverage: c, label: LEGACY_LABELS[limitKeyOf(c)], deductibleYen: deductibleOf(t, plan, c) })),
      exclusions: [],
    };
  }
  const limits = t.limits;
  const terms = coverages.map((c): CoverageTermsV1 => {
    const l = limits[limitKeyOf(c)];
    const limit = l.limit === 'agreed-value' ? resolved?.band.upToYen : l.limit;
    const row: CoverageTermsV1 = { coverage: c, label: l.label, per: l.per, covers: l.covers, deductibleYen: deductibleOf(t, plan, c), source: l.source };
    if (limit !== undefined) row.limit = limit;
    if (l.sublimits) row.sublimits = l.sublimits;
    return row;
  });
  const bought = new Set(coverages.map(limitKeyOf));
  const schedule: CoverScheduleV1 = {
    basis: 'tariff-limits',
    coverages: terms,
    exclusions: t.exclusions
      .filter((e) => e.appliesTo === 'all' || e.appliesTo.some((c) => bought.has(c)))
      .map((e) => ({ code: e.code, label: e.label, appliesTo: e.appliesTo, source: e.source })),
  };
  if (resolved) schedule.vehicleValue = { band: resolved.band.id, agreedValueYen: resolved.band.upToYen, defaulted: resolved.defaulted };
  return schedule;
}

/**
 * The schedule of a stored quote or policy: its tariff version, plan and request (as stored, so
 * read defensively). Undefined for a version this build does not know, as for step sources.
 */
export function coverScheduleOf(tariffVersion: string | null | undefined, plan: string, request: unknown, registry: TariffRegistry = tariffs): CoverScheduleV1 | undefined {
  if (!tariffVersion) return undefined;
  let t: TariffData;
  try {
    t = registry.byVersion(tariffVersion).data;
  } catch {
    return undefined;
  }
  if (!Object.hasOwn(t.plans, plan)) return undefined;
  const valueYen = (request as { vehicle?: { valueYen?: unknown } } | null)?.vehicle?.valueYen;
  return coverSchedule(t, plan as Plan, typeof valueYen === 'number' ? valueYen : undefined);
}
