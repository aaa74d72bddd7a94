import { describe, expect, it } from 'vitest';
import { LiveEventBuffer, liveEventJson, matchesFilter } from './live-event-buffer';

const event = (n: number, type = 'com.kurumacover.policy.bound', partnerId = 'demo') => ({
  id: `ce-${n}`,
  type,
  time: '2026-12-01T10:00:00+09:00',
  partnerId,
  vehicleId: `v-${n % 3}`,
  dataJson: JSON.stringify({ n, label: 'quote "q" 1/2' }),
});

describe('LiveEventBuffer', () => {
  it('sends each event to browsers as one JSON object with its data nested, as stored', () => {
    const sut = new LiveEventBuffer(10);
    const live = sut.push(event(4, 'com.kurumacover.claim.fnol-opened', 'acme'));
    expect(JSON.parse(liveEventJson(live))).toEqual({
      streamId: live.streamId,
      seq: 1,
      id: 'ce-4',
      type: 'com.kurumacover.claim.fnol-opened',
      time: '2026-12-01T10:00:00+09:00',
      partnerId: 'acme',
      vehicleId: 'v-1',
      data: { n: 4, label: 'quote "q" 1/2' },
    });
  });

  it('resumes exactly after the last event the browser saw: no gap, no duplicate', () => {
    const sut = new LiveEventBuffer(100);
    const pushed = [1, 2, 3, 4, 5].map((n) => sut.push(event(n)));
    const { events, resumed } = sut.since(pushed[1]?.streamId);
    expect(resumed).toBe(true);
    expect(events.map((e) => e.id)).toEqual(['ce-3', 'ce-4', 'ce-5']);
  });

  it('keeps only the newest events within its capacity', () => {
    const sut = new LiveEventBuffer(3);
    for (let n = 1; n <= 10; n++) sut.push(event(n));
    expect(sut.size).toBe(3);
    expect(sut.since(undefined).events.map((e) => e.id)).toEqual(['ce-8', 'ce-9', 'ce-10']);
  });

  it('replays the whole ring when the id is from another console process or already evicted', () => {
    const sut = new LiveEventBuffer(3);
    for (let n = 1; n <= 10; n++) sut.push(event(n));
    expect(sut.since('otherepoch-9')).toMatchObject({ resumed: false });
    expect(sut.since(`${sut.epoch}-2`).resumed).toBe(false);
    expect(sut.since(`${sut.epoch}-2`).events).toHaveLength(3);
    expect(sut.since(`${sut.epoch}-7`)).toMatchObject({ resumed: true });
  });

  it('resumes exactly after wrapping around its capacity many times', () => {
    const sut = new LiveEventBuffer(7);
    for (let n = 1; n <= 25; n++) sut.push(event(n));
    expect(sut.since(`${sut.epoch}-20`)).toEqual({ resumed: true, events: expect.any(Array) });
    expect(sut.since(`${sut.epoch}-20`).events.map((e) => e.id)).toEqual(['ce-21', 'ce-22', 'ce-23', 'ce-24', 'ce-25']);
    expect(sut.since(`${sut.epoch}-25`).events).toEqual([]);
    expect(sut.since(undefined).events.map((e) => e.id)).toEqual(['ce-19', 'ce-20', 'ce-21', 'ce-22', 'ce-23', 'ce-24', 'ce-25']);
  });

  it('tells subscribers about each new event once', () => {
    const sut = new LiveEventBuffer(10);
    const seen: string[] = [];
    const unsubscribe = sut.subscribe((e) => seen.push(e.id));
    sut.push(event(1));
    unsubscribe();
    sut.push(event(2));
    expect(seen).toEqual(['ce-1']);
  });
});

describe('matchesFilter', () => {
  it('filters by partner, type and vehicle together', () => {
    const sut = new LiveEventBuffer(10).push(event(4, 'com.kurumacover.claim.fnol-opened', 'acme'));
    expect(matchesFilter(sut, {})).toBe(true);
    expect(matchesFilter(sut, { partnerId: 'acme', types: ['com.kurumacover.claim.fnol-opened'], vehicleId: 'v-1' })).toBe(true);
    expect(matchesFilter(sut, { partnerId: 'demo' })).toBe(false);
    expect(matchesFilter(sut, { types: ['com.kurumacover.policy.bound'] })).toBe(false);
    expect(matchesFilter(sut, { vehicleId: 'v-2' })).toBe(false);
  });
});
