import { describe, expect, it } from 'vitest';
import type { BookingAcceptedV1, BookingPricedV1 } from '@kuruma/contracts';
import type { ConsumedRecord, EventProducer, OutgoingRecord } from '@kuruma/data-access-messaging';
import { ServiceMetrics, ServiceTracing, TopicNames } from '@kuruma/service-kit';
import { BookingAcceptedController } from './booking-accepted.controller';
import type { PriceBookingEventsUseCase } from './price-booking-events.use-case';

const accepted = (bookingId: string) => ({ partnerId: 'demo', event: { id: `${bookingId}-1`, data: { bookingId } } }) as unknown as BookingAcceptedV1;
const source = { topic: 'test.kuruma.booking-accepted.v1', partition: 0, offset: '0', key: null, value: null, headers: {}, timestamp: '0' } as ConsumedRecord;

function setup(failPublish = false) {
  const sent: OutgoingRecord[][] = [];
  const producer = { send: async (records: OutgoingRecord[]) => (failPublish ? Promise.reject(new Error('broker down')) : void sent.push(records)) } as unknown as EventProducer;
  const executed: BookingAcceptedV1[][] = [];
  // Prices each event by passing it through, as the use case does with non-bookable types.
  const useCase = {
    execute: async (events: BookingAcceptedV1[], publish: (priced: BookingPricedV1[]) => Promise<void>) => {
      executed.push(events);
      await publish(events.map((e) => ({ ...e, pricedAt: '2026-12-01T00:00:00.000Z' }) as BookingPricedV1));
    },
  } as unknown as PriceBookingEventsUseCase;
  return { sut: new BookingAcceptedController(useCase, producer, new TopicNames('test.'), new ServiceTracing('pricing', new ServiceMetrics('pricing'))), sent, executed };
}

describe(BookingAcceptedController.name, () => {
  it("prices the chunk's events in one call and publishes each to the deployment's priced topic, keyed by booking", async () => {
    const { sut, sent, executed } = setup();

    await sut.price([{ data: accepted('b-1'), source }, { data: accepted('b-2'), source }]);

    expect(executed).toEqual([[accepted('b-1'), accepted('b-2')]]);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.map((r) => [r.topic, r.key, (JSON.parse(r.value as string) as BookingPricedV1).event.id])).toEqual([
      ['test.kuruma.booking-priced.v1', 'b-1', 'b-1-1'],
      ['test.kuruma.booking-priced.v1', 'b-2', 'b-2-1'],
    ]);
  });

  it('fails the chunk when the priced events cannot be published, so its offsets are not committed', async () => {
    const { sut } = setup(true);
    await expect(sut.price([{ data: accepted('b-3'), source }])).rejects.toThrow('broker down');
  });
});
