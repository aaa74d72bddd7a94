import { describe, expect, it } from 'vitest';
import { isTransientFailure } from './transient-failure';

const withCode = (code: string, message = 'boom') => Object.assign(new Error(message), { code });
const named = (name: string, extra: Record<string, unknown> = {}) => Object.assign(new Error('boom'), { name, ...extra });

describe('isTransientFailure', () => {
  it.each(['08006', '08001', '57P01', '57P03', '53300', '40001', '40P01', '55P03', '57014'])('SQLSTATE %s is the environment: retried without limit', (code) => {
    expect(isTransientFailure(withCode(code))).toBe(true);
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'P1001', 'P2024'])('%s is the environment', (code) => {
    expect(isTransientFailure(withCode(code))).toBe(true);
  });

  it.each(['Connection terminated unexpectedly', 'timeout exceeded when trying to connect', 'Connection is closed.', 'Command timed out', "Stream isn't writeable and enableOfflineQueue options is false"])(
    'a client that says "%s" lost its connection',
    (message) => {
      expect(isTransientFailure(new Error(message))).toBe(true);
    },
  );

  it('looks through causes (Prisma driver adapters wrap the pg error)', () => {
    expect(isTransientFailure(Object.assign(new Error('adapter failed'), { cause: withCode('57P01') }))).toBe(true);
  });

  it('treats the broker being away as transient but a record it will never take as the record', () => {
    expect(isTransientFailure(named('KafkaJSConnectionError'))).toBe(true);
    expect(isTransientFailure(named('KafkaJSNumberOfRetriesExceeded'))).toBe(true);
    expect(isTransientFailure(named('KafkaJSProtocolError', { retriable: true }))).toBe(true);
    expect(isTransientFailure(named('KafkaJSProtocolError', { retriable: false, type: 'MESSAGE_TOO_LARGE' }))).toBe(false);
    expect(isTransientFailure(named('MaxRetriesPerRequestError'))).toBe(true);
  });

  it.each([
    ['a data error', withCode('22003')],
    ['a unique violation', withCode('23505')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'vehicleId')")],
    ['a thrown string', 'nope'],
    ['a message that only mentions a timed-out command', new Error('validation failed: command timed out field is required')],
    ['nothing', undefined],
  ])('counts %s toward the poison limit', (_, error) => {
    expect(isTransientFailure(error)).toBe(false);
  });
});
