import pg from 'pg';
import { DeadLetterHeaders, PartnerTopics, Topics } from '@kuruma/contracts';
import { asMessage, bookingEvent, jstMinutesFromNow, newBooking } from './booking-events';
import { ledgerVerdict, type ChaosReport, type Outcome } from './chaos/ledger';
import { waitForZeroLag, withTimeout } from './chaos/fault-injection';
import { KafkaProbe } from './kafka-probe';
import { Random } from './random';
import { TEST_ENV, testTopic } from './test-env';

type Final = 'bound' | 'cancelled' | 'ended';

/**
 * A steady flow of bookings from the demo partner while something is done to the platform (a
 * broker killed, a service instance killed), then the chaos ledger over what arrived: each
 * acknowledged booking exactly one policy in its final state and its policy.bound on the topic.
 * Each event is sent twice (a partner retrying), so de-duplication is exercised too.
 */
export class SteadyBookings {
  readonly bookings = new Map<string, { final: Final; outcome: Outcome }>();
  private readonly probe = new KafkaProbe();
  private readonly random: Random;
  private running?: Promise<void>;
  private stopping = false;
  private readonly bookingTopic = testTopic(PartnerTopics.bookingEvents('demo'));
  private readonly policyTopic = testTopic(Topics.policyEvents);

  constructor(seed = 11) {
    this.random = new Random(seed);
  }

  /** Observes the policy topic, then sends one booking every `everyMs` until stop(). */
  async start(everyMs: number): Promise<void> {
    await this.probe.observe([this.policyTopic]);
    this.running = (async () => {
      while (!this.stopping) {
        await this.sendOne();
        await new Promise((r) => setTimeout(r, everyMs));
      }
    })();
  }

  private async sendOne(): Promise<void> {
    const final = this.random.pick(['bound', 'cancelled', 'ended'] as const);
    const b = newBooking(final === 'ended' ? { startsAt: jstMinutesFromNow(0), endsAt: jstMinutesFromNow(180) } : {});
    const events = [bookingEvent(b, 'com.kurumacover.booking.created', 1), bookingEvent(b, 'com.kurumacover.booking.confirmed', 2)];
    if (final === 'cancelled') events.push(bookingEvent(b, 'com.kurumacover.booking.cancelled', 3));
    if (final === 'ended') events.push(bookingEvent(b, 'com.kurumacover.booking.started', 3), bookingEvent(b, 'com.kurumacover.booking.ended', 4, { endedAt: jstMinutesFromNow(60) }));
    let outcome: Outcome = 'ok';
    try {
      await withTimeout(this.probe.produce(this.bookingTopic, events.flatMap((e) => [asMessage(e), asMessage(e)])), 20_000);
    } catch {
      outcome = 'indeterminate';
    }
    this.bookings.set(b.bookingId, { final, outcome });
  }

  /**
   * Stops the flow, waits until every consumer group of the services is back to lag 0 and every
   * acknowledged booking has its policy (or `timeoutMs` passes), then checks the ledger.
   */
  async stopAndVerify(timeoutMs = 180_000): Promise<ChaosReport & { lagZeroAt: number | null }> {
    this.stopping = true;
    await this.running;
    const db = new pg.Pool({ connectionString: TEST_ENV['DATABASE_URL'], max: 2 });
    try {
      // Only the booking path's groups: groups an earlier test file left (partner-webhooks, the console) are not running here.
      const lagZeroAt = await waitForZeroLag(TEST_ENV['KAFKA_GROUP_PREFIX'] as string, timeoutMs, ['booking-ingest', 'pricing', 'policy']);
      const acknowledged = [...this.bookings].filter(([, b]) => b.outcome === 'ok').map(([id]) => id);
      const deadline = Date.now() + timeoutMs;
      const bound = async () => Number((await db.query('SELECT count(DISTINCT booking_id)::int AS n FROM policy WHERE booking_id = ANY($1)', [acknowledged])).rows[0].n);
      const published = () => new Set(this.probe.records.filter((r) => r.json<{ type: string }>().type === 'com.kurumacover.policy.bound').map((r) => r.key)).size;
      while (Date.now() < deadline && ((await bound()) < acknowledged.length || published() < acknowledged.length)) await new Promise((r) => setTimeout(r, 500));
      await new Promise((r) => setTimeout(r, 2_000)); // copies a relay may still send
      const report = await ledgerVerdict({
        db,
        records: this.probe.records,
        policyTopic: this.policyTopic,
        claimTopic: testTopic(Topics.claimEvents),
        dlqTopic: testTopic(Topics.bookingEventsDlq),
        reasonHeader: DeadLetterHeaders.reason,
        bookings: this.bookings,
        alerts: new Map(),
        poison: new Map(),
      });
      return { ...report, lagZeroAt };
    } finally {
      await db.end();
      await this.probe.close();
    }
  }
}
