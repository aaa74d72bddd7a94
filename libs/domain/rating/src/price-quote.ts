import { hash } from 'node:crypto';
import type { BreakdownStepV1, QuoteRequestV1, QuoteV1 } from '@kuruma/contracts';
import { billableMinutes, exposureFactor } from './exposure';
import { eligibilityReasons, type PricingContext } from './eligibility';
import { parseInstant } from './instant';
import { divideSen, multiplySen, roundUpSenToYen, SEN_PER_YEN, senToYen, toFactor4, yenToSen } from './fixed-point';
import {
  driverAgeFactor,
  gradeFactor,
  modelRatingClassFactor,
  platformClaimsFactor,
  telematicsFactor,
  trustFactor,
  usesGrade6SColumn,
  vehicleAgeFactor,
  vehicleAgeMonths,
} from './rating-factors';
import { platformDrivingLabel, platformExperienceLabel } from './driver-record/driver-record';
import { stepSourcesOf } from './step-sources';
import type { Coverage, VehicleCategory } from './tariff.schema';
import { type Tariff, tariffs } from './tariff-registry';
import { isVehicleDamage, vehicleValueBand, vehicleValueFactor, vehicleValueLabel } from './vehicle-value-band';

export type { PricingContext } from './eligibility';

/** 0.291 -> "29.1%": ratios shown as a person writes them, not as 0.291 * 100 = 29.099999999999998. */
const percent = (ratio: number): string => `${Number((ratio * 100).toFixed(4))}%`;

/** The loadings' labels depend on the tariff only: made once per tariff, not once per quote. */
const loadingLabelCache = new WeakMap<object, { safetyMargin: string; loadings: string }>();
function loadingLabels(l: Tariff['data']['loadings']): { safetyMargin: string; loadings: string } {
  let labels = loadingLabelCache.get(l);
  if (!labels) {
    const retained = 1 - l.expenseRatio - l.claimHandlingRatio - l.profitRatio;
    labels = {
      safetyMargin: `safety margin ${percent(l.safetyMargin)} of the pure premium`,
      loadings: `expenses ${percent(l.expenseRatio)}, claim handling ${percent(l.claimHandlingRatio)}, profit ${percent(l.profitRatio)} of the premium (divide by ${toFactor4(retained)})`,
    };
    loadingLabelCache.set(l, labels);
  }
  return labels;
}

const JAPAN_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$/;

/** Japan time with its zone, as every instant the platform shows. */
export function toJapanTime(instant: Date): string {
  const iso = new Date(instant.getTime() + 9 * 3_600_000).toISOString();
  return `${iso.slice(0, 19)}+09:00`;
}

/** The request's own text when it is already whole-second Japan time (the common case), else converted. */
const asJapanTime = (text: string, instant: Date): string => (JAPAN_TIME.test(text) ? text : toJapanTime(instant));

interface Computation {
  premium: number;
  billedMinutes: number;
  breakdown: BreakdownStepV1[];
}

/**
 * The premium for `request` over [start, end] under `tariff`. Steps run in a fixed order on
 * integer sen; each breakdown amount is the running figure, the last is the premium in yen.
 */
export function computePremium(request: QuoteRequestV1, tariff: Tariff, start: Date, end: Date, ctx: Pick<PricingContext, 'platformClaims' | 'omitSources' | 'driverRecord'>): Computation {
  const t = tariff.data;
  const category = request.vehicle.category as VehicleCategory;
  const plan = t.plans[request.plan];
  const steps: BreakdownStepV1[] = [];
  // Plain object literals (no spreads): this runs a dozen times per quote on the hot path.
  // Each step's source comes from its tariff's one table (step-sources.ts), which readers use too.
  const sources = ctx.omitSources ? undefined : stepSourcesOf(t);
  const push = (code: string, label: string, factor: number | null, sen: number, addend?: number) => {
    const step: BreakdownStepV1 = addend !== undefined ? { code, label, factor, addend, amount: senToYen(sen) } : { code, label, factor, amount: senToYen(sen) };
    const source = sources?.[code];
    if (source) step.source = source;
    steps.push(step);
  };

  // Per-coverage base and vehicle factors: model rating class and vehicle age are set per coverage.
  const base = t.basePerDay.byCategory[category];
  const perCoverage = plan.coverages.map((c: Coverage) => ({
    coverage: c,
    sen: yenToSen(c === 'roadAssistance' ? t.basePerDay.roadAssistancePerDay : base[c]),
  }));
  let sen = perCoverage.reduce((s, c) => s + c.sen, 0);
  push('base', `${plan.label}: pure premium per 24 h for a ${category} car`, null, sen);

  const applyPerCoverage = (code: string, label: string, factorOf: (c: Coverage) => number) => {
    const before = sen;
    // Each factor once: the same figures feed the amounts and the label.
    const factors = perCoverage.map((c) => factorOf(c.coverage));
    let detail = '';
    sen = 0;
    for (let i = 0; i < perCoverage.length; i++) {
      const c = perCoverage[i] as (typeof perCoverage)[number];
      c.sen = multiplySen(c.sen, factors[i] as number);
      sen += c.sen;
      detail += `${i ? ', ' : ''}${c.coverage} x${factors[i]}`;
    }
    push(code, `${label} (${detail})`, toFactor4(sen / before), sen);
    return sen / before;
  };
  // The sum insured scales vehicle damage like a base rate (before the capped rating factors).
  const valueBand = plan.coverages.some(isVehicleDamage) ? vehicleValueBand(t, request.vehicle.valueYen) : undefined;
  if (valueBand) applyPerCoverage('vehicle-value', vehicleValueLabel(valueBand), (c) => vehicleValueFactor(valueBand.band, c));
  const mrc = applyPerCoverage(
    'model-rating-class',
    `model rating class ${request.vehicle.modelRatingClass}`,
    (c) => modelRatingClassFactor(t, category, request.vehicle.modelRatingClass, c),
  );
  const months = vehicleAgeMonths(request.vehicle.firstRegistration, start);
  const grade6S = usesGrade6SColumn(t, request.driver);
  const age = applyPerCoverage(
    'vehicle-age',
    // Versions that choose the column by grade say which one, so a quote shows why.
    `vehicle ${months} months since first registration${t.vehicleAge.grade6SColumn ? (grade6S ? ', 6(S) column' : ', other-grades column') : ''}`,
    (c) => vehicleAgeFactor(t, category, months, grade6S, c),
  );

  const bookedMinutes = Math.round((end.getTime() - start.getTime()) / 60_000);
  const billed = billableMinutes(bookedMinutes, t.exposure);
  const exposure = exposureFactor(billed, t.exposure);
  sen = multiplySen(sen, exposure);
  push('exposure', `${bookedMinutes} minutes booked, ${billed} billed (15-minute steps, 1 h minimum)`, exposure, sen);

  const grade = gradeFactor(t, request.driver);
  const telematics = telematicsFactor(t, request.driver.telematics);
  const driverFactors: [string, string, number][] = [
    ['driver-age', `driver aged ${request.driver.age}`, driverAgeFactor(t, request.driver.age)],
    ['grade', grade.label, grade.factor],
    ['licence', `${request.driver.licenceColour} licence`, t.licence[request.driver.licenceColour]],
    ['eco', request.vehicle.eco ? 'eco car' : 'not an eco car', request.vehicle.eco ? t.eco.factor : 1],
    [
      'asv',
      request.vehicle.asv && months <= t.asv.maxVehicleAgeMonths ? 'automatic emergency braking' : 'no ASV discount',
      request.vehicle.asv && months <= t.asv.maxVehicleAgeMonths ? t.asv.factor : 1,
    ],
    ['trust-score', trustLabel(request.driver.trustScore, ctx.driverRecord), trustFactor(t, request.driver.trustScore)],
    [
      'telematics',
      ctx.driverRecord?.driving
        ? platformDrivingLabel(ctx.driverRecord.driving, telematics.credibility)
        : request.driver.telematics
          ? `telematics score ${request.driver.telematics.score} over ${request.driver.telematics.km} km (credibility ${telematics.credibility})`
          : 'no telematics: neutral',
      telematics.factor,
    ],
    ['platform-claims', `${ctx.platformClaims ?? 0} claims on this platform`, platformClaimsFactor(t, ctx.platformClaims ?? 0)],
  ];
  let product = mrc * age;
  const senBeforeDriverFactors = sen;
  for (const [code, label, factor] of driverFactors) {
    sen = multiplySen(sen, factor);
    product *= factor;
    push(code, label, factor, sen);
  }
  const capped = Math.min(t.factorCap.ceiling, Math.max(t.factorCap.floor, product));
  if (capped !== product) {
    const adjustment = toFactor4(capped / product);
    // Recomputed from the amount before the driver factors, not by scaling the rounded running
    // figure: otherwise one more factor beyond the cap could lower the premium by a rounding step.
    sen = Math.round((senBeforeDriverFactors * capped) / (mrc * age));
    push('factor-cap', `rating factors multiply to ${toFactor4(product)}; capped at ${capped}`, adjustment, sen);
  }

  const l = t.loadings;
  sen = multiplySen(sen, 1 + l.safetyMargin);
  const labels = loadingLabels(l);
  push('safety-margin', labels.safetyMargin, toFactor4(1 + l.safetyMargin), sen);
  const retained = 1 - l.expenseRatio - l.claimHandlingRatio - l.profitRatio;
  sen = divideSen(sen, retained);
  push('loadings', labels.loadings, toFactor4(1 / retained), sen);
  sen += yenToSen(l.policyFeeYen);
  push('policy-fee', 'fixed cost per policy', null, sen, l.policyFeeYen);
  if (sen < yenToSen(l.minimumPremiumYen)) {
    const addend = l.minimumPremiumYen - senToYen(sen);
    sen = yenToSen(l.minimumPremiumYen);
    push('minimum-premium', `minimum premium ${l.minimumPremiumYen} yen`, null, sen, addend);
  }
  const premium = roundUpSenToYen(sen, l.roundUpToYen);
  // Whole sen, so the rounding addend is an exact number of hundredths (no toFixed needed).
  push('rounding', `rounded up to ${l.roundUpToYen} yen; no consumption tax`, null, yenToSen(premium), (yenToSen(premium) - sen) / SEN_PER_YEN);
  return { premium, billedMinutes: billed, breakdown: steps };
}

/** The trust step's label: the driver's platform experience when it priced the step, else the partner's number. */
function trustLabel(score: number | undefined, record: PricingContext['driverRecord']): string {
  if (record?.experience) return platformExperienceLabel(record.experience);
  return score === undefined ? 'no trust score: neutral' : `trust score ${score}`;
}

function quoteId(request: QuoteRequestV1, tariff: Tariff, ctx: PricingContext): string {
  // One-shot crypto.hash: the same digest as createHash().update().digest(), without the Hash object.
  // The platform's record only when there is one, so every quote without it keeps its id.
  const record = ctx.driverRecord ? JSON.stringify(ctx.driverRecord) : '';
  return `q_${hash('sha256', `${tariff.hash}${JSON.stringify(request)}${ctx.platformClaims ?? 0}${record}`, 'base64url').slice(0, 22)}`;
}

/**
 * Quotes per-use cover for a booking: eligibility first (all reasons), then the premium under the
 * tariff in force at the cover's start. Pure: no clock, no I/O; the caller validates the request.
 */
export function priceQuote(request: QuoteRequestV1, ctx: PricingContext, registry = tariffs): QuoteV1 {
  const cover = { start: parseInstant(request.startsAt), end: parseInstant(request.endsAt) };
  const start = new Date(cover.start);
  const end = new Date(cover.end);
  const tariff = registry.inForceAt(start);
  if (!tariff) {
    return { status: 'declined', reasons: [{ code: 'start-in-past', message: 'no tariff was in force at the start of cover' }] };
  }
  const reasons = eligibilityReasons(request, tariff.data, ctx, cover);
  if (reasons.length) return { status: 'declined', reasons, tariffVersion: tariff.version };
  const computed = computePremium(request, tariff, start, end, ctx);
  return {
    status: 'quoted',
    premium: computed.premium,
    currency: 'JPY',
    tariffVersion: tariff.version,
    quoteId: quoteId(request, tariff, ctx),
    coverStart: asJapanTime(request.startsAt, start),
    coverEnd: asJapanTime(request.endsAt, end),
    billedMinutes: computed.billedMinutes,
    breakdown: computed.breakdown,
  };
}
