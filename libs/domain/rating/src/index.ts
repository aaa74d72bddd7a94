export * from './price-quote';
export * from './cover-changes';
export * from './tariff-registry';
export * from './exposure';
export { eligibilityReasons } from './eligibility';
export type { DeclineReason } from './eligibility';
export type { TariffData } from './tariff.schema';
export { storedBreakdownWithSources, withStepSources } from './step-sources';
export * from './rate-level';
