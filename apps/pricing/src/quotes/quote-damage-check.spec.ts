import { describe, expect, it } from 'vitest';
import type Redis from 'ioredis';
import { VehicleDamageLookup } from '../vehicle-damage/vehicle-damage.lookup';
import { QuoteDamageCheck } from './quote-damage-check';

function setup(flags: Record<string, string>, fail?: Error) {
  const asked: string[][] = [];
  const redis = { mget: async (keys: string[]) => (asked.push(keys), fail ? Promise.reject(fail) : keys.map((k) => flags[k] ?? null)) } as unknown as Redis;
  return { sut: new QuoteDamageCheck(new VehicleDamageLookup(redis)), asked };
}

describe(QuoteDamageCheck.name, () => {
  it('answers each request for its own partner vehicle, with one Redis command for requests of the same turn', async () => {
    const { sut, asked } = setup({ 'vehicle-damage:a/v-1': 'open' });

    const answers = await Promise.all([sut.hasOpenDamage('a', 'v-1'), sut.hasOpenDamage('b', 'v-1'), sut.hasOpenDamage('a', 'v-2'), sut.hasOpenDamage('a', 'v-1')]);

    expect(answers).toEqual([true, false, false, true]);
    expect(asked).toEqual([['vehicle-damage:a/v-1', 'vehicle-damage:b/v-1', 'vehicle-damage:a/v-2']]);
  });

  it('keeps no answer: a flag set after one request is seen by the next', async () => {
    const flags: Record<string, string> = {};
    const { sut, asked } = setup(flags);
    expect(await sut.hasOpenDamage('a', 'v-1')).toBe(false);
    flags['vehicle-damage:a/v-1'] = 'open';
    expect(await sut.hasOpenDamage('a', 'v-1')).toBe(true);
    expect(asked).toHaveLength(2);
  });

  it('fails every request of a batch when Redis fails, so none is priced unchecked', async () => {
    const { sut } = setup({}, new Error('Connection is closed.'));
    const answers = await Promise.allSettled([sut.hasOpenDamage('a', 'v-1'), sut.hasOpenDamage('b', 'v-2')]);
    expect(answers.map((a) => a.status)).toEqual(['rejected', 'rejected']);
  });
});
