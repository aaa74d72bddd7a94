import { describe, expect, it } from 'vitest';
import { deviceChangeLock } from './device-change.lock';

describe(deviceChangeLock.name, () => {
  it("lets a quarter of the pool's connections hold device locks at once, each with room for its statements", async () => {
    let open = 0;
    let most = 0;
    const db = {
      poolSize: 20,
      $transaction: async <T>(work: (tx: never) => Promise<T>) => {
        open += 1;
        most = Math.max(most, open);
        try {
          return await work({ $queryRaw: async () => [] } as never);
        } finally {
          open -= 1;
        }
      },
    };
    const lock = deviceChangeLock(db as never);
    await Promise.all(Array.from({ length: 30 }, (_, i) => lock(`gw-${i}`, () => new Promise((r) => setTimeout(r, 2)))));
    expect(most).toBe(5);
  });
});
