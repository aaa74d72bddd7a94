import { describe, expect, it } from 'vitest';
import { ServiceMetrics, ServiceTracing } from '@kuruma/service-kit';
import { DeviceSignalMetrics } from './device-signal.metrics';
import { DeviceSignalsMqttHandler } from './device-signals.mqtt-handler';
import type { HandleDeviceSignalUseCase, SignalOutcome } from './handle-device-signal.use-case';

const message = (topic: string, deviceId: string) => ({ topic, params: [deviceId], payload: Buffer.from('{"eventId":"e-1"}'), receivedAt: new Date(Date.now() - 40) });

type Trace = () => Record<string, string>;

function setup(execute: (deviceId: string, channel: 'crash' | 'lock', payload: Buffer, trace: Trace) => Promise<SignalOutcome>) {
  const metrics = new ServiceMetrics('claims-trigger');
  const calls: [string, string, string][] = [];
  const useCase = {
    execute: (deviceId: string, channel: 'crash' | 'lock', payload: Buffer, _now: undefined, trace: Trace) => {
      calls.push([deviceId, channel, payload.toString()]);
      return execute(deviceId, channel, payload, trace);
    },
  } as unknown as HandleDeviceSignalUseCase;
  const sut = new DeviceSignalsMqttHandler(useCase, new DeviceSignalMetrics(metrics), new ServiceTracing('claims-trigger', metrics));
  const counted = async () => (await metrics.registry.getSingleMetric('kuruma_device_signals_total')?.get())?.values.map((v) => [v.labels['outcome'], v.value]);
  const latencies = async () => Number(/^kuruma_device_signal_seconds_sum\{[^}]*\} (\S+)$/m.exec(await metrics.registry.getSingleMetricAsString('kuruma_device_signal_seconds'))?.[1]);
  return { sut, calls, counted, latencies };
}

describe(DeviceSignalsMqttHandler.name, () => {
  it('applies a crash alert of the device its topic names and counts the outcome, with its latency from receipt', async () => {
    const { sut, calls, counted, latencies } = setup(async () => 'claim-opened');
    await sut.crash(message('devices/gw-1/crash', 'gw-1'));
    expect(calls).toEqual([['gw-1', 'crash', '{"eventId":"e-1"}']]);
    expect(await counted()).toEqual([['claim-opened', 1]]);
    expect(await latencies()).toBeGreaterThanOrEqual(0.04);
  });

  it('applies a lock alert on the lock channel', async () => {
    const { sut, calls, counted } = setup(async () => 'telemetry');
    await sut.lock(message('devices/gw-2/lock', 'gw-2'));
    expect(calls).toEqual([['gw-2', 'lock', '{"eventId":"e-1"}']]);
    expect(await counted()).toEqual([['telemetry', 1]]);
  });

  it('rejects with the use case error, so the transport retries the alert unacknowledged, and counts nothing', async () => {
    const outage = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const { sut, counted } = setup(async () => {
      throw outage;
    });
    await expect(sut.crash(message('devices/gw-3/crash', 'gw-3'))).rejects.toBe(outage);
    expect(await counted()).toEqual([]);
  });

  it("hands the use case the alert's trace on demand: a child of the device's traceparent, made only when asked", async () => {
    const deviceTrace = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    let made: Record<string, string> | undefined;
    const { sut } = setup(async (_d, _c, _p, trace) => {
      made = trace();
      return 'claim-opened';
    });
    await sut.crash({ ...message('devices/gw-4/crash', 'gw-4'), userProperties: { traceparent: deviceTrace } });
    expect(made?.['traceparent']).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(made?.['traceparent']).not.toBe(deviceTrace);
  });
});
