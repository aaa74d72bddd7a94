import { describe, expect, it } from 'vitest';
import { KeyedLanes } from './keyed-lanes';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(KeyedLanes.name, () => {
  it('runs one key in order, one at a time, and different keys together', async () => {
    const sut = new KeyedLanes();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await tick(ms);
      log.push(`end ${name}`);
    };
    await Promise.all([sut.run('gw-1', task('a1', 20)), sut.run('gw-1', task('a2', 1)), sut.run('gw-2', task('b1', 5))]);
    expect(log).toEqual(['start a1', 'start b1', 'end b1', 'end a1', 'start a2', 'end a2']);
    expect(sut.size).toBe(0);
  });

  it('moves on past a failed task, whose caller gets the failure', async () => {
    const sut = new KeyedLanes();
    const failed = sut.run('gw-1', () => Promise.reject(new Error('poison')));
    const next = sut.run('gw-1', async () => undefined);
    await expect(failed).rejects.toThrow('poison');
    await expect(next).resolves.toBeUndefined();
  });
});
