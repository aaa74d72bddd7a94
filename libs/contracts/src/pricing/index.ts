export * from './quote-request.v1';
export * from './quote.v1';
export * from './decline-reason.v1';
export * from './cover-schedule.v1';
export * from './active-tariff.v1';
