import { describe, expect, it } from 'vitest';
import type Redis from 'ioredis';
import { VehicleDamageLookup } from './vehicle-damage.lookup';

function setup(flags: Record<string, string>) {
  const asked: string[][] = [];
  const redis = { mget: async (keys: string[]) => (asked.push(keys), keys.map((k) => flags[k] ?? null)) } as unknown as Redis;
  return { sut: new VehicleDamageLookup(redis), asked };
}

describe(VehicleDamageLookup.name, () => {
  it("names the partner vehicles whose flag is set, asking once per vehicle however many bookings share it", async () => {
    const { sut, asked } = setup({ 'vehicle-damage:a/v-1': 'rebuilt' });

    const damaged = await sut.withOpenDamage([{ partnerId: 'a', vehicleId: 'v-1' }, { partnerId: 'a', vehicleId: 'v-1' }, { partnerId: 'b', vehicleId: 'v-1' }]);

    expect([...damaged]).toEqual(['vehicle-damage:a/v-1']);
    expect(asked).toEqual([['vehicle-damage:a/v-1', 'vehicle-damage:b/v-1']]);
  });

  it('asks Redis nothing for a chunk with nothing to price', async () => {
    const { sut, asked } = setup({});
    expect((await sut.withOpenDamage([])).size).toBe(0);
    expect(asked).toEqual([]);
  });

  it('lets a Redis failure through, so a chunk is retried rather than priced unchecked', async () => {
    const redis = { mget: async () => Promise.reject(new Error('Connection is closed.')) } as unknown as Redis;
    await expect(new VehicleDamageLookup(redis).withOpenDamage([{ partnerId: 'a', vehicleId: 'v-1' }])).rejects.toThrow('Connection is closed.');
  });
});
