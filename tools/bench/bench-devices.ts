import { asMessage, bookingEvent, DeviceGateways, jstMinutesFromNow, newBooking, waitUntil } from '../harness';
import type { DeviceCredentials } from '../harness';
import type { BenchDevice, PlatformRun } from './bench-run';

/** Registrations in flight at once: each is an HTTP call and dynamic-security commands over MQTT. */
const REGISTERING_AT_ONCE = 10;

/**
 * Gateways on vehicles whose bookings are bound and started, so every alert is a covered accident,
 * one gateway per car (`--fleet`, 100 by default). A car's crash alerts are applied one at a time
 * (per-vehicle order, docs/claims.md), so with 100 gateways the 1,000/s FNOL stage has each car
 * crash ten times a second and measures one car's commit rate as much as the platform's; a real
 * fleet's 1,000 alerts/s come from ~1,000 cars (`--fleet 1000`). Why 100 stays the default: every
 * registration adds a client and a role to Mosquitto's dynamic-security store, which the broker
 * rewrites whole on each change (docs/benchmarks.md, "The device path").
 */
export async function registerCoveredDevices(run: Omit<PlatformRun, 'devices'>, gateways: DeviceGateways, fleet: number): Promise<BenchDevice[]> {
  run.say(`registering ${fleet} devices on covered vehicles`);
  const covered = Array.from({ length: fleet }, () => newBooking({ startsAt: jstMinutesFromNow(0), endsAt: jstMinutesFromNow(24 * 60) }));
  await run.probe.produce(run.bookingTopic, covered.flatMap((b) => [asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)), asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2)), asMessage(bookingEvent(b, 'com.kurumacover.booking.started', 3))]));
  await waitUntil(() => covered.every((b) => run.boundAt.has(b.bookingId)), 120_000);
  const devices: BenchDevice[] = [];
  for (let i = 0; i < covered.length; i += REGISTERING_AT_ONCE) {
    const registered = await Promise.all(
      covered.slice(i, i + REGISTERING_AT_ONCE).map(async (b) => {
        const creds = await registerPatiently(gateways, b.vehicleId);
        return { id: creds.deviceId, client: await gateways.connect(creds) };
      }),
    );
    devices.push(...registered);
  }
  await new Promise((r) => setTimeout(r, 2_000)); // the binds' policy events reach every consumer
  return devices;
}

/** As a partner does: a 503 (the broker's administration busy or away) is tried again after a pause. */
async function registerPatiently(gateways: DeviceGateways, vehicleId: string, attempts = 20): Promise<DeviceCredentials> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await gateways.register(vehicleId);
    } catch (error) {
      if (attempt >= attempts || !/answered 503/.test((error as Error).message)) throw error;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

/** The bench's gateways: they reconnect on their own, as mqtt.js does by default. */
export const benchGateways = (): DeviceGateways => new DeviceGateways('bench-gw', { reconnectPeriod: 1_000 });
