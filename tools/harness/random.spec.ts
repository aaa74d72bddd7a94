import { describe, expect, it } from 'vitest';
import { Random } from './random';

describe(Random.name, () => {
  const draws = (sut: Random) => Array.from({ length: 50 }, () => sut.next());

  it('replays the same sequence for the same seed, so a chaos run or a simulated day can be repeated', () => {
    expect(draws(new Random(42))).toEqual(draws(new Random(42)));
    expect(draws(new Random(42))).not.toEqual(draws(new Random(7)));
  });

  it('draws in [0, 1) and picks only from the list given', () => {
    const sut = new Random(7);
    for (const x of draws(sut)) expect(x >= 0 && x < 1).toBe(true);
    for (let i = 0; i < 50; i++) expect(['bound', 'cancelled', 'ended']).toContain(sut.pick(['bound', 'cancelled', 'ended']));
  });
});
