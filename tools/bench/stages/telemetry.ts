import { randomUUID } from 'node:crypto';
import { baseUrl, waitUntil } from '../../harness';
import type { PlatformRun } from '../bench-run';
import { scrapeCounter } from '../service-metrics';

/** Telemetry throughput: 20,000 lock messages as fast as the devices can send. */
export async function telemetryStage(run: PlatformRun): Promise<void> {
  const devices = await run.devices();
  const signals = () => scrapeCounter(baseUrl('claims-trigger'), 'kuruma_device_signals_total');
  const before = await signals();
  const bar = run.bars.create(20_000, 0, { stage: 'telemetry      ', unit: 'messages' });
  const started = Date.now();
  for (let i = 0; i < 20_000; i += 500) {
    await Promise.all(
      Array.from({ length: 500 }, (_, j) => {
        const d = devices[(i + j) % devices.length];
        return d?.client.publishAsync(`devices/${d.id}/lock`, JSON.stringify({ eventId: randomUUID(), occurredAt: new Date().toISOString(), kind: (i + j) % 2 ? 'locked' : 'unlocked' }), { qos: 1 });
      }),
    );
    bar.update(i + 500);
  }
  await waitUntil(async () => (await signals()) - before >= 20_000, 120_000);
  run.results['telemetry'] = { messages: 20_000, perSec: Math.round(20_000 / ((Date.now() - started) / 1000)) };
}
