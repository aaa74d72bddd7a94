import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { AUTHENTICATED_PARTNER_HEADER, type BookingEventV1 } from '@kuruma/contracts';
import type { PartnerRepository } from '@kuruma/data-access-db';
import type { ConsumedRecord } from '@kuruma/data-access-messaging';
import { type DecodedRecord, KafkaChunkContext, ServiceMetrics, ServiceTracing, TopicNames } from '@kuruma/service-kit';
import type { AcceptBookingEventsUseCase, AuthenticatedBookingEvent } from './accept-booking-events.use-case';
import { BookingEventRefusals } from './booking-event-refusals';
import { BookingEventsKafkaHandler } from './booking-events.kafka-handler';
import { KnownPartners } from '../partners/known-partners';

const topics = new TopicNames('test.');

function event(partnerId: string, bookingId: string): BookingEventV1 {
  return {
    specversion: '1.0', id: `${bookingId}-1`, source: `partner/${partnerId}`, type: 'com.kurumacover.booking.created', subject: bookingId, time: '2026-12-01T10:00:00Z', datacontenttype: 'application/json',
    data: {
      bookingId, partnerId, startsAt: '2026-12-02T10:00:00+09:00', endsAt: '2026-12-02T16:00:00+09:00', plan: 'standard', sequence: 1,
      vehicle: { vehicleId: 'v-1', category: 'ordinary', modelRatingClass: 5, firstRegistration: '2024-06', eco: false, asv: true, plateClassification: '300', ownership: 'fleet', rental: false },
      driver: { driverId: 'd-1', age: 34, licenceColour: 'gold', grade: 12 },
    },
  } as BookingEventV1;
}

let offset = 0;
function record(topic: string, key: string | null, headers: Record<string, string> = {}): ConsumedRecord {
  return { topic, partition: 0, offset: String(offset++), key, value: Buffer.from('{}'), headers, timestamp: '0' };
}

function setup() {
  const applied: AuthenticatedBookingEvent[][] = [];
  const useCase = { execute: async (events: AuthenticatedBookingEvent[]) => void applied.push(events) } as unknown as AcceptBookingEventsUseCase;
  const partners = new KnownPartners({ findById: async (id: string) => (['demo', 'rival'].includes(id) ? { id } : null) } as unknown as PartnerRepository);
  const metrics = new ServiceMetrics('booking-ingest');
  const sut = new BookingEventsKafkaHandler(useCase, partners, topics, new BookingEventRefusals(metrics, pino({ level: 'silent' })), new ServiceTracing('booking-ingest', metrics));
  const deadLettered = async () => (await metrics.registry.getSingleMetric('kuruma_booking_events_dead_lettered_total')?.get())?.values.map((v) => [v.labels['reason'], v.value]);
  return { sut, applied, deadLettered };
}

const decoded = (data: BookingEventV1, source: ConsumedRecord): DecodedRecord<BookingEventV1> => ({ data, source });
const chunkOf = (records: DecodedRecord<BookingEventV1>[], refused: { record: ConsumedRecord; reason: string }[] = []) =>
  new KafkaChunkContext([[...records.map((r) => r.source), ...refused.map((r) => r.record)], 'test.booking-ingest', refused]);

describe(BookingEventsKafkaHandler.name, () => {
  it("applies a partner's event from its own topic and a webhook event with its authenticated partner, in one call", async () => {
    const { sut, applied } = setup();
    const own = decoded(event('demo', 'b-1'), record('test.partner.demo.booking-events.v1', 'b-1'));
    const webhook = decoded(event('rival', 'b-2'), record('test.carshare.booking-events.v1', 'b-2', { [AUTHENTICATED_PARTNER_HEADER]: 'rival' }));
    const chunk = chunkOf([own, webhook]);

    await sut.accept([own, webhook], chunk);

    expect(applied).toEqual([[expect.objectContaining({ partnerId: 'demo', event: own.data }), expect.objectContaining({ partnerId: 'rival', event: webhook.data })]]);
    expect(chunk.getRefusals()).toEqual([]);
  });

  it("continues the partner record's trace in the accepted event, and starts one for a record without it", async () => {
    const { sut, applied } = setup();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const traced = decoded(event('demo', 'b-1'), record('test.partner.demo.booking-events.v1', 'b-1', { traceparent: `00-${traceId}-00f067aa0ba902b7-01` }));
    const untraced = decoded(event('demo', 'b-2'), record('test.partner.demo.booking-events.v1', 'b-2', { traceparent: 'hostile' }));

    await sut.accept([traced, untraced], chunkOf([traced, untraced]));

    const [first, second] = applied[0] ?? [];
    expect(first?.trace?.['traceparent']).toMatch(new RegExp(`^00-${traceId}-(?!00f067aa0ba902b7)[0-9a-f]{16}-01$`));
    expect(second?.trace?.['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(second?.trace?.['traceparent']).not.toContain(traceId);
  });

  it('refuses an event for another partner, from an unknown partner, with no authenticated sender, or keyed by anything but its booking', async () => {
    const { sut, applied } = setup();
    const impostor = decoded(event('rival', 'b-3'), record('test.partner.demo.booking-events.v1', 'b-3'));
    const unknown = decoded(event('ghost', 'b-4'), record('test.carshare.booking-events.v1', 'b-4', { [AUTHENTICATED_PARTNER_HEADER]: 'ghost' }));
    const anonymous = decoded(event('demo', 'b-5'), record('test.carshare.booking-events.v1', 'b-5'));
    const misKeyed = decoded(event('demo', 'b-6'), record('test.partner.demo.booking-events.v1', 'v-1'));
    const chunk = chunkOf([impostor, unknown, anonymous, misKeyed]);

    await sut.accept([impostor, unknown, anonymous, misKeyed], chunk);

    expect(applied).toEqual([[]]);
    expect(chunk.getRefusals().map((r) => [r.record.key, r.reason])).toEqual([
      ['b-3', 'partner-mismatch: the record was published by partner demo, but the event claims partner rival'],
      ['b-4', 'unknown-partner: ghost'],
      ['b-5', 'partner-mismatch: the record has no authenticated partner, but the event claims partner demo'],
      ['v-1', 'wrong-key: record key must be the bookingId (b-6)'],
    ]);
  });

  it("does not take another namespace's partner topic for a partner's own", async () => {
    const { sut, applied } = setup();
    const foreign = decoded(event('demo', 'b-7'), record('other.partner.demo.booking-events.v1', 'b-7'));
    const chunk = chunkOf([foreign]);

    await sut.accept([foreign], chunk);

    expect(applied).toEqual([[]]);
    expect(chunk.getRefusals()[0]?.reason).toMatch(/^partner-mismatch: the record has no authenticated partner/);
  });

  it('counts every dead letter of the chunk by reason code, those that failed the schema included', async () => {
    const { sut, deadLettered } = setup();
    const impostor = decoded(event('rival', 'b-8'), record('test.partner.demo.booking-events.v1', 'b-8'));
    const chunk = chunkOf([impostor], [{ record: record('test.partner.demo.booking-events.v1', 'b-9'), reason: 'schema-violation: data.plan: invalid' }]);

    await sut.accept([impostor], chunk);

    expect(await deadLettered()).toEqual(expect.arrayContaining([['schema-violation', 1], ['partner-mismatch', 1]]));
  });
});
