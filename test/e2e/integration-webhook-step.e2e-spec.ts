import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookingEvent, DEMO_API_KEY, jstMinutesFromNow, newBooking, PlatformProcesses, TEST_ENV } from '../../tools/harness';
import { type Received, LocalReceiver } from '../support/webhook-receiver';

/** Where the transcript goes; docs/integration.md's webhook steps are copied from it (trimmed as they say). */
const TRANSCRIPT = resolve(__dirname, '../../docs/recorded/integration-webhook-step.md');

const json = (value: unknown) => JSON.stringify(value);
const httpBlock = (lines: string[]) => ['```http', ...lines, '```'].join('\n');
/** A secret is never published whole, even a test stack's. */
const hideSecret = (text: string) => text.replace(/whsec_[A-Za-z0-9+/=]+/g, (s) => `${s.slice(0, 10)}…`);

/**
 * The verification a receiver runs, as docs/integration.md shows it: the standardwebhooks library
 * over the raw body, then de-duplication on webhook-id (deliveries are at least once).
 */
function receive(secret: string, seen: Set<string>, request: Received): 'handled' | 'duplicate' {
  const event = new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as { type: string };
  const id = request.headers['webhook-id'] as string;
  if (seen.has(id)) return 'duplicate';
  seen.add(id);
  expect(event.type).toBeTruthy();
  return 'handled';
}

/**
 * Records the webhook steps of docs/integration.md against the real services, so the guide shows
 * what the platform answers today: the registration and its answer, the first signed delivery
 * (headers and body as received), its verification with the standardwebhooks library, a replayed
 * copy de-duplicated on webhook-id, and the delivery log. Writes docs/recorded/integration-webhook-step.md.
 */
describe('docs/integration.md webhook step', () => {
  const platform = new PlatformProcesses();
  const receiver = new LocalReceiver();
  const webhooksApi = `http://127.0.0.1:${TEST_ENV['PARTNER_WEBHOOKS_PORT']}`;
  const ingestApi = `http://127.0.0.1:${TEST_ENV['BOOKING_INGEST_PORT']}`;

  beforeAll(async () => {
    await receiver.up();
    // One at a time: on the shared 2-core machine five cold starts at once took ~80 s, past the harness's 60 s readiness wait.
    for (const app of ['booking-ingest', 'pricing', 'policy', 'partner-webhooks'] as const) await platform.start([app]);
  });
  afterAll(async () => {
    await platform.stopAll();
    await receiver.down();
  });

  it('registers, receives, verifies, de-duplicates and reads the log as the guide says', async () => {
    const out: string[] = [`<!-- Written by test/e2e/integration-webhook-step.e2e-spec.ts on ${new Date().toISOString()}; do not edit. -->`];

    // 1. Register an endpoint.
    const registration = { url: `http://127.0.0.1:${receiver.port}/kuruma`, eventTypes: ['com.kurumacover.policy.bound', 'com.kurumacover.policy.extended', 'com.kurumacover.policy.ended', 'com.kurumacover.policy.cancelled', 'com.kurumacover.claim.fnol-opened'] };
    const created = await fetch(`${webhooksApi}/v1/webhook-endpoints`, { method: 'POST', headers: { 'x-api-key': DEMO_API_KEY, 'content-type': 'application/json' }, body: json(registration) });
    const endpointText = await created.text();
    expect(created.status).toBe(201);
    const endpoint = JSON.parse(endpointText) as { id: string; secret: string };
    out.push('## Register', httpBlock(['POST /v1/webhook-endpoints HTTP/1.1   (partner-webhooks :3005)', `x-api-key: ${DEMO_API_KEY}`, 'content-type: application/json', '', json(registration)]));
    out.push(httpBlock([`HTTP/1.1 ${created.status} Created`, `content-type: ${created.headers.get('content-type')}`, '', hideSecret(endpointText)]));

    // 2. A booking (step 3 of the guide) binds; the first signed delivery is its policy.bound.
    const b = newBooking({ startsAt: jstMinutesFromNow(60), endsAt: jstMinutesFromNow(240) });
    for (const [type, sequence] of [['com.kurumacover.booking.created', 1], ['com.kurumacover.booking.confirmed', 2]] as const) {
      const sent = await fetch(`${ingestApi}/v1/booking-events`, { method: 'POST', headers: { 'x-api-key': DEMO_API_KEY, 'content-type': 'application/json' }, body: json(bookingEvent(b, type, sequence)) });
      expect(sent.status).toBe(202);
    }
    await expect.poll(() => receiver.about(b.bookingId).length, { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
    const first = receiver.about(b.bookingId)[0] as Received;
    expect(first.type).toBe('com.kurumacover.policy.bound');
    const shownHeaders = ['host', 'content-type', 'content-length', 'user-agent', 'webhook-id', 'webhook-timestamp', 'webhook-signature'];
    out.push('## First delivery', httpBlock(['POST /kuruma HTTP/1.1', ...shownHeaders.filter((h) => first.headers[h] !== undefined).map((h) => `${h}: ${String(first.headers[h])}`), '', first.body]));

    // 3. Verified with the library, and 4. a replayed copy (same webhook-id) recognised as a duplicate.
    const seen = new Set<string>();
    expect(receive(endpoint.secret, seen, first)).toBe('handled');
    const replay = await fetch(`${webhooksApi}/v1/webhook-endpoints/${endpoint.id}/replay`, { method: 'POST', headers: { 'x-api-key': DEMO_API_KEY, 'content-type': 'application/json' }, body: json({ eventId: first.id }) });
    const replayText = await replay.text();
    expect(replay.status).toBe(202);
    await expect.poll(() => receiver.about(b.bookingId).filter((r) => r.id === first.id).length, { timeout: 30_000 }).toBe(2);
    const copy = receiver.about(b.bookingId).filter((r) => r.id === first.id)[1] as Received;
    expect(copy.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(copy.body).toBe(first.body);
    expect(receive(endpoint.secret, seen, copy)).toBe('duplicate');
    out.push('## Replay of one event', httpBlock([`POST /v1/webhook-endpoints/${endpoint.id}/replay HTTP/1.1`, `x-api-key: ${DEMO_API_KEY}`, 'content-type: application/json', '', json({ eventId: first.id })]));
    out.push(httpBlock([`HTTP/1.1 ${replay.status} Accepted`, '', replayText]), `The copy: webhook-id ${String(copy.headers['webhook-id'])}, webhook-timestamp ${String(copy.headers['webhook-timestamp'])}, webhook-signature ${String(copy.headers['webhook-signature'])}`);

    // 5. The delivery log, once the copy's attempt is recorded (the receiver has it a moment before).
    type LogPage = { items: { eventId: string; state: string; replay: boolean; attempts: { statusCode: number }[] }[] };
    let logText = '';
    let logStatus = 0;
    const readLog = async (): Promise<LogPage> => {
      const log = await fetch(`${webhooksApi}/v1/webhook-endpoints/${endpoint.id}/deliveries?limit=2`, { headers: { 'x-api-key': DEMO_API_KEY } });
      [logStatus, logText] = [log.status, await log.text()];
      return JSON.parse(logText) as LogPage;
    };
    await expect.poll(async () => (await readLog()).items.map((d) => [d.eventId, d.replay, d.state, d.attempts[0]?.statusCode]), { timeout: 30_000 }).toEqual([
      [first.id, true, 'delivered', 200],
      [first.id, false, 'delivered', 200],
    ]);
    expect(logStatus).toBe(200);
    out.push('## Delivery log', httpBlock([`GET /v1/webhook-endpoints/${endpoint.id}/deliveries?limit=2 HTTP/1.1`, `x-api-key: ${DEMO_API_KEY}`]), httpBlock([`HTTP/1.1 ${logStatus} OK`, '', logText]));

    writeFileSync(TRANSCRIPT, `${out.join('\n\n')}\n`);
  });
});
