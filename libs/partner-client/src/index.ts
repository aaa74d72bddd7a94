export * from './gateway-routes';
export * from './partner-client';
export * from './all-pages';
export * from './examples/quote-then-policies';
export type { paths, components, operations } from './generated/partner-api';
