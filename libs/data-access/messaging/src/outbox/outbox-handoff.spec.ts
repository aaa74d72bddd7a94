import { afterEach, describe, expect, it } from 'vitest';
import { OutboxHandoff, type OutboxRow } from './outbox-handoff';

const row = (id: string): OutboxRow => ({ id, topic: 't', key: 'k', payload: `{"id":${id}}`, payload_bytes: null, headers: null, created_at: new Date() });

describe(OutboxHandoff.name, () => {
  const handoffs: OutboxHandoff[] = [];
  const opened = (producer: string) => {
    const h = new OutboxHandoff(producer);
    h.open();
    handoffs.push(h);
    return h;
  };
  afterEach(() => handoffs.splice(0).forEach((h) => h.close()));

  it("is found by its producer's writers only while its relay leads", () => {
    const h = new OutboxHandoff('p-lead');
    handoffs.push(h);
    expect(OutboxHandoff.of('p-lead')).toBeUndefined();
    h.open();
    expect(OutboxHandoff.of('p-lead')).toBe(h);
    expect(OutboxHandoff.of('another-producer')).toBeUndefined();
    h.close();
    expect(OutboxHandoff.of('p-lead')).toBeUndefined();
    expect(h.token()).toBe('');
  });

  it('gives each insert its own token, unlike any other instance', () => {
    const a = opened('p-tokens');
    const b = new OutboxHandoff('p-tokens-2');
    b.open();
    handoffs.push(b);
    const tokens = [a.token(), a.token(), b.token()];
    expect(new Set(tokens).size).toBe(3);
    expect(b.take(tokens[0] as string)).toBeUndefined();
  });

  it('hands over the rows of an announced token once, less those a read already published', () => {
    const h = opened('p-take');
    const t1 = h.token();
    const t2 = h.token();
    h.hold(t1, [row('1'), row('2')]);
    h.hold(t2, [row('3')]);
    expect(h.size()).toBe(3);
    h.forget(new Set(['2', '3']));
    expect(h.take(t1)?.map((r) => r.id)).toEqual(['1']);
    expect(h.take(t1)).toBeUndefined();
    // Its only row was read: the token is still known (no read needed), with nothing to send.
    expect(h.take(t2)).toEqual([]);
    expect(h.size()).toBe(0);
  });

  it('drops what a rolled-back transaction held once its notification is long overdue', () => {
    const h = opened('p-expire');
    const t = h.token();
    h.hold(t, [row('1')]);
    h.expire(Date.now() + 29_000);
    expect(h.size()).toBe(1);
    h.expire(Date.now() + 31_000);
    expect(h.size()).toBe(0);
    expect(h.take(t)).toBeUndefined();
  });

  it('stops holding past its bound, so a stalled relay cannot grow it without limit', () => {
    const h = opened('p-bound');
    for (let i = 0; i < 20; i++) h.hold(h.token(), Array.from({ length: 1_000 }, (_, j) => row(String(i * 1_000 + j))));
    expect(h.size()).toBe(20_000);
    expect(h.token()).toBe('');
    h.close();
    expect(h.size()).toBe(0);
  });
});
