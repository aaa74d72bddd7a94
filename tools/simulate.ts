/**
 * `npm run simulate -- --rate 50 --duration 10m --seed 42`: a carshare platform and its fleet.
 * Publishes booking lifecycles to `partner.demo.booking-events.v1` as the demo partner (its own
 * Kafka principal), registers the cars' gateways through `PUT /v1/devices/{id}` and, with each
 * device's own MQTT credentials,
 * publishes lock telemetry, a trip summary at the end of each trip and occasional crashes (three
 * drivers in five consent to driving data). Deterministic for a seed; progress bar while
 * it runs and a summary at the end.
 */
import { publishAlert, Random } from './harness';
import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import { Kafka, logLevel } from 'kafkajs';
import mqtt, { type MqttClient } from 'mqtt';
import { z } from 'zod';
import { demoPartnerKafkaVars, demoPartnerVars, kafkaCredentials, kafkaTransportVars, parseEnv } from '@kuruma/config';
import { type BookingEventV1, CLOUDEVENT_RECORD_HEADERS, KafkaPrincipals, PartnerTopics, deviceTopic, topicName } from '@kuruma/contracts';
import { kafkaAuthOptions } from '@kuruma/data-access-messaging';
import { buildDrivers, buildFleet, type SimVehicle } from './simulator/fleet';
import { scriptBooking, type SimBooking } from './simulator/booking-script';
import { runMonthMode } from './simulator/month-mode';

const env = parseEnv(
  z.object({
    KAFKA_BROKERS: z.string().default('127.0.0.1:9092'),
    KAFKA_TOPIC_NAMESPACE: z.string().default(''),
    MQTT_URL: z.string().default('mqtt://127.0.0.1:1884'),
    CLAIMS_TRIGGER_URL: z.string().url().default('http://127.0.0.1:3004'),
    ...demoPartnerVars,
    ...demoPartnerKafkaVars,
    ...kafkaTransportVars,
  }),
);

export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new Error(`--duration: "${text}" is not like 30s, 10m or 2h`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
}

interface Summary {
  bookings: number;
  events: Record<string, number>;
  crashes: number;
  lockMessages: number;
  tripSummaries: number;
  devicesRegistered: number;
  errors: number;
}

async function registerDevice(vehicle: SimVehicle): Promise<{ username: string; password: string; clientId: string } | null> {
  const res = await fetch(`${env.CLAIMS_TRIGGER_URL}/v1/devices/${encodeURIComponent(vehicle.deviceId)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'x-api-key': env.DEMO_PARTNER_API_KEY },
    body: JSON.stringify({ vehicleId: vehicle.vehicleId }),
  }).catch(() => null);
  if (!res || !res.ok) return null;
  const body = (await res.json()) as { mqtt: { username: string; password: string; clientId: string } };
  return body.mqtt;
}

function connectDevice({ username, password, clientId }: { username: string; password: string; clientId: string }): Promise<MqttClient | null> {
  return new Promise((resolve) => {
    const client = mqtt.connect(env.MQTT_URL, { clientId, username, password, protocolVersion: 5, reconnectPeriod: 2_000, connectTimeout: 5_000 });
    const timer = setTimeout(() => resolve(null), 6_000);
    client.once('connect', () => {
      clearTimeout(timer);
      resolve(client);
    });
    client.once('error', () => {
      clearTimeout(timer);
      client.end(true);
      resolve(null);
    });
  });
}

function toEvent(booking: SimBooking, index: number): BookingEventV1 {
  const scripted = booking.events[index];
  const endsAt = booking.events
    .slice(0, index + 1)
    .reduce((end, e) => (e.type === 'com.kurumacover.booking.extended' && e.endsAt ? e.endsAt : end), booking.endsAt.toISOString());
  return {
    specversion: '1.0',
    id: `${booking.bookingId}-e${index + 1}`,
    source: 'partner/demo',
    type: scripted.type,
    subject: booking.bookingId,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data: {
      bookingId: booking.bookingId,
      partnerId: 'demo',
      startsAt: booking.startsAt.toISOString(),
      endsAt,
      plan: booking.plan,
      vehicle: {
        vehicleId: booking.vehicle.vehicleId,
        category: booking.vehicle.category,
        modelRatingClass: booking.vehicle.modelRatingClass,
        firstRegistration: booking.vehicle.firstRegistration,
        eco: booking.vehicle.eco,
        asv: booking.vehicle.asv,
        plateClassification: booking.vehicle.plateClassification,
        ownership: booking.vehicle.ownership,
        ...(booking.vehicle.ownerDriverId ? { ownerDriverId: booking.vehicle.ownerDriverId } : {}),
        rental: false,
      },
      driver: booking.driver,
      sequence: index + 1,
      ...(scripted.endedAt ? { endedAt: scripted.endedAt } : {}),
    },
  } as BookingEventV1;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: '50' },
      duration: { type: 'string', default: '1m' },
      seed: { type: 'string', default: '42' },
      fleet: { type: 'string', default: '100' },
      drivers: { type: 'string', default: '2000' },
      'no-devices': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      // A month in business time (simulator/month-mode.ts), on the services' simulated clock.
      month: { type: 'string' },
      'bookings-per-day': { type: 'string', default: '100' },
    },
  });
  if (values.month) {
    const producer = new Kafka({ clientId: 'kuruma-simulator', brokers: env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING, ...kafkaAuthOptions(kafkaCredentials(env, KafkaPrincipals.partner('demo'), env.DEMO_PARTNER_KAFKA_PASSWORD)) }).producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      const topic = topicName(PartnerTopics.bookingEvents('demo'), env.KAFKA_TOPIC_NAMESPACE);
      await runMonthMode({ month: values.month, bookingsPerDay: Number(values['bookings-per-day']), seed: Number(values.seed), quiet: values.quiet ?? false, producer, topic, env });
    } finally {
      await producer.disconnect();
    }
    return;
  }
  const rate = Number(values.rate);
  const durationMs = parseDuration(values.duration ?? '10m');
  const seed = Number(values.seed);
  if (!(rate > 0)) throw new Error('--rate must be a positive number of bookings per second');
  const random = new Random(seed);
  const runTag = `${seed.toString(36)}${Date.now().toString(36)}`;
  const fleet = buildFleet(random, Number(values.fleet), runTag);
  const drivers = buildDrivers(random, Number(values.drivers), runTag);
  const summary: Summary = { bookings: 0, events: {}, crashes: 0, lockMessages: 0, tripSummaries: 0, devicesRegistered: 0, errors: 0 };

  const devices = new Map<string, MqttClient>();
  if (!values['no-devices']) {
    for (const vehicle of fleet) {
      const credentials = await registerDevice(vehicle);
      if (!credentials) {
        summary.errors += 1;
        continue;
      }
      const client = await connectDevice(credentials);
      if (client) {
        devices.set(vehicle.deviceId, client);
        summary.devicesRegistered += 1;
      } else summary.errors += 1;
    }
  }

  const auth = kafkaCredentials(env, KafkaPrincipals.partner('demo'), env.DEMO_PARTNER_KAFKA_PASSWORD);
  const kafka = new Kafka({ clientId: 'kuruma-simulator', brokers: env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING, ...kafkaAuthOptions(auth) });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const topic = topicName(PartnerTopics.bookingEvents('demo'), env.KAFKA_TOPIC_NAMESPACE);

  const bar = values.quiet ? null : new SingleBar({ format: 'simulating |{bar}| {percentage}% | {value}/{total} s | bookings {bookings} | events {events} | crashes {crashes}' }, Presets.shades_classic);
  bar?.start(Math.round(durationMs / 1000), 0, { bookings: 0, events: 0, crashes: 0 });

  const queue: { due: number; run: () => Promise<void> }[] = [];
  const started = Date.now();
  const tickMs = 100;
  let carry = 0;
  let index = 0;
  let pendingMessages: { key: string; value: string; headers: Record<string, string> }[] = [];
  const lockPublish = (vehicle: SimVehicle, kind: string) => {
    const client = devices.get(vehicle.deviceId);
    if (!client) return;
    summary.lockMessages += 1;
    client.publish(deviceTopic(vehicle.deviceId, 'lock'), JSON.stringify({ eventId: `${vehicle.deviceId}-l${summary.lockMessages}`, occurredAt: new Date().toISOString(), kind, location: vehicle.home }), { qos: 1 });
  };
  /**
   * The gateway's trip summary at the booking's end, stamped with the real clock (simulated time
   * runs ahead, and the intake refuses a trip that ends in the future); its figures follow from the
   * booking, not the generator, so a seed keeps its book.
   */
  const tripPublish = (booking: SimBooking, bookedEnd: string) => {
    const client = devices.get(booking.vehicle.deviceId);
    if (!client) return;
    const minutes = Math.min(7 * 24 * 60, Math.max(1, Math.round((Date.parse(bookedEnd) - booking.startsAt.getTime()) / 60_000)));
    const endedAt = new Date().toISOString();
    const startedAt = new Date(Date.parse(endedAt) - minutes * 60_000).toISOString();
    const seed = Number.parseInt(booking.bookingId.replace(/\D/g, '').slice(-6) || '0', 10);
    summary.tripSummaries += 1;
    const trip = { tripId: `${booking.bookingId}-trip`, bookingId: booking.bookingId, startedAt, endedAt, distanceMetres: minutes * 350, harshBrakingCount: seed % 4, harshAccelerationCount: seed % 3, speedingSeconds: Math.min(minutes * 60, (seed % 7) * 30), nightMinutes: 0 };
    client.publish(deviceTopic(booking.vehicle.deviceId, 'trip'), JSON.stringify(trip), { qos: 1 });
  };
  while (Date.now() - started < durationMs) {
    const tickStart = Date.now();
    carry += (rate * tickMs) / 1000;
    const count = Math.floor(carry);
    carry -= count;
    for (let i = 0; i < count; i += 1) {
      const booking = scriptBooking(random, index++, runTag, fleet, drivers, new Date());
      summary.bookings += 1;
      booking.events.forEach((scripted, eventIndex) =>
        queue.push({
          due: tickStart + scripted.afterMs,
          run: async () => {
            const event = toEvent(booking, eventIndex);
            pendingMessages.push({ key: booking.bookingId, value: JSON.stringify(event), headers: { ...CLOUDEVENT_RECORD_HEADERS } });
            summary.events[event.type] = (summary.events[event.type] ?? 0) + 1;
            if (event.type === 'com.kurumacover.booking.started') lockPublish(booking.vehicle, 'unlocked');
            if (event.type === 'com.kurumacover.booking.ended') {
              lockPublish(booking.vehicle, 'locked');
              tripPublish(booking, event.data.endedAt ?? new Date().toISOString());
            }
          },
        }),
      );
      if (booking.crash) {
        const crash = booking.crash;
        queue.push({
          due: tickStart + crash.afterMs,
          run: async () => {
            const client = devices.get(booking.vehicle.deviceId);
            if (!client) return;
            summary.crashes += 1;
            // Like a real gateway: kept until the broker answers Success (0x10 means no intake yet).
            void publishAlert(
              client,
              deviceTopic(booking.vehicle.deviceId, 'crash'),
              JSON.stringify({ eventId: `${booking.bookingId}-crash`, occurredAt: new Date().toISOString(), peakG: Number(crash.peakG.toFixed(2)), deltaVKmh: crash.deltaVKmh, confidence: 'high', score: 90, location: booking.vehicle.home }),
            ).catch(() => (summary.errors += 1));
          },
        });
      }
    }
    const now = Date.now();
    const due = queue.filter((q) => q.due <= now);
    for (const item of due) queue.splice(queue.indexOf(item), 1);
    pendingMessages = [];
    for (const item of due) await item.run();
    if (pendingMessages.length) {
      await producer.send({ topic, acks: -1, messages: pendingMessages }).catch(() => (summary.errors += 1));
    }
    const events = Object.values(summary.events).reduce((a, b) => a + b, 0);
    bar?.update(Math.min(Math.round((now - started) / 1000), Math.round(durationMs / 1000)), { bookings: summary.bookings, events, crashes: summary.crashes });
    await new Promise((r) => setTimeout(r, Math.max(0, tickMs - (Date.now() - tickStart))));
  }
  bar?.stop();
  await producer.disconnect();
  await Promise.all([...devices.values()].map((c) => c.endAsync()));
  console.log('\nsimulation summary');
  console.table({
    seed,
    'rate (bookings/s)': rate,
    'duration (s)': durationMs / 1000,
    bookings: summary.bookings,
    ...Object.fromEntries(Object.entries(summary.events).map(([type, n]) => [type, n])),
    'crash alerts': summary.crashes,
    'lock messages': summary.lockMessages,
    'trip summaries': summary.tripSummaries,
    'devices registered': summary.devicesRegistered,
    'events still scheduled (not sent)': queue.length,
    errors: summary.errors,
  });
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(`simulate failed: ${error.message}`);
    process.exit(1);
  });
}
