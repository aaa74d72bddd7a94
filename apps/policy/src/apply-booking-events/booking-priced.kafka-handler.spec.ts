import { describe, expect, it } from 'vitest';
import type { BookingPricedV1 } from '@kuruma/contracts';
import type { ConsumedRecord } from '@kuruma/data-access-messaging';
import { ServiceMetrics, ServiceTracing } from '@kuruma/service-kit';
import type { ApplyBookingEventsUseCase, ApplyResult } from './apply-booking-events.use-case';
import { BookingPricedKafkaHandler } from './booking-priced.kafka-handler';
import { PolicyOutcomes } from './policy-outcomes';

const priced = (id: string) => ({ partnerId: 'demo', acceptedAt: '2026-12-01T00:00:00Z', event: { id } }) as unknown as BookingPricedV1;
const source = { topic: 'test.kuruma.booking-priced.v1', partition: 0, offset: '0', key: 'b-1', value: null, headers: {}, timestamp: '0' } as ConsumedRecord;

function setup(result: ApplyResult) {
  const calls: BookingPricedV1[][] = [];
  const useCase = { execute: async (events: BookingPricedV1[]) => (calls.push(events), result) } as unknown as ApplyBookingEventsUseCase;
  const metrics = new ServiceMetrics('policy');
  const sut = new BookingPricedKafkaHandler(useCase, new PolicyOutcomes(metrics), new ServiceTracing('policy', metrics));
  const values = async (name: string) => ((await metrics.registry.getSingleMetric(name)?.get())?.values ?? []) as { value: number; labels: Record<string, string | number>; metricName?: string }[];
  return { sut, calls, values };
}

describe(BookingPricedKafkaHandler.name, () => {
  it('applies the decoded events of the chunk in one call, in order', async () => {
    const { sut, calls } = setup({ applied: 2, duplicates: 0, rejected: 0, bound: [] });
    await sut.apply([{ data: priced('e-1'), source }, { data: priced('e-2'), source }]);
    expect(calls).toEqual([[priced('e-1'), priced('e-2')]]);
  });

  it('counts applied, duplicate and rejected events and observes bind latency per bound policy', async () => {
    const { sut, values } = setup({ applied: 3, duplicates: 2, rejected: 1, bound: [{ bookingId: 'b-1', acceptedAt: new Date(Date.now() - 1_500).toISOString() }] });
    await sut.apply([{ data: priced('e-1'), source }]);
    const applied = Object.fromEntries((await values('kuruma_policy_events_applied_total')).map((v) => [v.labels['outcome'], v.value]));
    expect(applied).toEqual({ applied: 3, duplicate: 2, rejected: 1 });
    const latency = await values('kuruma_policy_bind_latency_seconds');
    expect(latency.find((v) => v.metricName === 'kuruma_policy_bind_latency_seconds_count')?.value).toBe(1);
    const sum = latency.find((v) => v.metricName === 'kuruma_policy_bind_latency_seconds_sum')?.value ?? 0;
    expect(sum).toBeGreaterThanOrEqual(1.5);
    expect(sum).toBeLessThan(5);
  });
});
