import { describe, expect, it } from 'vitest';
import { StuckWatch } from './stuck-watch';

describe('finding 5: a consumer stuck on one record reports not ready', () => {
  const setup = () => {
    let now = 1_000_000;
    const sut = new StuckWatch(60_000, () => now);
    return { sut, advance: (ms: number) => (now += ms) };
  };

  it('is ready while records move on, however many there are', () => {
    const { sut, advance } = setup();
    for (let offset = 0; offset < 100; offset++) {
      sut.begin('carshare.booking-events.v1[3]', `offset ${offset}`);
      advance(1_000);
      sut.done('carshare.booking-events.v1[3]');
    }
    expect(() => sut.check()).not.toThrow();
    expect(sut.longestSeconds()).toBe(0);
  });

  it('turns not ready once one record has been retried past the limit, naming lane, position and error', () => {
    const { sut, advance } = setup();
    sut.begin('carshare.booking-events.v1[3]', 'offset 42');
    for (let i = 0; i < 5; i++) {
      advance(13_000);
      sut.failed('carshare.booking-events.v1[3]', new Error('value "2147483648" is out of range for type integer'));
      sut.begin('carshare.booking-events.v1[3]', 'offset 42');
    }
    expect(sut.longestSeconds()).toBe(65);
    expect(() => sut.check()).toThrow(/stuck on carshare\.booking-events\.v1\[3\] at offset 42 for 65 s, 5 failed attempts, last: value "2147483648"/);
  });

  it('counts a record that hangs without an answer as well', () => {
    const { sut, advance } = setup();
    sut.begin('mqtt kuruma-claims-trigger-1-3', 'devices/gw-1/crash');
    advance(61_000);
    expect(() => sut.check()).toThrow(/no answer yet/);
  });

  it('recovers as soon as the lane moves on', () => {
    const { sut, advance } = setup();
    sut.begin('lane', 'offset 1');
    advance(120_000);
    expect(() => sut.check()).toThrow();
    sut.begin('lane', 'offset 2');
    expect(() => sut.check()).not.toThrow();
    sut.done('lane');
    expect(sut.longestSeconds()).toBe(0);
  });
});
