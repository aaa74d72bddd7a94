import { describe, expect, it } from 'vitest';
import { parseBusinessClock } from './business-clock.config';
import { loadServiceConfig } from './service.config';

const simulated = { BUSINESS_CLOCK_START: '2026-11-01T00:00:00+09:00', BUSINESS_CLOCK_ANCHOR: '2026-12-01T22:00:00Z', BUSINESS_CLOCK_RATE: '720' };

describe(parseBusinessClock.name, () => {
  it('is the real clock when nothing is configured, or only blanks', () => {
    expect(parseBusinessClock({})).toEqual({ mode: 'real' });
    expect(parseBusinessClock({ BUSINESS_CLOCK_START: '  ', BUSINESS_CLOCK_RATE: '' })).toEqual({ mode: 'real' });
  });

  it('reads a simulated clock: start, anchor and rate', () => {
    expect(parseBusinessClock(simulated)).toEqual({ mode: 'simulated', start: new Date('2026-10-31T15:00:00Z'), anchor: new Date('2026-12-01T22:00:00Z'), rate: 720 });
    expect(parseBusinessClock({ ...simulated, BUSINESS_CLOCK_RATE: undefined })).toMatchObject({ rate: 1 });
  });

  it('refuses a simulated clock in production, under APP_ENV or NODE_ENV', () => {
    expect(() => parseBusinessClock({ ...simulated, APP_ENV: 'production' })).toThrow(/BUSINESS_CLOCK_START: a simulated business clock is refused in production/);
    expect(() => parseBusinessClock({ ...simulated, NODE_ENV: 'production' })).toThrow(/refused in production/);
  });

  it('refuses instants without a zone, garbage and NUL bytes, naming the variable', () => {
    expect(() => parseBusinessClock({ ...simulated, BUSINESS_CLOCK_START: '2026-11-01T00:00:00' })).toThrow(/BUSINESS_CLOCK_START: .* not an ISO 8601 instant with a zone/);
    expect(() => parseBusinessClock({ ...simulated, BUSINESS_CLOCK_ANCHOR: 'yesterday' })).toThrow(/BUSINESS_CLOCK_ANCHOR: /);
    expect(() => parseBusinessClock({ ...simulated, BUSINESS_CLOCK_START: '2026-11-01T00:00:00Z\u0000' })).toThrow(/BUSINESS_CLOCK_START: /);
    expect(() => parseBusinessClock({ ...simulated, BUSINESS_CLOCK_START: '2026-13-45T00:00:00Z' })).toThrow(/BUSINESS_CLOCK_START: /);
  });

  it('refuses a rate that is not a positive number within bounds', () => {
    for (const rate of ['0', '-5', 'fast', 'Infinity', '1e7']) expect(() => parseBusinessClock({ ...simulated, BUSINESS_CLOCK_RATE: rate })).toThrow(/BUSINESS_CLOCK_RATE: /);
  });

  it('refuses a half-configured clock: a start without anchor, or an anchor or rate without start', () => {
    expect(() => parseBusinessClock({ ...simulated, BUSINESS_CLOCK_ANCHOR: undefined })).toThrow(/BUSINESS_CLOCK_ANCHOR: required with BUSINESS_CLOCK_START/);
    expect(() => parseBusinessClock({ BUSINESS_CLOCK_RATE: '60' })).toThrow(/BUSINESS_CLOCK_RATE: set without BUSINESS_CLOCK_START/);
    expect(() => parseBusinessClock({ BUSINESS_CLOCK_ANCHOR: simulated.BUSINESS_CLOCK_ANCHOR })).toThrow(/BUSINESS_CLOCK_ANCHOR: set without BUSINESS_CLOCK_START/);
  });

  it('is parsed once with the service configuration, which refuses it when NODE_ENV is production', () => {
    expect(loadServiceConfig('pricing', 3002, {}, { ...simulated }).BUSINESS_CLOCK).toMatchObject({ mode: 'simulated', rate: 720 });
    expect(loadServiceConfig('pricing', 3002, {}, {}).BUSINESS_CLOCK).toEqual({ mode: 'real' });
    expect(() => loadServiceConfig('pricing', 3002, {}, { ...simulated, NODE_ENV: 'production' })).toThrow(/refused in production/);
  });
});
