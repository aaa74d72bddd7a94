export * from './parse-env';
export * from './service.config';
export * from './service-secrets.config';
export * from './stack.config';
export * from './kafka.config';
export * from './webhook.config';
export * from './business-clock.config';
