import { randomUUID } from 'node:crypto';
import { baseUrl, waitUntil } from '../../harness';
import type { PlatformRun } from '../bench-run';
import { scrapeCounter } from '../service-metrics';

/**
 * Lock telemetry throughput: 80,000 messages (four seconds at the 20,000/s target) as fast as the
 * 100 gateways can publish, then the count claims-trigger processed must equal the count sent.
 */
export async function telemetryStage(run: PlatformRun): Promise<void> {
  const messages = 80_000;
  const inFlight = 2_000;
  // 100 of the fleet's gateways, the conditions this stage has been measured under since issue #16.
  const devices = (await run.devices()).slice(0, 100);
  const signals = () => scrapeCounter(baseUrl('claims-trigger'), 'kuruma_device_signals_total');
  const before = await signals();
  const bar = run.bars.create(messages, 0, { stage: 'telemetry', unit: 'messages' });
  const cpu = run.cpuWindow();
  const started = Date.now();
  for (let i = 0; i < messages; i += inFlight) {
    await Promise.all(
      Array.from({ length: Math.min(inFlight, messages - i) }, (_, j) => {
        const d = devices[(i + j) % devices.length];
        return d?.client.publishAsync(`devices/${d.id}/lock`, JSON.stringify({ eventId: randomUUID(), occurredAt: new Date().toISOString(), kind: (i + j) % 2 ? 'locked' : 'unlocked' }), { qos: 1 });
      }),
    );
    bar.update(i + inFlight);
  }
  const sentSeconds = (Date.now() - started) / 1000;
  await waitUntil(async () => (await signals()) - before >= messages, 120_000, 50);
  const processed = (await signals()) - before;
  const seconds = (Date.now() - started) / 1000;
  run.results['telemetry'] = {
    messages,
    processed,
    lost: Math.max(0, messages - processed),
    sentPerSec: Math.round(messages / sentSeconds),
    perSec: Math.round(processed / seconds),
    cpu: cpu.stop(processed, 'telemetry message'),
  };
}
