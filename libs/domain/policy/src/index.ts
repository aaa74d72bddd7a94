export * from './policy-lifecycle';
export * from './policy-number';
