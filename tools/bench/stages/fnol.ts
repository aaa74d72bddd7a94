import { randomUUID } from 'node:crypto';
import { baseUrl, waitUntil } from '../../harness';
import type { PlatformRun } from '../bench-run';
import { measureHops } from '../hops';
import { refreshPlannerStatistics } from '../planner-statistics';
import { openLoop, percentiles } from '../latency';
import { scrapeHistogram, windowShares } from '../service-metrics';

/** FNOL at 200/s and 1,000/s: the fleet of registered gateways on covered vehicles, in turn, each alert a new accident. */
export async function fnolStage(run: PlatformRun): Promise<void> {
  const devices = await run.devices();
  const crash = (i: number) => {
    const d = devices[i % devices.length];
    return d?.client.publishAsync(`devices/${d.id}/crash`, JSON.stringify({ eventId: randomUUID(), occurredAt: new Date().toISOString(), peakG: 2.7 }), { qos: 1 });
  };
  // Steady state: 3 s of alerts at 200/s first, unmeasured (cold claim paths, pools).
  run.say('fnol: 3 s warm-up at 200/s (not measured)');
  run.fnolLatency.length = 0;
  await openLoop(200, 3, async (i) => void (await crash(i)));
  await waitUntil(() => run.fnolLatency.length >= 600, 30_000);
  refreshPlannerStatistics();
  // Where the time goes, as claims-trigger measures it: MQTT receipt -> committed claim, and
  // commit -> Kafka acknowledgement of the outbox batch (the rest is MQTT in and Kafka out).
  const claimsUrl = baseUrl('claims-trigger');
  const scrapeParts = async () => ({
    commit: await scrapeHistogram(claimsUrl, 'kuruma_device_signal_seconds'),
    kafka: await scrapeHistogram(claimsUrl, 'kuruma_outbox_publish_delay_seconds'),
  });
  for (const [rate, seconds] of [[200, 10], [1_000, 5]] as const) {
    const expected = rate * seconds;
    const bar = run.bars.create(expected, 0, { stage: `fnol ${rate}/s`.padEnd(15), unit: 'alerts' });
    run.fnolLatency.length = 0;
    const before = await scrapeParts();
    const cpu = run.cpuWindow();
    const { result: load, hops } = await measureHops(async () => {
      const held = await openLoop(rate, seconds, async (i) => void (await crash(i)), (n) => bar.update(n));
      await waitUntil(() => run.fnolLatency.length >= expected, 60_000);
      return held;
    });
    const after = await scrapeParts();
    run.results[`fnol${rate}`] = {
      ...percentiles(run.fnolLatency),
      expected,
      sentPerSec: load.sentPerSec,
      cpu: cpu.stop(run.fnolLatency.length, 'FNOL claim'),
      hops,
      receiptToCommit: windowShares(before.commit, after.commit),
      commitToKafka: windowShares(before.kafka, after.kafka),
    };
  }
}
