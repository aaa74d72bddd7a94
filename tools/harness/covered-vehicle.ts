import { PartnerTopics, Topics } from '@kuruma/contracts';
import { asMessage, bookingEvent, jstMinutesFromNow, newBooking } from './booking-events';
import type { KafkaProbe } from './kafka-probe';
import { testTopic } from './test-env';

/**
 * A demo-partner car with cover in force now: a booking created, confirmed and started on the
 * partner's topic, awaited until its `com.kurumacover.policy.bound` is on the public topic (the probe must observe
 * `insurance.policy-events.v1`). Returns the vehicle id, for a device to be registered on.
 */
export async function coveredVehicle(probe: KafkaProbe): Promise<string> {
  const policyTopic = testTopic(Topics.policyEvents);
  const b = newBooking({ startsAt: jstMinutesFromNow(-1), endsAt: jstMinutesFromNow(180) });
  await probe.produce(testTopic(PartnerTopics.bookingEvents('demo')), [
    asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)),
    asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2)),
    asMessage(bookingEvent(b, 'com.kurumacover.booking.started', 3)),
  ]);
  await probe.waitFor((rs) => rs.some((r) => r.topic === policyTopic && r.key === b.bookingId && r.json<{ type: string }>().type === 'com.kurumacover.policy.bound'), 30_000, 'com.kurumacover.policy.bound');
  return b.vehicleId;
}
