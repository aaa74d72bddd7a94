import type { Writable } from 'node:stream';
import { dropStream, writeOrDrop } from './stream-slots';

export interface LiveStreamLimits {
  /** Unsent bytes a browser may pile up while following the live feed before it is dropped (the catch-up is paced by the socket instead). */
  maxBufferedBytes: number;
  /** Live events that may wait behind the catch-up before the stream is dropped (the ring's size). */
  maxWaiting: number;
  /** Events per write while catching up. */
  piece: number;
}

/**
 * One browser's live stream: first the events of the ring it has not seen (its catch-up), then the
 * live feed in batches. After a restart the catch-up is the whole ring (an hour of backfill, up to
 * 20,000 events and tens of MB), far over the slow-reader bound, so it goes out a piece at a time,
 * each once the socket has taken the last, while live events wait behind it. When the catch-up
 * went out as one write, any ring over the bound (1 MiB, about a thousand events) dropped every new
 * stream at once, and again on every reconnect: no browser could follow the feed.
 *
 * The bound applies to following the feed: a browser that cannot keep up with it (or with its own
 * catch-up, while more than `maxWaiting` live events queue) is dropped and resumes by Last-Event-ID.
 */
export class LiveStreamWriter<E> {
  private catchUp: E[];
  private next = 0;
  private waiting: E[] = [];

  constructor(
    private readonly res: Writable,
    catchUp: E[],
    private readonly format: (events: E[]) => string,
    private readonly limits: LiveStreamLimits,
    private readonly onDrop: () => void,
  ) {
    this.catchUp = catchUp;
    this.pump();
  }

  /** Whether the catch-up, and what arrived while it went out, has all been handed to the socket. */
  get caughtUp(): boolean {
    return this.next >= this.catchUp.length;
  }

  /** A live event for this browser: sent with the next flush once the catch-up is out. */
  push(event: E): void {
    if (this.closed) return;
    this.waiting.push(event);
    if (this.waiting.length > this.limits.maxWaiting) this.drop();
  }

  /** Sends the live events waiting, as one write; nothing while the catch-up is still going out. */
  flush(): void {
    if (!this.caughtUp || this.waiting.length === 0 || this.closed) return;
    const batch = this.waiting;
    this.waiting = [];
    writeOrDrop(this.res, this.format(batch), this.limits.maxBufferedBytes, this.onDrop);
  }

  /** A comment line that keeps proxies from closing an idle stream; a catch-up in progress is traffic enough. */
  heartbeat(): void {
    if (this.caughtUp && !this.closed) writeOrDrop(this.res, ': keep-alive\n\n', this.limits.maxBufferedBytes, this.onDrop);
  }

  private readonly pump = (): void => {
    for (;;) {
      while (this.next < this.catchUp.length) {
        if (this.closed) return;
        // Past the socket's high-water mark: the next piece waits until it has taken this one, so
        // unsent catch-up never exceeds the mark plus one piece, whatever the browser's speed.
        if (this.res.writableNeedDrain) {
          this.res.once('drain', this.pump);
          return;
        }
        const piece = this.catchUp.slice(this.next, this.next + this.limits.piece);
        this.next += piece.length;
        this.res.write(this.format(piece));
      }
      if (this.waiting.length === 0) break;
      // What arrived meanwhile is caught up the same way: as one live batch it could be over the bound.
      this.catchUp = this.waiting;
      this.next = 0;
      this.waiting = [];
    }
    // What it held is in the ring (or evicted from it); this stream has no use for it any more.
    this.catchUp = [];
    this.next = 0;
  };

  /** Ended (the session's sign-out) or destroyed (dropped, or the browser went away). */
  private get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  private drop(): void {
    this.waiting = [];
    dropStream(this.res, this.onDrop);
  }
}
