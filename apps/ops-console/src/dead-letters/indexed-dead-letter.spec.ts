import { describe, expect, it } from 'vitest';
import { indexedDeadLetter, reasonCodeOf } from './indexed-dead-letter';

describe(indexedDeadLetter.name, () => {
  it('reads the reason, attempts and origin from the dead-letter headers', () => {
    const sut = indexedDeadLetter('kuruma.booking-priced.v1.dlq', 2, {
      offset: '41',
      key: Buffer.from('bk-1'),
      value: Buffer.from('{}'),
      headers: {
        'x-dlq-reason': 'handler-failed: tariff kc@abc has changed since it was used',
        'x-dlq-original-topic': 'kuruma.booking-priced.v1',
        'x-dlq-original-partition': '4',
        'x-dlq-original-offset': '1200',
        'x-dlq-attempts': '5',
        'x-dlq-service': 'policy',
        'x-dlq-failed-at': '2026-12-01T08:00:00.000Z',
        traceparent: Buffer.from([0xff, 0x00]),
      },
    });
    expect(sut).toMatchObject({ originalTopic: 'kuruma.booking-priced.v1', originalPartition: 4, originalOffset: '1200', reasonCode: 'handler-failed', attempts: 5, service: 'policy', dlqOffset: '41' });
    expect(sut.failedAt?.toISOString()).toBe('2026-12-01T08:00:00.000Z');
    expect(Buffer.from(sut.headers['traceparent'] ?? '', 'base64')).toEqual(Buffer.from([0xff, 0x00]));
  });

  it('indexes a record whose headers are missing or forged instead of stopping on it', () => {
    const sut = indexedDeadLetter('x.dlq', 0, { offset: '0', key: null, value: null, headers: { 'x-dlq-reason': 'a\u0000b', 'x-dlq-attempts': '1e9999', 'x-dlq-original-offset': '-1; DROP' } });
    expect(sut).toMatchObject({ originalTopic: 'unknown', originalPartition: null, originalOffset: null, reason: 'ab', reasonCode: 'ab', attempts: 1, service: 'unknown', failedAt: null });
    expect(sut.payload).toHaveLength(0);
  });
});

describe(reasonCodeOf.name, () => {
  it('groups by the code before the colon, and calls anything else unknown', () => {
    expect(reasonCodeOf('schema-violation: data.endsAt: Invalid')).toBe('schema-violation');
    expect(reasonCodeOf('<script>: x')).toBe('unknown');
  });
});
