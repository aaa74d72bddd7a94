/** One public event as the console streams it. */
export interface LiveEvent {
  /** Position in this console's stream: `${epoch}-${seq}`, the SSE event id. */
  streamId: string;
  seq: number;
  /** The CloudEvent id: stable across console restarts, so browsers de-duplicate by it. */
  id: string;
  type: string;
  time: string;
  partnerId: string | null;
  vehicleId: string | null;
  /**
   * The event's `data` as JSON text, not as objects: a full ring fits the console's memory budget
   * (docs/benchmarks.md, design notes), and it goes to every browser without being serialised again.
   */
  dataJson: string;
}

/** The event as the browser receives it: `{streamId, seq, id, type, time, partnerId, vehicleId, data}`. */
export function liveEventJson(e: LiveEvent): string {
  const head = JSON.stringify({ streamId: e.streamId, seq: e.seq, id: e.id, type: e.type, time: e.time, partnerId: e.partnerId, vehicleId: e.vehicleId });
  return `${head.slice(0, -1)},"data":${e.dataJson}}`;
}

export interface LiveFilter {
  partnerId?: string;
  types?: string[];
  vehicleId?: string;
}

export const matchesFilter = (e: LiveEvent, f: LiveFilter): boolean =>
  (!f.partnerId || e.partnerId === f.partnerId) &&
  (!f.vehicleId || e.vehicleId === f.vehicleId) &&
  (!f.types || f.types.length === 0 || f.types.includes(e.type));

/**
 * A bounded ring of recent events with gap-free resume: a browser that reconnects with
 * Last-Event-ID gets exactly the events after it. When its id is from an earlier console process
 * (another epoch) or has already been evicted, it gets the whole ring, and de-duplicates by
 * CloudEvent id; the `resumed` flag tells it which happened.
 */
export class LiveEventBuffer {
  /**
   * A fixed circular array: push is O(1). An array with shift() copied all 20,000 entries on
   * every event once full; replaying an hour of backfill that way kept the console at a quarter
   * of a core. Sequence numbers are consecutive, so event `seq` sits in slot (seq - 1) % capacity
   * and the ring holds exactly the last `size` of them.
   */
  private readonly slots: (LiveEvent | undefined)[];
  private nextSeq = 1;
  private readonly listeners = new Set<(e: LiveEvent) => void>();
  readonly epoch = Date.now().toString(36);

  constructor(readonly capacity: number) {
    this.slots = new Array<LiveEvent | undefined>(capacity);
  }

  push(event: Omit<LiveEvent, 'seq' | 'streamId'>): LiveEvent {
    const seq = this.nextSeq++;
    const live: LiveEvent = { ...event, seq, streamId: `${this.epoch}-${seq}` };
    this.slots[(seq - 1) % this.capacity] = live;
    for (const listener of this.listeners) listener(live);
    return live;
  }

  /** Events after `lastEventId`, and whether that id could be resumed from exactly. */
  since(lastEventId: string | undefined): { events: LiveEvent[]; resumed: boolean } {
    const [epoch, seqText] = (lastEventId ?? '').split('-');
    const seq = Number(seqText);
    const oldestSeq = this.nextSeq - this.size;
    if (epoch !== this.epoch || !Number.isInteger(seq) || seq < oldestSeq - 1) return { events: this.after(oldestSeq - 1), resumed: false };
    return { events: this.after(seq), resumed: true };
  }

  /** The events after sequence number `seq`, oldest first. */
  private after(seq: number): LiveEvent[] {
    const events: LiveEvent[] = [];
    for (let s = seq + 1; s < this.nextSeq; s++) events.push(this.slots[(s - 1) % this.capacity] as LiveEvent);
    return events;
  }

  subscribe(listener: (e: LiveEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return Math.min(this.nextSeq - 1, this.capacity);
  }
}
