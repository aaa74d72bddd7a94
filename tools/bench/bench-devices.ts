import { asMessage, bookingEvent, DeviceGateways, jstMinutesFromNow, newBooking, waitUntil } from '../harness';
import type { BenchDevice, PlatformRun } from './bench-run';

/**
 * The bench's fleet: one gateway per car, as a real fleet has. A car's crash alerts are applied
 * one at a time (per-vehicle order, docs/claims.md), so with 100 gateways the 1,000/s FNOL stage
 * had each car crash ten times a second and measured one car's commit rate as much as the
 * platform's; a real fleet's 1,000 alerts/s come from about 1,000 cars.
 */
export const BENCH_FLEET = 1_000;

/** Registrations in flight at once: each is an HTTP call and a dynamic-security update over MQTT. */
const REGISTERING_AT_ONCE = 25;

/** Gateways on vehicles whose bookings are bound and started, so every alert is a covered accident. */
export async function registerCoveredDevices(run: Omit<PlatformRun, 'devices'>, gateways: DeviceGateways, fleet = BENCH_FLEET): Promise<BenchDevice[]> {
  run.say(`registering ${fleet} devices on covered vehicles`);
  const covered = Array.from({ length: fleet }, () => newBooking({ startsAt: jstMinutesFromNow(0), endsAt: jstMinutesFromNow(24 * 60) }));
  await run.probe.produce(run.bookingTopic, covered.flatMap((b) => [asMessage(bookingEvent(b, 'booking.created', 1)), asMessage(bookingEvent(b, 'booking.confirmed', 2)), asMessage(bookingEvent(b, 'booking.started', 3))]));
  await waitUntil(() => covered.every((b) => run.boundAt.has(b.bookingId)), 120_000);
  const devices: BenchDevice[] = [];
  for (let i = 0; i < covered.length; i += REGISTERING_AT_ONCE) {
    const registered = await Promise.all(
      covered.slice(i, i + REGISTERING_AT_ONCE).map(async (b) => {
        const creds = await gateways.register(b.vehicleId);
        return { id: creds.deviceId, client: await gateways.connect(creds) };
      }),
    );
    devices.push(...registered);
  }
  await new Promise((r) => setTimeout(r, 2_000)); // the binds' policy events reach every consumer
  return devices;
}

/** The bench's gateways: they reconnect on their own, as mqtt.js does by default. */
export const benchGateways = (): DeviceGateways => new DeviceGateways('bench-gw', { reconnectPeriod: 1_000 });
