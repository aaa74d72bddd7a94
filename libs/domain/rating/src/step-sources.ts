import type { BreakdownStepV1 } from '@kuruma/contracts';
import { type TariffRegistry, tariffs } from './tariff-registry';
import type { TariffData } from './tariff.schema';

/**
 * The tariff table behind each breakdown step code. The engine writes these same sources into a
 * full breakdown (a unit test holds the two together); a step's source depends only on its tariff
 * version, so stored and transported breakdowns leave it out and readers put it back from here.
 */
export function stepSources(t: TariffData): Readonly<Record<string, string>> {
  const l = t.loadings.source;
  return {
    base: t.basePerDay.source,
    'model-rating-class': t.modelRatingClass.source,
    'vehicle-age': t.vehicleAge.source,
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

const byVersion = new Map<string, Readonly<Record<string, string>>>();

/**
 * The breakdown with each step's source filled in from its tariff version. Steps that already
 * carry one keep it; a version this build does not know (or a changed tariff) leaves the steps
 * as they are rather than failing a read.
 */
export function withStepSources<T extends BreakdownStepV1>(breakdown: readonly T[], tariffVersion: string | null | undefined, registry: TariffRegistry = tariffs): T[] {
  if (!tariffVersion) return [...breakdown];
  let sources = byVersion.get(tariffVersion);
  if (!sources) {
    try {
      sources = stepSources(registry.byVersion(tariffVersion).data);
    } catch {
      return [...breakdown];
    }
    if (registry === tariffs) byVersion.set(tariffVersion, sources);
  }
  const table = sources;
  return breakdown.map((step) => (step.source || !table[step.code] ? step : { ...step, source: table[step.code] }));
}
