import { describe, expect, it } from 'vitest';
import type Redis from 'ioredis';
import type { PolicyEventV1 } from '@kuruma/contracts';
import type { ConsumedRecord } from '@kuruma/data-access-messaging';
import type { DecodedRecord } from '@kuruma/service-kit';
import { CoverIndex } from './cover-index';
import { PolicyEventsKafkaHandler } from './policy-events.kafka-handler';

/** The few hash commands the cover index uses, in memory. */
function memoryRedis() {
  const hashes = new Map<string, Map<string, string>>();
  const hash = (key: string) => {
    const found = hashes.get(key) ?? new Map<string, string>();
    hashes.set(key, found);
    return found;
  };
  const redis = {
    pipeline() {
      const ops: (() => void)[] = [];
      const pipeline = {
        hset: (key: string, field: string, value: string) => (ops.push(() => void hash(key).set(field, value)), pipeline),
        hdel: (key: string, field: string) => (ops.push(() => void hash(key).delete(field)), pipeline),
        expire: () => pipeline,
        exec: async () => ops.forEach((op) => op()),
      };
      return pipeline;
    },
    hvals: async (key: string) => [...hash(key).values()],
  };
  return redis as unknown as Redis;
}

const event = (type: string, data: Record<string, unknown>): DecodedRecord<PolicyEventV1> => ({
  data: { type, data: { partnerId: 'demo', vehicleId: 'car-1', coverStart: '2026-12-01T10:00:00+09:00', coverEnd: '2026-12-01T12:00:00+09:00', ...data } } as unknown as PolicyEventV1,
  source: {} as ConsumedRecord,
});

describe(PolicyEventsKafkaHandler.name, () => {
  const during = new Date('2026-12-01T11:00:00+09:00');

  it('indexes the cover window of a bound policy for its partner vehicle', async () => {
    const index = new CoverIndex(memoryRedis());
    const sut = new PolicyEventsKafkaHandler(index);
    await sut.apply([event('policy.bound', { policyId: 'pol-1', status: 'bound' })]);
    expect(await index.policyAt({ partnerId: 'demo', vehicleId: 'car-1' }, during)).toBe('pol-1');
    expect(await index.policyAt({ partnerId: 'rival', vehicleId: 'car-1' }, during)).toBeNull();
    expect(await index.policyAt({ partnerId: 'demo', vehicleId: 'car-1' }, new Date('2026-12-01T12:00:01+09:00'))).toBeNull();
  });

  it('drops the window of a policy cancelled later in the same chunk', async () => {
    const index = new CoverIndex(memoryRedis());
    const sut = new PolicyEventsKafkaHandler(index);
    await sut.apply([event('policy.bound', { policyId: 'pol-2', status: 'bound' }), event('policy.cancelled', { policyId: 'pol-2', status: 'cancelled' })]);
    expect(await index.policyAt({ partnerId: 'demo', vehicleId: 'car-1' }, during)).toBeNull();
  });
});
