import { SingleBar, Presets } from 'cli-progress';
import type { Producer } from 'kafkajs';
import mqtt, { type MqttClient } from 'mqtt';
import { parseBusinessClock } from '@kuruma/config';
import { deviceTopic } from '@kuruma/contracts';
import { BusinessClock } from '@kuruma/service-kit';
import { planSimulatedMonth, publishAlert, Random, runSimulatedMonth, type SimMonthBooking } from '../harness';

export interface MonthModeOptions {
  /** Japan month, YYYY-MM. */
  month: string;
  bookingsPerDay: number;
  seed: number;
  quiet: boolean;
  producer: Producer;
  topic: string;
  env: { MQTT_URL: string; CLAIMS_TRIGGER_URL: string; DEMO_PARTNER_API_KEY: string };
}

/**
 * `npm run simulate -- --month 2026-11`: a month of the demo partner's bookings and crash alerts in
 * business time, sent as the business clock reaches each instant. The clock is the services' own:
 * BUSINESS_CLOCK_START, _ANCHOR and _RATE in this process's environment must be the ones the
 * services were started with (docs/ledger.md, "The simulated month"), and business time must not
 * be past the month's first day yet.
 */
export async function runMonthMode(options: MonthModeOptions): Promise<void> {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(options.month)) throw new Error(`--month: "${options.month}" is not a month like 2026-11`);
  const settings = parseBusinessClock(process.env);
  if (settings.mode !== 'simulated') throw new Error('--month needs the services\' simulated business clock: set BUSINESS_CLOCK_START, BUSINESS_CLOCK_ANCHOR and BUSINESS_CLOCK_RATE as for the services');
  const clock = BusinessClock.from(settings);
  const from = new Date(`${options.month}-01T00:00:00+09:00`);
  const [year, month] = options.month.split('-').map(Number) as [number, number];
  const to = new Date(Date.UTC(year, month, 1) - 9 * 3_600_000);
  if (clock.nowMs() > from.getTime() + 3_600_000) throw new Error(`business time is already ${clock.now().toISOString()}, past the start of ${options.month}: restart the services with a BUSINESS_CLOCK_START before it`);
  const bookings = planSimulatedMonth(new Random(options.seed), { from, to, bookingsPerDay: options.bookingsPerDay, partners: ['demo'], runTag: `${options.seed.toString(36)}${Date.now().toString(36)}`, clockRate: settings.rate });
  const gateways = new Map<string, { client: MqttClient; deviceId: string }>();
  for (const b of bookings.filter((x) => x.crash)) {
    const gateway = await registerGateway(b, options.env);
    if (gateway) gateways.set(b.vehicleId, gateway);
  }
  const total = bookings.reduce((n, b) => n + b.events.length + (b.crash ? 1 : 0) + (b.crash?.withdrawAt ? 1 : 0), 0);
  const bar = options.quiet ? null : new SingleBar({ format: `simulating ${options.month} |{bar}| {value}/{total} actions | business {business} | crash alerts {crashes}` }, Presets.shades_classic);
  bar?.start(total, 0, { business: clock.now().toISOString(), crashes: 0 });
  const run = await runSimulatedMonth({
    clock,
    bookings,
    until: to,
    transport: {
      sendBookingEvents: async (_partner, messages) => void (await options.producer.send({ topic: options.topic, acks: -1, messages })),
      sendCrashAlert: async (booking, alert) => {
        const gateway = gateways.get(booking.vehicleId);
        if (gateway) await publishAlert(gateway.client, deviceTopic(gateway.deviceId, 'crash'), JSON.stringify(alert));
      },
    },
    onProgress: (p) => bar?.update(p.sent, { business: p.businessNow.toISOString(), crashes: p.crashAlerts }),
  });
  bar?.stop();
  await Promise.all([...gateways.values()].map((g) => g.client.endAsync()));
  const endings = Object.fromEntries(['on-time', 'early', 'late', 'extended', 'cancelled', 'no-show'].map((e) => [e, bookings.filter((b) => b.ending === e).length]));
  console.log(`\nsimulated ${options.month}`);
  console.table({ seed: options.seed, bookings: bookings.length, ...endings, 'actions sent': run.sent, 'crash alerts': run.crashAlerts, withdrawn: run.withdrawals, 'gateways registered': gateways.size, 'runner lag, business minutes (max)': Math.round(run.maxLagMs / 60_000) });
}

async function registerGateway(b: SimMonthBooking, env: MonthModeOptions['env']): Promise<{ client: MqttClient; deviceId: string } | null> {
  const deviceId = `${b.vehicleId}-gw`;
  const res = await fetch(`${env.CLAIMS_TRIGGER_URL}/v1/devices/${encodeURIComponent(deviceId)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'x-api-key': env.DEMO_PARTNER_API_KEY },
    body: JSON.stringify({ vehicleId: b.vehicleId }),
  }).catch(() => null);
  if (!res?.ok) return null;
  const { mqtt: creds } = (await res.json()) as { mqtt: { username: string; password: string; clientId: string } };
  const client = await mqtt.connectAsync(env.MQTT_URL, { protocolVersion: 5, reconnectPeriod: 2_000, connectTimeout: 5_000, ...creds }).catch(() => null);
  return client ? { client, deviceId } : null;
}
