import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit';

/** A writer that records its batches and holds the first write until released. */
function gatedWriter<T>() {
  const writes: T[][] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const write = async (items: T[]) => {
    writes.push(items);
    if (writes.length === 1) await gate;
  };
  return { writes, write, release: () => release() };
}

describe('GroupCommit', () => {
  it('writes the items submitted in one turn of the event loop together, and joins items that arrive during a write, up to the size limit', async () => {
    const w = gatedWriter<number>();
    const commit = new GroupCommit<number>(w.write, 3);
    const first = [1, 2].map((n) => commit.submit(n));
    // The first write starts on the next turn, with both items, and waits at the gate.
    await new Promise((r) => setImmediate(r));
    const later = [3, 4, 5, 6].map((n) => commit.submit(n));
    w.release();
    await Promise.all([...first, ...later]);
    expect(w.writes).toEqual([[1, 2], [3, 4, 5], [6]]);
  });

  it('writes a lone item without waiting for company', async () => {
    const w = gatedWriter<string>();
    const commit = new GroupCommit<string>(w.write, 10);
    const done = commit.submit('alone');
    w.release();
    await done;
    expect(w.writes).toEqual([['alone']]);
  });

  it('fails every caller of a failed write, and later writes still run', async () => {
    let fail = true;
    const commit = new GroupCommit<string>(async () => {
      if (fail) throw new Error('database away');
    }, 10);
    await expect(commit.submit('a')).rejects.toThrow('database away');
    fail = false;
    await expect(commit.submit('b')).resolves.toBeUndefined();
  });

  it('sizes batches by the given measure, always taking at least one item', async () => {
    const w = gatedWriter<string>();
    const commit = new GroupCommit<string>(w.write, 4, (s) => s.length);
    const all = ['x', 'aaaaaa', 'bb', 'cc', 'd'].map((s) => commit.submit(s));
    w.release();
    await Promise.all(all);
    expect(w.writes).toEqual([['x'], ['aaaaaa'], ['bb', 'cc'], ['d']]);
  });
});
