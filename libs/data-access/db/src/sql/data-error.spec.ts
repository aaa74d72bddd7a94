import { describe, expect, it } from 'vitest';
import { dataErrorReason, isDeterministicDataError } from './data-error';

const pgError = (code: string, message = 'boom') => Object.assign(new Error(message), { code });

describe('finding 5: database data errors are deterministic, everything else is retried', () => {
  it.each(['22P05', '22021', '22001', '22003', '22008', '23502', '23514'])('%s is deterministic (the record is dead-lettered)', (code) => {
    expect(isDeterministicDataError(pgError(code))).toBe(true);
  });

  it.each(['23505', '23503', '40001', '40P01', '57014', '08006', '53300', 'ECONNREFUSED'])('%s is retried', (code) => {
    expect(isDeterministicDataError(pgError(code))).toBe(false);
  });

  it('is not fooled by errors without a SQLSTATE', () => {
    expect(isDeterministicDataError(new Error('22003'))).toBe(false);
    expect(isDeterministicDataError(undefined)).toBe(false);
  });

  it('gives a storable reason with the SQLSTATE and the message', () => {
    expect(dataErrorReason(pgError('22021', 'invalid byte sequence for encoding "UTF8": 0x00 \u0000'))).toBe(
      'database-rejected: 22021 invalid byte sequence for encoding "UTF8": 0x00 \\u0000',
    );
  });
});
