import { describe, expect, it } from 'vitest';
import { PubackWindow } from './puback-window';

describe(PubackWindow.name, () => {
  it('acknowledges in the order the messages arrived, however they finish', () => {
    const sent: number[] = [];
    const sut = new PubackWindow((id) => sent.push(id));
    const [a, b, c] = [sut.open(1), sut.open(2), sut.open(3)];
    c?.();
    b?.();
    expect(sent).toEqual([]);
    a?.();
    expect(sent).toEqual([1, 2, 3]);
    expect(sut.outstanding).toBe(0);
  });

  it('sends nothing for a connection that has gone, so a later one is never acknowledged by mistake', () => {
    const sent: number[] = [];
    const sut = new PubackWindow((id) => sent.push(id));
    const a = sut.open(1);
    sut.discard();
    a();
    expect(sent).toEqual([]);
  });

  it('reads the next message only while fewer than its limit are outstanding', () => {
    const sut = new PubackWindow(() => undefined, 2);
    const reads: number[] = [];
    const a = sut.open(1);
    sut.whenRoom(() => reads.push(1));
    sut.open(2);
    sut.whenRoom(() => reads.push(2));
    expect(reads).toEqual([1]);
    a();
    expect(reads).toEqual([1, 2]);
  });
});
