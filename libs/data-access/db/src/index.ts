export * from './prisma-client.factory';
export * from './sql/sql-database';
export * from './migrations/migrator';
export { Prisma } from './generated/prisma/client';
export * from './booking/booking-event.repository';
export * from './booking/partner.repository';
export * from './pricing/quote.repository';
export * from './policy/policy.repository';
export * from './claims/claims.repository';
