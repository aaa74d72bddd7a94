import type { BreakdownStepV1 } from '@kuruma/contracts';
import { type TariffRegistry, tariffs } from './tariff-registry';
import type { TariffData } from './tariff.schema';

/**
 * The tariff table behind each breakdown step code: the one place the engine takes a step's
 * source from. A step's source depends only on its tariff version, so stored and transported
 * breakdowns leave it out and readers put it back from here.
 */
function stepSources(t: TariffData): Readonly<Record<string, string>> {
  const l = t.loadings.source;
  return {
    base: t.basePerDay.source,
    ...(t.vehicleValueBands && { 'vehicle-value': t.vehicleValueBands.source }),
    'model-rating-class': t.modelRatingClass.source,
    'vehicle-age': [t.vehicleAge.source, t.vehicleAge.keiGrade6SSource, t.vehicleAge.grade6SColumn?.source].filter(Boolean).join('; '),
    exposure: t.exposure.source,
    'driver-age': t.driverAge.source,
    grade: t.grade.source,
    licence: t.licence.source,
    eco: t.eco.source,
    asv: t.asv.source,
    'trust-score': t.trust.source,
    telematics: t.telematics.source,
    'platform-claims': t.platformClaims.source,
    'factor-cap': t.factorCap.source,
    'safety-margin': l,
    loadings: l,
    'policy-fee': l,
    'minimum-premium': l,
    rounding: l,
  };
}

/** Made once per tariff, not once per quote (the engine's hot path asks for it). */
const sourcesCache = new WeakMap<TariffData, Readonly<Record<string, string>>>();
export function stepSourcesOf(t: TariffData): Readonly<Record<string, string>> {
  let sources = sourcesCache.get(t);
  if (!sources) sourcesCache.set(t, (sources = stepSources(t)));
  return sources;
}

/**
 * The breakdown with each step's source filled in from its tariff version. Steps that already
 * carry one keep it; a version this build does not know (or a changed tariff) leaves the steps
 * as they are rather than failing a read.
 */
export function withStepSources<T extends BreakdownStepV1>(breakdown: readonly T[], tariffVersion: string | null | undefined, registry: TariffRegistry = tariffs): T[] {
  if (!tariffVersion) return [...breakdown];
  let sources: Readonly<Record<string, string>>;
  try {
    sources = stepSourcesOf(registry.byVersion(tariffVersion).data);
  } catch {
    return [...breakdown];
  }
  return breakdown.map((step) => (step.source || !sources[step.code] ? step : { ...step, source: sources[step.code] }));
}

/** A breakdown as a table stores it (a JSON column: the steps, or null) with its sources restored. */
export function storedBreakdownWithSources(stored: unknown, tariffVersion: string | null | undefined): unknown {
  return Array.isArray(stored) ? withStepSources(stored as BreakdownStepV1[], tariffVersion) : stored;
}
