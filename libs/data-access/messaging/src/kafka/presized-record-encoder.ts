import { replaceKafkajsModule } from './kafkajs-module';

/** kafkajs's Encoder, as far as a record needs it. */
interface KafkajsEncoder {
  buf: Buffer;
  readonly buffer: Buffer;
  writeVarInt(value: number): KafkajsEncoder;
  writeVarLong(value: number): KafkajsEncoder;
  writeInt8(value: number): KafkajsEncoder;
  writeVarIntString(value: string): KafkajsEncoder;
  writeVarIntBytes(value: Buffer | string | null): KafkajsEncoder;
}

interface EncoderClass {
  new (initialSize?: number): KafkajsEncoder;
  sizeOfVarInt(value: number): number;
  sizeOfVarLong(value: number): number;
  sizeOfVarIntBytes(value: Buffer | string | null): number;
}

interface RecordInput {
  offsetDelta?: number;
  timestampDelta?: number;
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[]>;
}

/**
 * kafkajs encodes each produced record (`recordBatch/record/v0`) into a fresh 512-byte zeroed
 * Buffer that it then doubles and copies as the value grows past it, plus one more fresh 512-byte
 * Buffer per header, each its own ArrayBuffer for the garbage collector to track. This encoder
 * writes the same bytes (Kafka's record v2 layout; a property test compares it with kafkajs's own)
 * into one buffer of the exact size, taken from Node's buffer pool when it is under 4 kB (most
 * records here), with the headers written in place.
 */
export function usePresizedRecordEncoder(): boolean {
  const Encoder = require('kafkajs/src/protocol/encoder') as EncoderClass;
  return replaceKafkajsModule('src/protocol/recordBatch/record/v0/index.js', presizedRecordEncoder(Encoder));
}

export function presizedRecordEncoder(Encoder: EncoderClass): (record: RecordInput) => KafkajsEncoder {
  return ({ offsetDelta = 0, timestampDelta = 0, key, value, headers = {} }) => {
    const headerList: { key: string; value: Buffer | string }[] = [];
    for (const headerKey of Object.keys(headers)) {
      const headerValue = headers[headerKey];
      if (Array.isArray(headerValue)) for (const v of headerValue) headerList.push({ key: headerKey, value: v });
      else headerList.push({ key: headerKey, value: headerValue });
    }
    let headersSize = Encoder.sizeOfVarInt(headerList.length);
    for (const header of headerList) headersSize += Encoder.sizeOfVarIntBytes(header.key) + Encoder.sizeOfVarIntBytes(header.value);
    const sizeOfBody =
      1 + Encoder.sizeOfVarLong(timestampDelta) + Encoder.sizeOfVarInt(offsetDelta) + Encoder.sizeOfVarIntBytes(key) + Encoder.sizeOfVarIntBytes(value) + headersSize;
    const encoder = new Encoder(1);
    // Every byte up to the encoder's offset is written below (and only those are read), so the
    // pooled buffer's earlier contents never leave; a size off by any amount still encodes right
    // (kafkajs's encoder grows the buffer when a write does not fit).
    encoder.buf = Buffer.allocUnsafe(Encoder.sizeOfVarInt(sizeOfBody) + sizeOfBody);
    encoder.writeVarInt(sizeOfBody).writeInt8(0).writeVarLong(timestampDelta).writeVarInt(offsetDelta).writeVarIntBytes(key).writeVarIntBytes(value);
    encoder.writeVarInt(headerList.length);
    for (const header of headerList) encoder.writeVarIntString(header.key).writeVarIntBytes(header.value);
    return encoder;
  };
}
