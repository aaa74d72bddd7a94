import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartnerTopics, Topics } from '@kuruma/contracts';
import { APP_PORTS, asMessage, bookingEvent, DeviceGateways, jstMinutesFromNow, KafkaProbe, newBooking, PlatformProcesses, testTopic } from '../../tools/harness';

/**
 * W3C Trace Context end to end: a partner's Kafka record and a car's MQTT v5 message name a trace
 * (`traceparent`), and the public records they cause carry the same trace, each hop a new span.
 * With a collector configured the services export those spans over OTLP/HTTP; the collector here
 * is a plain HTTP server speaking the real protocol (POST /v1/traces, JSON).
 */

interface ExportedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  attributes: Record<string, unknown>;
}

/** OTLP/JSON ids are hex; accept base64 too (the protobuf mapping), whichever an exporter sends. */
const hexId = (id: string): string => (/^[0-9a-f]+$/.test(id) ? id : Buffer.from(id, 'base64').toString('hex'));

/** A local OTLP/HTTP traces receiver: keeps every span posted to /v1/traces. */
class OtlpReceiver {
  readonly spans: ExportedSpan[] = [];
  posts = 0;
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method === 'POST' && req.url === '/v1/traces') {
          this.posts += 1;
          this.collect(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private collect(body: { resourceSpans?: { resource?: { attributes?: Attr[] }; scopeSpans?: { spans?: RawSpan[] }[] }[] }): void {
    for (const rs of body.resourceSpans ?? []) {
      const service = String(valueOf(rs.resource?.attributes, 'service.name'));
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          const attributes = Object.fromEntries((s.attributes ?? []).map((a) => [a.key, valueOf([a], a.key)]));
          this.spans.push({ service, traceId: hexId(s.traceId), spanId: hexId(s.spanId), parentSpanId: s.parentSpanId ? hexId(s.parentSpanId) : '', name: s.name, attributes });
        }
      }
    }
  }

  ofTrace(traceId: string): ExportedSpan[] {
    return this.spans.filter((s) => s.traceId === traceId);
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

interface Attr {
  key: string;
  value: { stringValue?: string; intValue?: number | string; doubleValue?: number };
}
interface RawSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: Attr[];
}
const valueOf = (attributes: Attr[] | undefined, key: string): unknown => {
  const v = attributes?.find((a) => a.key === key)?.value;
  return v?.stringValue ?? v?.intValue ?? v?.doubleValue;
};

const newTraceparent = () => {
  const traceId = randomBytes(16).toString('hex');
  return { traceId, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` };
};
const traceIdOf = (traceparent: string | undefined) => traceparent?.split('-')[1];

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('a traceparent travels from the partner and the car to the public topics', () => {
  const probe = new KafkaProbe();
  const receiver = new OtlpReceiver();
  const gateways = new DeviceGateways('e2e-trace');
  const bookingTopic = testTopic(PartnerTopics.bookingEvents('demo'));
  const policyTopic = testTopic(Topics.policyEvents);
  const claimTopic = testTopic(Topics.claimEvents);
  let platform = new PlatformProcesses();
  let collector = '';

  /** A booking bound from partner records that carry `traceparent`; answers the com.kurumacover.policy.bound record. */
  async function bindTraced(traceparent: string) {
    const b = newBooking({ startsAt: jstMinutesFromNow(-1), endsAt: jstMinutesFromNow(180) });
    const headers = { traceparent };
    await probe.produce(bookingTopic, [
      { ...asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)), headers },
      { ...asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2)), headers },
      { ...asMessage(bookingEvent(b, 'com.kurumacover.booking.started', 3)), headers },
    ]);
    await probe.waitFor((rs) => rs.some((r) => r.topic === policyTopic && r.key === b.bookingId && r.json<{ type: string }>().type === 'com.kurumacover.policy.bound'), 30_000, 'com.kurumacover.policy.bound');
    const bound = probe.records.find((r) => r.topic === policyTopic && r.key === b.bookingId && r.json<{ type: string }>().type === 'com.kurumacover.policy.bound');
    return { booking: b, bound };
  }

  /** A hard crash published with `traceparent` as an MQTT v5 user property; answers the com.kurumacover.claim.fnol-opened record. */
  async function crashTraced(vehicleId: string, traceparent: string) {
    const creds = await gateways.register(vehicleId);
    const device = await gateways.connect(creds);
    const alert = JSON.stringify({ eventId: randomUUID(), occurredAt: new Date().toISOString(), peakG: 3.4, speedKmh: 42 });
    await device.publishAsync(`devices/${creds.deviceId}/crash`, alert, { qos: 1, properties: { userProperties: { traceparent } } });
    await probe.waitFor((rs) => rs.some((r) => r.topic === claimTopic && r.key === vehicleId && r.json<{ type: string }>().type === 'com.kurumacover.claim.fnol-opened'), 30_000, 'com.kurumacover.claim.fnol-opened');
    return probe.records.find((r) => r.topic === claimTopic && r.key === vehicleId && r.json<{ type: string }>().type === 'com.kurumacover.claim.fnol-opened');
  }

  beforeAll(async () => {
    collector = await receiver.start();
    await probe.observe([policyTopic, claimTopic]);
    await platform.start(['booking-ingest', 'pricing', 'policy', 'claims-trigger']);
  });
  afterAll(async () => {
    await gateways.end();
    await platform.stopAll();
    await probe.close();
    await receiver.stop();
  });

  describe('without a collector configured', () => {
    it("carries the partner record's trace id to com.kurumacover.policy.bound and the crash alert's to com.kurumacover.claim.fnol-opened, in new spans", async () => {
      const partner = newTraceparent();
      const { booking, bound } = await bindTraced(partner.traceparent);
      expect(traceIdOf(bound?.headers['traceparent'])).toBe(partner.traceId);
      expect(bound?.headers['traceparent']).not.toBe(partner.traceparent);

      const car = newTraceparent();
      const opened = await crashTraced(booking.vehicleId, car.traceparent);
      expect(traceIdOf(opened?.headers['traceparent'])).toBe(car.traceId);
    });

    it('starts a new trace for a record whose traceparent is hostile, and still binds it', async () => {
      const { bound } = await bindTraced(`00-${'z'.repeat(32)}-${'0'.repeat(16)}-01${'x'.repeat(4_000)}`);
      expect(bound?.headers['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    });

    it('answers HTTP requests with the traceresponse of their trace', async () => {
      const caller = newTraceparent();
      const res = await fetch(`http://127.0.0.1:${APP_PORTS.pricing}/health/live`, { headers: { traceparent: caller.traceparent } });
      expect(traceIdOf(res.headers.get('traceresponse') ?? undefined)).toBe(caller.traceId);
      const fresh = await fetch(`http://127.0.0.1:${APP_PORTS.policy}/health/live`);
      expect(fresh.headers.get('traceresponse')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    });

    it('reports every hop of the booking and the device path in kuruma_hop_seconds', async () => {
      const hops = async (app: keyof typeof APP_PORTS) => {
        const text = await (await fetch(`http://127.0.0.1:${APP_PORTS[app]}/metrics`)).text();
        return [...text.matchAll(/^kuruma_hop_seconds_count\{[^}]*hop="([^"]+)"[^}]*\} (\d+)/gm)].filter((m) => Number(m[2]) > 0).map((m) => m[1]);
      };
      expect(await hops('booking-ingest')).toEqual(expect.arrayContaining(['partner-record->ingest-commit']));
      expect(await hops('pricing')).toEqual(expect.arrayContaining(['accepted-topic->pricing', 'pricing->priced-topic']));
      expect(await hops('policy')).toEqual(expect.arrayContaining(['priced-topic->policy-commit', 'policy-commit->public-topic']));
      expect(await hops('claims-trigger')).toEqual(expect.arrayContaining(['mqtt-receipt->claims-commit', 'claims-commit->claim-topic']));
    });

    it('exports nothing', () => {
      expect(receiver.posts).toBe(0);
    });
  });

  describe('with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
    beforeAll(async () => {
      await platform.stopAll();
      platform = new PlatformProcesses({ OTEL_EXPORTER_OTLP_ENDPOINT: collector });
      await platform.start(['booking-ingest', 'pricing', 'policy', 'claims-trigger']);
    });

    it('exports the spans of one booking as ONE trace across booking-ingest, pricing and policy, and of one crash alert from claims-trigger', async () => {
      const partner = newTraceparent();
      const { booking, bound } = await bindTraced(partner.traceparent);
      const car = newTraceparent();
      await crashTraced(booking.vehicleId, car.traceparent);

      // The batch span processor exports every few seconds.
      const services = (traceId: string) => new Set(receiver.ofTrace(traceId).map((s) => s.service));
      await until('the booking spans of all three services', () => ['booking-ingest', 'pricing', 'policy'].every((s) => services(partner.traceId).has(s)));
      await until('the crash alert spans', () => services(car.traceId).has('claims-trigger'));

      const spans = receiver.ofTrace(partner.traceId);
      // Every span but the first hop's has its parent among the trace's spans: one connected trace.
      const ids = new Set(spans.map((s) => s.spanId));
      const roots = spans.filter((s) => !ids.has(s.parentSpanId));
      expect(new Set(roots.map((s) => s.parentSpanId)).size).toBe(1);
      expect(roots.every((s) => s.service === 'booking-ingest')).toBe(true);
      // The public record names the policy relay's span.
      expect(spans.find((s) => s.spanId === bound?.headers['traceparent']?.split('-')[2])?.service).toBe('policy');
      expect(spans.find((s) => s.attributes['kuruma.hop'] === 'partner-record->ingest-commit')?.attributes).toMatchObject({
        'messaging.system': 'kafka',
        'messaging.destination.name': bookingTopic,
      });
      expect(receiver.ofTrace(car.traceId).find((s) => s.service === 'claims-trigger')?.attributes).toMatchObject({ 'messaging.system': 'mqtt' });
    });
  });
});
