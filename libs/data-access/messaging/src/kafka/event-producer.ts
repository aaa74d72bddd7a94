import { CompressionTypes, type Kafka, type Message, type Producer } from 'kafkajs';
import { PartitionTracker } from './acknowledged-partitions';

export interface OutgoingRecord {
  topic: string;
  key: string | Buffer;
  value: string | Buffer;
  headers?: Record<string, string | Buffer>;
}

/** Well under the 1 MiB topic limit, leaving room for record and batch overheads. */
const MAX_REQUEST_BYTES = 512 * 1024;

const recordBytes = (r: OutgoingRecord): number =>
  Buffer.byteLength(r.key) + (typeof r.value === 'string' ? Buffer.byteLength(r.value) : r.value.length) + Object.entries(r.headers ?? {}).reduce((n, [k, v]) => n + k.length + v.length, 0) + 64;

/** Consecutive chunks of at most `maxBytes` (a single larger record travels alone), in order. */
export function splitBySize(records: OutgoingRecord[], maxBytes: number): OutgoingRecord[][] {
  const chunks: OutgoingRecord[][] = [];
  let current: OutgoingRecord[] = [];
  let size = 0;
  for (const r of records) {
    const bytes = recordBytes(r);
    if (current.length > 0 && size + bytes > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(r);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** How often one chunk's unacknowledged partitions are sent again before the send fails (and the caller retries it whole). */
const MAX_RESENDS = 20;

/**
 * An idempotent, acks=all producer that sends in batches: kafkajs does not batch on its own, so
 * one awaited send per record would be one request per record.
 */
export class EventProducer {
  private readonly producer: Producer;
  private readonly partitions = new PartitionTracker();
  private connected = false;

  /** `onResend`: told each time kafkajs resolved a send with messages unwritten, before they go again. */
  constructor(
    kafka: Kafka,
    private readonly onResend: (resend: { messages: number; topics: string[] }) => void = () => undefined,
  ) {
    this.producer = kafka.producer({
      allowAutoTopicCreation: false,
      idempotent: true,
      maxInFlightRequests: 1,
      // Java-compatible murmur2 on the key (partners' and our producers agree on partitions),
      // remembering each message's partition to check the acknowledgement against.
      createPartitioner: this.partitions.createPartitioner,
      // Retries are not limited for the idempotent producer (kafkajs warns otherwise); a send that
      // cannot complete keeps the consumer's offsets uncommitted, so nothing is lost meanwhile.
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 5_000 },
    });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  /**
   * Resolves once every record is acknowledged by all in-sync replicas. kafkajs puts all of a
   * partition's messages of one call into one record batch, and the broker refuses a batch above
   * the topic's max.message.bytes (1 MiB on most topics) forever: so large sends go out in
   * consecutive requests of at most MAX_REQUEST_BYTES, which keeps per-partition order.
   *
   * Every partition of a chunk must be in kafkajs's answer: around a partition leader's crash it
   * may resolve without having written some (PartitionTracker). Those messages are sent again, in
   * their order, before the next chunk; their sequence numbers were rolled back with the failed
   * request, so a copy the old leader did replicate is recognised by the new one, not doubled.
   */
  async send(records: OutgoingRecord[]): Promise<void> {
    for (const chunk of splitBySize(records, MAX_REQUEST_BYTES)) {
      const byTopic = new Map<string, Message[]>();
      for (const r of chunk) {
        const messages = byTopic.get(r.topic) ?? [];
        messages.push({ key: r.key, value: r.value, headers: r.headers });
        byTopic.set(r.topic, messages);
      }
      let pending = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
      for (let resends = 0; pending.length > 0; resends++) {
        if (resends > MAX_RESENDS) throw new Error(`Kafka did not acknowledge ${pending.map((p) => p.topic).join(', ')} after ${MAX_RESENDS} sends`);
        const acknowledged = await this.producer.sendBatch({ acks: -1, compression: CompressionTypes.None, topicMessages: pending });
        pending = this.partitions.unacknowledged(pending, acknowledged);
        if (pending.length > 0) this.onResend({ messages: pending.reduce((n, p) => n + p.messages.length, 0), topics: pending.map((p) => p.topic) });
      }
    }
  }

  async disconnect(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
    this.connected = false;
  }

  async check(): Promise<void> {
    if (!this.connected) throw new Error('producer is not connected');
  }
}
