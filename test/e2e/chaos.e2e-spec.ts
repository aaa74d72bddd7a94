import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAOS_SERVICES, type ChaosReport, PlatformProcesses, runChaos } from '../../tools/harness';

/**
 * The short variant of `npm run chaos`: every back-end service killed with -9 while bookings
 * (each event delivered 2-5 times, some out of order) and crash alerts (resent with DUP) flow,
 * Postgres connections cut, poison mixed in, a consumer-group rebalance. Nothing may be lost or
 * doubled. The full run (20+ kills per service, broker restarts) is `npm run chaos`.
 */
describe('fault injection (short run)', () => {
  const platform = new PlatformProcesses();
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
      log: () => undefined,
    });
  }, 300_000);
  afterAll(() => platform.stopAll());

  it('injected the faults it promises', () => {
    expect(Object.keys(report.kills).sort()).toEqual(['booking-ingest', 'claims-trigger', 'policy', 'pricing']);
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
    expect(report.deadLetters.found).toBe(report.deadLetters.injected);
    expect(report.deadLetters.withReason).toBe(report.deadLetters.found);
  });

  it('dead-lettered a record that fails in its handler every time after the attempt limit, while its partition kept flowing', () => {
    // The stale-tariff extension (tools/harness/chaos/stale-tariff.ts); the bookings behind it on its
    // partition are in the ledger above (0 lost).
    expect(report.deterministicFailures).toEqual({ injected: 1, deadLettered: 1, attempts: [5] });
  });

  it('reports no violation and recovered to zero consumer lag', () => {
    expect(report.violations).toEqual([]);
    expect(report.recoverySeconds).not.toBeNull();
    expect(report.recoverySeconds).toBeLessThanOrEqual(60);
  });
});
