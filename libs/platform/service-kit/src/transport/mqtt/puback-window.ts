/**
 * The PUBACKs of one MQTT connection, sent in the order the PUBLISHes arrived (MQTT 5 section 4.6)
 * however the messages finish: a message applied early waits for the ones received before it.
 * Many messages of a connection are applied at once (up to the session's receive maximum), so an
 * acknowledgement may come after the connection it belongs to has gone; `discard` on close drops
 * what is outstanding, and the broker redelivers those messages to the session when it is back.
 */
export class PubackWindow {
  private readonly pending: { messageId: number; settled: boolean }[] = [];
  private discarded = false;

  constructor(private readonly send: (messageId: number) => void) {}

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
  }

  private flush(): void {
    if (this.discarded) return;
    let n = 0;
    while (n < this.pending.length && this.pending[n]?.settled) n += 1;
    for (const entry of this.pending.splice(0, n)) this.send(entry.messageId);
  }
}
