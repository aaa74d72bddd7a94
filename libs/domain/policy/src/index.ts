export * from './policy';
export * from './policy-snapshot';
export * from './policy-records';
export * from './policy-tariff';
export * from './booking-change';
export * from './late-return';
export * from './policy-number';
export * from './certificate.html';
