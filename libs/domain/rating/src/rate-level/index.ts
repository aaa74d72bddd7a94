export * from './seed-citations';
export * from './expected-loss';
export { referenceLossModel } from './reference-loss-model';
export * from './reference-book';
export * from './rate-level-check';
export * from './stored-policies';
