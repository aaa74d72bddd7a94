/** A Kafka record as handlers see it: where it came from (for dead-letter headers) and its bytes. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: string;
  /**
   * The key and headers exactly as received: a dead letter carries these, so a key or header that
   * is not valid UTF-8 reaches the dead-letter topic unchanged rather than with U+FFFD in it.
   */
  raw?: { key: Buffer | null; headers: Record<string, Buffer | string> };
}

export function headersToStrings(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue;
    out[name] = Buffer.isBuffer(value) ? value.toString('utf8') : Array.isArray(value) ? String(value[0]) : String(value);
  }
  return out;
}

export function rawHeaders(headers: Record<string, unknown> | undefined): Record<string, Buffer | string> {
  const out: Record<string, Buffer | string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (Buffer.isBuffer(first) || typeof first === 'string') out[name] = first;
  }
  return out;
}
