export * from './chart-of-accounts';
export * from './journal-entry';
export * from './posting-rules';
export * from './earned-premium';
export * from './periods';
export * from './statements';
export * from './csv';
export * from './statement-documents';
