import { describe, expect, it } from 'vitest';
import { DEV_DEFAULT_SECRETS, isDevDefaultSecret, loadServiceConfig, otlpTracesUrl } from './service.config';
import { opsVars } from './service-secrets.config';

const production = (overrides: Record<string, string>) => ({
  APP_ENV: 'production',
  OPS_ADMIN_PASSWORD: 'a-real-admin-password',
  OPS_SESSION_SECRET: 'a-real-session-secret-of-at-least-32-chars',
  METRICS_TOKEN: 'a-real-metrics-token',
  API_CURSOR_KEY: 'a-real-api-cursor-key-of-at-least-32-chars',
  KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
  KAFKA_PASSWORD: 'a-real-kafka-password',
  ...overrides,
});

describe('finding 10: the production secret check', () => {
  it('starts in production with secrets of its own', () => {
    expect(loadServiceConfig('sut', 3999, opsVars, production({})).APP_ENV).toBe('production');
  });

  it.each([
    ['the published value', DEV_DEFAULT_SECRETS.OPS_ADMIN_PASSWORD],
    ['a trimmed variant', `  ${DEV_DEFAULT_SECRETS.OPS_ADMIN_PASSWORD}\n`],
    ['a case variant', DEV_DEFAULT_SECRETS.OPS_ADMIN_PASSWORD.toUpperCase()],
    ['a trimmed case variant', ` Admin-Change-Me `],
  ])('refuses %s of a published dev secret, naming the variable', (_, value) => {
    expect(() => loadServiceConfig('sut', 3999, opsVars, production({ OPS_ADMIN_PASSWORD: value }))).toThrow(/OPS_ADMIN_PASSWORD/);
  });

  it('refuses the published page-cursor key, naming it', () => {
    expect(() => loadServiceConfig('sut', 3999, opsVars, production({ API_CURSOR_KEY: DEV_DEFAULT_SECRETS.API_CURSOR_KEY }))).toThrow(/API_CURSOR_KEY/);
  });

  it('catches variants of every published secret, and nothing that only contains one', () => {
    for (const [name, value] of Object.entries(DEV_DEFAULT_SECRETS)) {
      expect(isDevDefaultSecret(name, ` ${value.toUpperCase()}\t`)).toBe(true);
      expect(isDevDefaultSecret(name, `${value}-but-rotated`)).toBe(false);
    }
  });
});

describe('finding 9: /metrics is not public in production', () => {
  it('refuses to start in production without METRICS_TOKEN', () => {
    expect(() => loadServiceConfig('sut', 3999, opsVars, { ...production({}), METRICS_TOKEN: undefined })).toThrow(/METRICS_TOKEN/);
  });
});

describe(otlpTracesUrl.name, () => {
  it('exports nowhere unless a collector is configured', () => {
    expect(loadServiceConfig('sut', 3999, {}, {}).OTLP_TRACES_URL).toBeUndefined();
  });

  it('appends /v1/traces to OTEL_EXPORTER_OTLP_ENDPOINT and prefers OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', () => {
    expect(loadServiceConfig('sut', 3999, {}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).OTLP_TRACES_URL).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/traces' })).toBe('http://b:4318/traces');
  });

  it('refuses an endpoint that is not a URL, naming the variable', () => {
    expect(() => loadServiceConfig('sut', 3999, {}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318 ' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
  });
});
