export * from './crash-triage';
export * from './fnol-assessment';
export * from './vehicle-state';
export * from './signal-plausibility';
