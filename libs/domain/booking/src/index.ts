export * from './sequence-ordering';
