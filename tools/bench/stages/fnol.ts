import { randomUUID } from 'node:crypto';
import { baseUrl, waitUntil } from '../../harness';
import type { PlatformRun } from '../bench-run';
import { openLoop, percentiles } from '../latency';
import { scrapeHistogram, windowShares } from '../service-metrics';

/** FNOL at 200/s: 100 registered devices on covered vehicles, each alert a new accident. */
export async function fnolStage(run: PlatformRun): Promise<void> {
  const devices = await run.devices();
  const crash = (i: number) => {
    const d = devices[i % devices.length];
    return d?.client.publishAsync(`devices/${d.id}/crash`, JSON.stringify({ eventId: randomUUID(), occurredAt: new Date().toISOString(), peakG: 2.7 }), { qos: 1 });
  };
  // Steady state: 3 s of alerts at the same rate first, unmeasured (cold claim paths, pools).
  run.say('fnol: 3 s warm-up at 200/s (not measured)');
  await openLoop(200, 3, async (i) => void (await crash(i)));
  await waitUntil(() => run.fnolLatency.length >= 600, 30_000);
  const bar = run.bars.create(2_000, 0, { stage: 'fnol 200/s     ', unit: 'alerts' });
  run.fnolLatency.length = 0;
  // Where the time goes, as claims-trigger measures it: MQTT receipt -> committed claim, and
  // commit -> Kafka acknowledgement of the outbox batch (the rest is MQTT in and Kafka out).
  const claimsUrl = baseUrl('claims-trigger');
  const scrapeParts = async () => ({
    commit: await scrapeHistogram(claimsUrl, 'kuruma_device_signal_seconds'),
    kafka: await scrapeHistogram(claimsUrl, 'kuruma_outbox_publish_delay_seconds'),
  });
  const before = await scrapeParts();
  await openLoop(200, 10, async (i) => void (await crash(i)), (n) => bar.update(n));
  await waitUntil(() => run.fnolLatency.length >= 2_000, 60_000);
  const after = await scrapeParts();
  run.results['fnol200'] = {
    ...percentiles(run.fnolLatency),
    expected: 2_000,
    receiptToCommit: windowShares(before.commit, after.commit),
    commitToKafka: windowShares(before.kafka, after.kafka),
  };
}
