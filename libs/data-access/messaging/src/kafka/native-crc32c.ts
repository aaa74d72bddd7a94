import { crc32c } from '@node-rs/crc32';
import { replaceKafkajsModule } from './kafkajs-module';

/**
 * kafkajs checksums every record batch it produces with CRC-32C computed in JavaScript, a byte at
 * a time: 1-4 % of each pipeline service's CPU profile in a sustained drain (docs/benchmarks.md).
 * `@node-rs/crc32` computes the same checksum with the CPU's CRC32 instruction (about 40 times
 * faster on a 100 kB batch here). Brokers verify the CRC of every batch and refuse a wrong one
 * (CORRUPT_MESSAGE), so a mismatch could never go unnoticed. Returns whether it is in use.
 */
export function useNativeCrc32c(): boolean {
  return replaceKafkajsModule('src/protocol/recordBatch/crc32C/index.js', nativeCrc32c);
}

/** kafkajs's contract for the module: the checksum of a Buffer as an unsigned 32-bit number. */
function nativeCrc32c(buffer: Buffer): number {
  return crc32c(buffer) >>> 0;
}
