import type { Writable } from 'node:stream';

/**
 * Counts open live streams per user and in total. Each stream holds a socket, two timers and a
 * buffer subscription; without a ceiling one user (or a script with a stolen session) could open
 * thousands and take the console's memory and event loop with them.
 */
export class StreamSlots {
  private readonly perUser = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly maxPerUser: number,
    private readonly maxTotal: number,
  ) {}

  /** A release function when a slot is free; why not otherwise. */
  acquire(username: string): { release: () => void } | { refused: 'user' | 'total' } {
    const mine = this.perUser.get(username) ?? 0;
    if (mine >= this.maxPerUser) return { refused: 'user' };
    if (this.total >= this.maxTotal) return { refused: 'total' };
    this.perUser.set(username, mine + 1);
    this.total++;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.total--;
        const left = (this.perUser.get(username) ?? 1) - 1;
        if (left > 0) this.perUser.set(username, left);
        else this.perUser.delete(username);
      },
    };
  }

  get open(): number {
    return this.total;
  }
}

/**
 * Writes to a browser that may be slower than the feed. Node buffers whatever the socket cannot
 * take yet, without limit; once more than `maxBufferedBytes` waits, the stream is dropped instead.
 * The browser reconnects with Last-Event-ID and resumes from the ring, so nothing is lost to it.
 */
export function writeOrDrop(res: Writable, chunk: string, maxBufferedBytes: number, onDrop: () => void): boolean {
  if (res.destroyed) return false;
  if (res.writableLength + Buffer.byteLength(chunk) > maxBufferedBytes) {
    dropStream(res, onDrop);
    return false;
  }
  res.write(chunk);
  return true;
}

/** Counts the drop and ends the stream; the browser resumes by Last-Event-ID. */
export function dropStream(res: Writable, onDrop: () => void): void {
  onDrop();
  res.destroy();
}
