/**
 * The PUBACKs of one MQTT connection, sent in the order the PUBLISHes arrived (MQTT 5 section 4.6)
 * however the messages finish: a message applied early waits for the ones received before it.
 * Many messages of a connection are applied at once (up to the session's receive maximum), so an
 * acknowledgement may come after the connection it belongs to has gone; `discard` on close drops
 * what is outstanding, and the broker redelivers those messages to the session when it is back.
 */
export class PubackWindow {
  private readonly pending: { messageId: number; settled: boolean }[] = [];
  private readonly waiting: (() => void)[] = [];
  private discarded = false;

  /** @param limit outstanding messages past which the connection stops reading (its receive maximum) */
  constructor(
    private readonly send: (messageId: number) => void,
    private readonly limit = Number.POSITIVE_INFINITY,
  ) {}

  /**
   * Runs `readNext` now while fewer than `limit` messages are outstanding, otherwise once enough
   * are acknowledged. The connection reads its next packet in `readNext`, so the backlog stays with
   * the broker (and TCP) instead of in this process's memory, whatever the broker sends.
   */
  whenRoom(readNext: () => void): void {
    if (this.discarded || this.pending.length < this.limit) readNext();
    else this.waiting.push(readNext);
  }

  /** Registers a received QoS 1 message; the returned function acknowledges it once it is durable. */
  open(messageId: number): () => void {
    const entry = { messageId, settled: false };
    this.pending.push(entry);
    return () => {
      entry.settled = true;
      this.flush();
    };
  }

  /** The messages received and not yet acknowledged. */
  get outstanding(): number {
    return this.pending.length;
  }

  /** The connection is gone: nothing outstanding may be acknowledged on a later one. */
  discard(): void {
    this.discarded = true;
    this.pending.length = 0;
    for (const readNext of this.waiting.splice(0)) readNext();
  }

  private flush(): void {
    if (this.discarded) return;
    let n = 0;
    while (n < this.pending.length && this.pending[n]?.settled) n += 1;
    for (const entry of this.pending.splice(0, n)) this.send(entry.messageId);
    while (this.waiting.length > 0 && this.pending.length < this.limit) this.waiting.shift()?.();
  }
}
