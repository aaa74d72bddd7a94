import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { asMessage, bookingEvent, jstMinutesFromNow, KafkaProbe, newBooking, PlatformProcesses, SteadyBookings, TEST_ENV, testTopic, waitUntil, type AppName } from '../../tools/harness';
import { PartnerTopics } from '@kuruma/contracts';

const SERVICES: AppName[] = ['booking-ingest', 'pricing', 'policy'];
const log = (msg: string) => console.log(`[two instances] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Two instances of booking-ingest, pricing and policy, as `npm start -- --instances 2` runs them:
 * the same consumer groups, their own ports. Under a steady flow of bookings the instance of each
 * service whose outbox relay publishes (the holder of its Postgres advisory lock) is killed with
 * -9 and stays down: the other instance must take over its partitions, its relay and the
 * late-return job, losing and doubling nothing.
 */
describe('two instances of each service, one killed under load', () => {
  const platform = new PlatformProcesses();
  const flow = new SteadyBookings(31);
  const db = new pg.Pool({ connectionString: TEST_ENV['DATABASE_URL'], max: 2 });
  const killed: Record<string, string> = {};
  const takeoverMs: Record<string, number> = {};
  let verdict: Awaited<ReturnType<SteadyBookings['stopAndVerify']>>;
  let lateBookingId = '';

  /** The process whose outbox relay holds `producer`'s lock (its application_name carries the pid). */
  const relayLeaderPid = async (producer: string): Promise<number | null> => {
    const { rows } = await db.query<{ application_name: string }>(
      `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database() AND a.application_name LIKE $1`,
      [`${producer}-outbox-relay %`],
    );
    const pid = /outbox-relay (\d+)@/.exec(rows[0]?.application_name ?? '')?.[1];
    return pid ? Number(pid) : null;
  };

  beforeAll(async () => {
    await platform.start(SERVICES, 180_000);
    for (const app of SERVICES) await platform.startExtra(app, `${app}#2`, 1, 180_000);
    await flow.start(100);
    await sleep(5_000);
    for (const app of SERVICES) {
      // policy publishes through its outbox: kill the instance holding the relay's lock. The others
      // publish straight from their consumers: kill the first instance.
      const leader = app === 'policy' ? await relayLeaderPid(app) : platform.pids()[app];
      const name = Object.entries(platform.pids()).find(([, pid]) => pid === leader)?.[0];
      if (!name) throw new Error(`no running instance of ${app} holds its outbox relay lock (pid ${leader})`);
      const killedAt = Date.now();
      await platform.killByName(name);
      killed[app] = name;
      if (app !== 'policy') continue;
      const survivor = Object.entries(platform.pids()).find(([n]) => n === app || n === `${app}#2`)?.[1];
      if (await waitUntil(async () => (await relayLeaderPid(app)) === survivor, 30_000, 50)) takeoverMs[app] = Date.now() - killedAt;
    }
    log(`killed ${JSON.stringify(killed)}; relay taken over after ${JSON.stringify(takeoverMs)} ms`);
    // A driver who does not bring the car back: its cover ends within the late-return lead time.
    const probe = new KafkaProbe();
    // An hour booked, as bind-pipeline's late-return case: the test stack extends cover ending within the hour.
    const late = newBooking({ startsAt: jstMinutesFromNow(0), endsAt: jstMinutesFromNow(60) });
    lateBookingId = late.bookingId;
    await probe.produce(testTopic(PartnerTopics.bookingEvents('demo')), [1, 2, 3].map((seq) => asMessage(bookingEvent(late, (['com.kurumacover.booking.created', 'com.kurumacover.booking.confirmed', 'com.kurumacover.booking.started'] as const)[seq - 1], seq))));
    await probe.close();
    await sleep(15_000);
    verdict = await flow.stopAndVerify();
    log(JSON.stringify({ bookings: verdict.operations.bookings, policies: verdict.policies, policyTopic: verdict.policyTopic, violations: verdict.violations.slice(0, 20) }));
  }, 600_000);
  afterAll(async () => {
    await platform.stopAll();
    await db.end();
  });

  it('killed one instance of each service, for policy the one publishing its outbox', () => {
    expect(Object.keys(killed).sort()).toEqual([...SERVICES].sort());
  });

  it("gave the killed relay's lock to the surviving policy instance", () => {
    expect(Object.keys(takeoverMs)).toEqual(['policy']);
  });

  it('lost no acknowledged booking and doubled no policy', () => {
    expect(verdict.operations.bookings.ok).toBeGreaterThan(50);
    expect(verdict.policies).toMatchObject({ lost: 0, duplicated: 0, wrongState: 0, missingBoundEvent: 0 });
    expect(verdict.policyTopic.conflicting).toBe(0);
    expect(verdict.violations).toEqual([]);
    expect(verdict.lagZeroAt).not.toBeNull();
  });

  it('extended a late driver\'s cover from the surviving policy instance', async () => {
    const extended = async () =>
      (await db.query('SELECT count(*)::int AS n FROM endorsement e JOIN policy p ON p.id = e.policy_id WHERE p.booking_id = $1 AND e.cover_end_after > e.cover_end_before', [lateBookingId])).rows[0].n > 0;
    expect(await waitUntil(extended, 30_000, 500)).toBe(true);
  });
});
