import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { LiveStreamWriter } from './live-stream-writer';
import { writeOrDrop } from './stream-slots';

/** An SSE-like line of about 500 bytes per event, numbered so order and gaps show. */
const format = (events: number[]) => events.map((n) => `id: ${n}\ndata: ${'x'.repeat(480)}\n\n`).join('');
const idsIn = (text: string) => [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** A browser that reads a chunk every millisecond, and what it has received. */
function slowBrowser() {
  const socket = new PassThrough({ highWaterMark: 16 * 1024 });
  let received = '';
  let peak = 0;
  const write = socket.write.bind(socket);
  socket.write = ((chunk: string) => {
    const ok = write(chunk);
    peak = Math.max(peak, socket.writableLength);
    return ok;
  }) as typeof socket.write;
  const reading = (async () => {
    for await (const chunk of socket) {
      received += String(chunk);
      await sleep(1);
    }
  })();
  return { socket, received: () => received, peak: () => peak, reading };
}

const LIMITS = { maxBufferedBytes: 64 * 1024, maxWaiting: 5_000, piece: 50 };

describe(LiveStreamWriter.name, () => {
  it('sends a catch-up many times the slow-reader bound in full and in order, a piece at a time, and does not drop the browser', async () => {
    const catchUp = range(1, 4_001); // about 2 MB, 30 times the bound
    // Sent as one write, as the stream did before, it is over the bound and the browser is dropped at once.
    expect(writeOrDrop(new PassThrough(), format(catchUp), LIMITS.maxBufferedBytes, () => undefined)).toBe(false);

    const browser = slowBrowser();
    let drops = 0;
    const sut = new LiveStreamWriter(browser.socket, catchUp, format, LIMITS, () => drops++);
    while (!sut.caughtUp) await sleep(5);
    await sleep(50);
    expect(idsIn(browser.received())).toEqual(catchUp);
    expect(drops).toBe(0);
    expect(browser.socket.destroyed).toBe(false);
    // Never more unsent than one piece on top of what the socket had taken (about 25 kB each).
    expect(browser.peak()).toBeLessThanOrEqual(16 * 1024 + format(range(0, LIMITS.piece)).length);
    browser.socket.end();
    await browser.reading;
  });

  it('holds live events until the catch-up is out, then sends them after it, in order', async () => {
    const browser = slowBrowser();
    const sut = new LiveStreamWriter(browser.socket, range(1, 1_001), format, LIMITS, () => undefined);
    for (const n of range(1_001, 1_101)) sut.push(n);
    sut.flush(); // the live batch may not overtake the catch-up
    while (!sut.caughtUp) await sleep(5);
    sut.push(1_101);
    sut.flush();
    await sleep(50);
    expect(idsIn(browser.received())).toEqual(range(1, 1_102));
    browser.socket.end();
    await browser.reading;
  });

  it('drops a browser that falls more live events behind than the ring holds while it catches up, once', () => {
    const stalled = new PassThrough({ highWaterMark: 16 * 1024 }); // nobody reads it
    let drops = 0;
    const sut = new LiveStreamWriter(stalled, range(1, 1_001), format, { ...LIMITS, maxWaiting: 100 }, () => drops++);
    expect(sut.caughtUp).toBe(false);
    for (const n of range(1_001, 1_200)) sut.push(n);
    expect(stalled.destroyed).toBe(true);
    expect(drops).toBe(1);
  });

  it('drops a browser that cannot keep up with the live feed, as before', () => {
    const stalled = new PassThrough({ highWaterMark: 16 * 1024 });
    let drops = 0;
    const sut = new LiveStreamWriter(stalled, [], format, LIMITS, () => drops++);
    for (let batch = 0; batch < 10 && !stalled.destroyed; batch++) {
      for (const n of range(batch * 100, batch * 100 + 100)) sut.push(n);
      sut.flush(); // 50 kB a batch, nobody reading
    }
    expect(stalled.destroyed).toBe(true);
    expect(drops).toBe(1);
  });

  it('stops writing once the stream has ended (a signed-out session) without an error', async () => {
    const browser = slowBrowser();
    const errors: unknown[] = [];
    browser.socket.on('error', (e) => errors.push(e));
    const sut = new LiveStreamWriter(browser.socket, range(1, 2_001), format, LIMITS, () => undefined);
    browser.socket.end();
    sut.push(5_000);
    sut.flush();
    sut.heartbeat();
    await browser.reading;
    await sleep(20);
    expect(errors).toEqual([]);
    expect(sut.caughtUp).toBe(false);
  });
});
