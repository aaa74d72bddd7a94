export * from './crash-triage';
export * from './fnol-assessment';
export * from './fnol-claim';
export * from './claim-status';
export * from './signal-decision';
export * from './vehicle-state';
export * from './signal-plausibility';
export * from './claim-money';
