import type pg from 'pg';
import { DeadLetterHeaders } from '@kuruma/contracts';
import { asMessage, bookingEvent, jstMinutesFromNow, newBooking } from '../booking-events';
import type { KafkaProbe, ObservedRecord } from '../kafka-probe';
import { waitUntil } from '../wait-until';

/**
 * A record that fails deterministically: a policy bound under a tariff version whose file has since
 * changed (its content hash no longer matches, which the tariff registry refuses: prices must never
 * change) cannot be re-priced, so every extension of it fails the same way in policy. Past
 * CONSUMER_MAX_ATTEMPTS the extension must reach kuruma.booking-priced.v1.dlq with the reason and
 * its attempts, while the bookings behind it on the same partition keep binding.
 *
 * The booking goes through the public pipeline; the fault is the policy row's tariff version,
 * rewritten to a stale hash once the policy is bound, before the extension is sent.
 */
export async function injectStaleTariffExtension(probe: KafkaProbe, db: pg.Pool, bookingTopic: string): Promise<string> {
  const b = newBooking({ startsAt: jstMinutesFromNow(0), endsAt: jstMinutesFromNow(180) });
  await probe.produce(bookingTopic, [asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)), asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2))]);
  const bound = await waitUntil(async () => (await db.query("SELECT 1 FROM policy WHERE booking_id = $1 AND status = 'bound'", [b.bookingId])).rowCount === 1, 120_000);
  if (!bound) throw new Error(`stale-tariff booking ${b.bookingId} was not bound within 120 s`);
  await db.query("UPDATE policy SET tariff_version = split_part(tariff_version, '@', 1) || '@stale0000000000' WHERE booking_id = $1", [b.bookingId]);
  await probe.produce(bookingTopic, [asMessage(bookingEvent({ ...b, endsAt: jstMinutesFromNow(240) }, 'com.kurumacover.booking.extended', 3))]);
  return b.bookingId;
}

export interface StaleTariffVerdict {
  injected: number;
  deadLettered: number;
  attempts: number[];
}

/**
 * Each injected extension is on the priced topic's dead-letter topic once (copies of one original
 * offset are redeliveries), with a `handler-failed` reason and the attempt limit reached, and its
 * policy is still bound at its original end.
 */
export async function staleTariffVerdict(db: pg.Pool, records: ObservedRecord[], dlqTopic: string, bookingIds: string[], maxAttempts: number, violations: string[]): Promise<StaleTariffVerdict> {
  const attempts: number[] = [];
  let deadLettered = 0;
  for (const bookingId of bookingIds) {
    const letters = records.filter((r) => r.topic === dlqTopic && r.key === bookingId);
    const origins = new Set(letters.map((l) => `${l.headers[DeadLetterHeaders.originalPartition]}:${l.headers[DeadLetterHeaders.originalOffset]}`));
    if (origins.size !== 1) {
      violations.push(`stale-tariff booking ${bookingId}: ${origins.size} dead-lettered extensions (expected 1)`);
      continue;
    }
    deadLettered += 1;
    const letter = letters[0] as ObservedRecord;
    const reason = letter.headers[DeadLetterHeaders.reason] ?? '';
    const tries = Number(letter.headers[DeadLetterHeaders.attempts]);
    attempts.push(tries);
    if (!/^handler-failed: .*tariff .* has changed since it was used/.test(reason)) violations.push(`stale-tariff booking ${bookingId}: dead-letter reason "${reason.slice(0, 200)}"`);
    if (tries !== maxAttempts) violations.push(`stale-tariff booking ${bookingId}: dead-lettered after ${tries} attempts, the limit is ${maxAttempts}`);
  }
  const policies = (await db.query<{ booking_id: string; status: string; extended: boolean }>("SELECT booking_id, status, cover_end > cover_start + interval '3 hours' AS extended FROM policy WHERE booking_id = ANY($1)", [bookingIds])).rows;
  for (const id of bookingIds) {
    const p = policies.find((r) => r.booking_id === id);
    if (!p || p.status !== 'bound' || p.extended) violations.push(`stale-tariff booking ${id}: policy ${p ? `${p.status}${p.extended ? ', extended' : ''}` : 'missing'} (expected bound at its original end)`);
  }
  return { injected: bookingIds.length, deadLettered, attempts };
}
