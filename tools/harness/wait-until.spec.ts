import { describe, expect, it } from 'vitest';
import { waitUntil } from './wait-until';

describe(waitUntil.name, () => {
  it('resolves true as soon as the condition holds, async conditions included', async () => {
    let polls = 0;
    expect(await waitUntil(async () => ++polls === 3, 5_000, 1)).toBe(true);
    expect(polls).toBe(3);
  });

  it('resolves false once the time is up, leaving the verdict to the caller', async () => {
    const started = Date.now();
    expect(await waitUntil(() => false, 50, 10)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
  });
});
