import { describe, expect, it } from 'vitest';
import { Turns } from './turns';

const tick = () => new Promise((r) => setImmediate(r));

describe(Turns.name, () => {
  it('runs at most its number at once and starts the others in arrival order', async () => {
    const turns = new Turns(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const release: (() => void)[] = [];
    const tasks = [0, 1, 2, 3, 4].map((n) =>
      turns.take(async () => {
        started.push(n);
        running += 1;
        most = Math.max(most, running);
        await new Promise<void>((r) => release.push(r));
        running -= 1;
        return n;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    release.shift()?.();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    while (started.length < 5 || release.length > 0) {
      release.shift()?.();
      await tick();
    }
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });

  it('gives the turn on when a task fails, and the caller gets the failure', async () => {
    const turns = new Turns(1);
    const failing = turns.take(async () => {
      throw new Error('broker away');
    });
    const next = turns.take(async () => 'ran');
    await expect(failing).rejects.toThrow('broker away');
    expect(await next).toBe('ran');
  });
});

describe('Turns with a bounded line', () => {
  it('refuses a task that would be one too many in line, and still runs the others', async () => {
    let release!: () => void;
    const turns = new Turns(1, 1, () => new Error('busy'));
    const first = turns.take(() => new Promise<string>((r) => (release = () => r('first'))));
    const second = turns.take(async () => 'second');
    await expect(turns.take(async () => 'third')).rejects.toThrow('busy');
    release();
    expect(await Promise.all([first, second])).toEqual(['first', 'second']);
  });
});
