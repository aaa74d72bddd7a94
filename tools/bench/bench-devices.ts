import { asMessage, bookingEvent, DeviceGateways, jstMinutesFromNow, newBooking, waitUntil } from '../harness';
import type { BenchDevice, PlatformRun } from './bench-run';

/** 100 gateways on vehicles whose bookings are bound and started, so every alert is a covered accident. */
export async function registerCoveredDevices(run: Omit<PlatformRun, 'devices'>, gateways: DeviceGateways): Promise<BenchDevice[]> {
  run.say('registering 100 devices on covered vehicles');
  const covered = Array.from({ length: 100 }, () => newBooking({ startsAt: jstMinutesFromNow(0), endsAt: jstMinutesFromNow(24 * 60) }));
  await run.probe.produce(run.bookingTopic, covered.flatMap((b) => [asMessage(bookingEvent(b, 'booking.created', 1)), asMessage(bookingEvent(b, 'booking.confirmed', 2)), asMessage(bookingEvent(b, 'booking.started', 3))]));
  await waitUntil(() => covered.every((b) => run.boundAt.has(b.bookingId)), 60_000);
  const devices: BenchDevice[] = [];
  for (const b of covered) {
    const creds = await gateways.register(b.vehicleId);
    devices.push({ id: creds.deviceId, client: await gateways.connect(creds) });
  }
  await new Promise((r) => setTimeout(r, 2_000)); // cover index catches up with the binds
  return devices;
}

/** The bench's gateways: they reconnect on their own, as mqtt.js does by default. */
export const benchGateways = (): DeviceGateways => new DeviceGateways('bench-gw', { reconnectPeriod: 1_000 });
