export * from './price-quote';
export * from './cover-changes';
export * from './tariff-registry';
export * from './exposure';
export { eligibilityReasons, START_TOLERANCE_MS } from './eligibility';
export type { DeclineReason } from './eligibility';
export type { TariffData } from './tariff.schema';
export { stepSources, storedBreakdownWithSources, withStepSources } from './step-sources';
