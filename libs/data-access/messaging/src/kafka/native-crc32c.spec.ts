import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useNativeCrc32c } from './native-crc32c';

describe(useNativeCrc32c.name, () => {
  it("is what kafkajs checksums produced batches with, and gives the same checksums as kafkajs's own", () => {
    const javascriptCrc = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js') as (b: Buffer) => number;
    const sut = useNativeCrc32c();
    const kafkajsCrc = require('kafkajs/src/protocol/recordBatch/crc32C') as (b: Buffer) => number;

    expect(sut).toBe(true);
    for (const buffer of [Buffer.alloc(0), Buffer.from('123456789'), randomBytes(3), randomBytes(100_000)]) {
      expect(kafkajsCrc(buffer)).toBe(javascriptCrc(buffer) >>> 0);
    }
    // The CRC-32C check value of "123456789" (RFC 3720, appendix B.4).
    expect(kafkajsCrc(Buffer.from('123456789'))).toBe(0xe3069283);
  });
});
