import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAOS_SERVICE_ENV, CHAOS_SERVICES, type ChaosReport, PlatformProcesses, runChaos } from '../../tools/harness';

/**
 * The short variant of `npm run chaos`: every back-end service killed with -9 while bookings
 * (each event delivered 2-5 times, some out of order) and crash alerts (resent with DUP) flow,
 * Postgres connections cut, poison mixed in, a consumer-group rebalance. Nothing may be lost or
 * doubled, and a partner's webhook receiver that is down, slow, answering 500 or 410 in turn gets
 * every policy and claim event once it recovers. The full run (20+ kills per service, broker restarts) is `npm run chaos`.
 */
describe('fault injection (short run)', () => {
  const platform = new PlatformProcesses(CHAOS_SERVICE_ENV);
  let report: ChaosReport;

  beforeAll(async () => {
    await platform.start([...CHAOS_SERVICES]);
    report = await runChaos(platform, {
      bookings: 120,
      coveredAlerts: 12,
      uncoveredAlerts: 4,
      durationMs: 30_000,
      faultEveryMs: 3_500,
      faults: ['kill', 'kill', 'postgres-cut', 'kill', 'kill', 'rebalance', 'kill'],
      seed: 42,
      webhookWindowMs: 3_000,
      log: () => undefined,
    });
  }, 420_000); // five services to kill and restart, then the webhook receiver to settle
  afterAll(() => platform.stopAll());

  it('injected the faults it promises', () => {
    expect(Object.keys(report.kills).sort()).toEqual(['booking-ingest', 'claims-trigger', 'partner-webhooks', 'policy', 'pricing']);
    expect(report.faults['postgres-cut']).toBeGreaterThanOrEqual(1);
  });

  it('lost no policy and doubled none: each acknowledged booking has one policy in its final state', () => {
    expect(report.policies).toMatchObject({ lost: 0, duplicated: 0, wrongState: 0, missingBoundEvent: 0 });
    expect(report.policyTopic.conflicting).toBe(0);
  });

  it('turned every acknowledged alert into exactly one claim signal or incident, one claim per accident', () => {
    expect(report.claims).toMatchObject({ lost: 0, duplicated: 0 });
    expect(report.claims.incidents).toBeGreaterThanOrEqual(1);
  });

  it('dead-lettered exactly the injected poison, each with its reason', () => {
    // A poison send that timed out may have been written or not: it may add one dead letter.
    expect(report.deadLetters.found).toBeGreaterThanOrEqual(report.deadLetters.injected);
    expect(report.deadLetters.found).toBeLessThanOrEqual(report.deadLetters.injected + report.deadLetters.indeterminate);
    expect(report.deadLetters.withReason).toBe(report.deadLetters.found);
  });

  it('dead-lettered a record that fails in its handler every time after the attempt limit, while its partition kept flowing', () => {
    // The stale-tariff extension (tools/harness/chaos/stale-tariff.ts); the bookings behind it on its
    // partition are in the ledger above (0 lost).
    expect(report.deterministicFailures).toEqual({ injected: 1, deadLettered: 1, attempts: [5] });
  });

  it('delivered every policy and claim event of the partner to its misbehaving webhook receiver, signed, in order per booking', () => {
    expect(report.webhooks?.expected).toBeGreaterThan(0);
    expect(report.webhooks).toMatchObject({ missing: 0, badSignatures: 0, idMismatches: 0, unexpected: 0, outOfOrder: 0 });
    expect(report.webhooks?.delivered).toBe(report.webhooks?.expected);
  });

  it('reports no violation and recovered to zero consumer lag', () => {
    expect(report.violations).toEqual([]);
    expect(report.recoverySeconds).not.toBeNull();
    expect(report.recoverySeconds).toBeLessThanOrEqual(60);
  });
});
