export * from './policy-lifecycle';
export * from './policy-number';
export * from './certificate.html';
