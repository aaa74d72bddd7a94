export * from './crash-triage';
export * from './fnol-assessment';
