import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PartnerRepository } from '@kuruma/data-access-db';
import { KnownPartners } from './known-partners';

function setup(ttlMs = 30_000) {
  const lookups: string[] = [];
  const known = new Set(['demo']);
  const repo = { findById: async (id: string) => (lookups.push(id), known.has(id) ? { id } : null) } as unknown as PartnerRepository;
  return { sut: new KnownPartners(repo, ttlMs), lookups, known };
}

describe(KnownPartners.name, () => {
  afterEach(() => vi.useRealTimers());

  it('answers known and unknown partners, asking the database once per partner within the TTL', async () => {
    const { sut, lookups } = setup();
    expect(await sut.exists('demo')).toBe(true);
    expect(await sut.exists('demo')).toBe(true);
    expect(await sut.exists('ghost')).toBe(false);
    expect(await sut.exists('ghost')).toBe(false);
    expect(lookups).toEqual(['demo', 'ghost']);
  });

  it('sees a partner onboarded after a miss once the TTL has passed', async () => {
    vi.useFakeTimers({ now: new Date('2026-12-01T00:00:00Z') });
    const { sut, known } = setup(30_000);
    expect(await sut.exists('acme')).toBe(false);
    known.add('acme');
    vi.advanceTimersByTime(29_000);
    expect(await sut.exists('acme')).toBe(false);
    vi.advanceTimersByTime(2_000);
    expect(await sut.exists('acme')).toBe(true);
  });
});
