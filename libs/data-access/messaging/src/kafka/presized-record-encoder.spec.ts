import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { presizedRecordEncoder } from './presized-record-encoder';

// kafkajs's own record encoder and Encoder, loaded from their files (not through any replacement).
const Encoder = require('kafkajs/src/protocol/encoder') as Parameters<typeof presizedRecordEncoder>[0];
const kafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (r: unknown) => { buffer: Buffer };

const bytesOrText = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.uint8Array({ maxLength: 5_000 }).map((a) => Buffer.from(a)));

describe(presizedRecordEncoder.name, () => {
  const sut = presizedRecordEncoder(Encoder);

  it('writes every produced record byte for byte as kafkajs does (keys, values, headers, deltas)', () => {
    fc.assert(
      fc.property(
        fc.record({
          offsetDelta: fc.nat({ max: 100_000 }),
          timestampDelta: fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
          key: fc.option(bytesOrText, { nil: null }),
          value: fc.option(bytesOrText, { nil: null }),
          headers: fc.dictionary(fc.string({ maxLength: 20 }), fc.oneof(bytesOrText, fc.array(bytesOrText, { maxLength: 3 }))),
        }),
        (record) => {
          expect(sut(record).buffer.equals(kafkajsRecord(record).buffer)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
    // 500 random records: about 1 s alone, past the default 5 s at a load average of 30.
  }, 30_000);

  it('encodes a record with its defaults (no deltas, no headers) as kafkajs does', () => {
    const record = { key: 'booking-1', value: '{"type":"com.kurumacover.booking.confirmed"}' };
    expect(sut(record).buffer).toEqual(kafkajsRecord(record).buffer);
  });
});
