import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartnerTopics, Topics } from '@kuruma/contracts';
import { asMessage, baseUrl, bookingEvent, DEMO_API_KEY, jstMinutesFromNow, KafkaProbe, newBooking, PlatformProcesses, TEST_ENV, testTopic } from '../../tools/harness';
import { launchChromium } from '../support/browser';
import { type OpsAccount, signedInSession, signInOnPage } from '../support/ops-console-session';
import { LocalReceiver } from '../support/webhook-receiver';

const ADMIN = { username: 'admin', password: 'admin-change-me' };
const VIEWER = { username: 'viewer', password: 'viewer-password' };
/** Screenshots for a human to look at (git-ignored). */
const SCREENSHOTS = resolve(__dirname, '../../screenshots');

/** An instant as the page's datetime-local field takes it: Japan wall-clock time, to the second. */
const japanLocal = (at: Date): string => new Date(at.getTime() + 9 * 3_600_000).toISOString().slice(0, 19);

/**
 * The console's Webhooks page against the real stack: a partner registers an endpoint on a local
 * receiver over the partner API, a booking runs through the services, the operator sees its
 * deliveries (status code, latency) on the page and replays everything since an instant from it;
 * the receiver gets the same events again under the same webhook-id. A viewer sees but cannot act.
 */
describe('ops console webhooks page', () => {
  const platform = new PlatformProcesses();
  const probe = new KafkaProbe();
  const receiver = new LocalReceiver();
  const db = new pg.Pool({ connectionString: TEST_ENV['DATABASE_URL'] });
  const consoleUrl = baseUrl('ops-console');
  const partnerApi = `http://127.0.0.1:${TEST_ENV['PARTNER_WEBHOOKS_PORT']}/v1/webhook-endpoints`;
  const policyTopic = testTopic(Topics.policyEvents);
  let browser: Browser;

  const session = (who: OpsAccount) => signedInSession(consoleUrl, who);
  const consolePost = (who: { cookie: string; csrfToken: string }, path: string, body: unknown) =>
    fetch(`${consoleUrl}${path}`, { method: 'POST', headers: { cookie: who.cookie, origin: consoleUrl, 'x-csrf-token': who.csrfToken, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const consoleGet = (who: { cookie: string }, path: string) => fetch(`${consoleUrl}${path}`, { headers: { cookie: who.cookie } });

  async function openWebhooks(page: Page, who: OpsAccount): Promise<void> {
    await signInOnPage(page, consoleUrl, who);
    await page.getByRole('button', { name: 'Webhooks' }).click();
    await page.locator('#wh-partner').fill('demo');
    await page.locator('#wh-filter').getByRole('button', { name: 'Apply filter' }).click();
  }

  beforeAll(async () => {
    browser = await launchChromium();
    await receiver.up();
    await probe.observe([policyTopic]);
    // One at a time: on the shared 2-core machine five cold starts at once took ~80 s, past the harness's 60 s readiness wait.
    for (const app of ['booking-ingest', 'pricing', 'policy', 'partner-webhooks', 'ops-console'] as const) await platform.start([app]);
  });
  afterAll(async () => {
    await browser?.close();
    await platform.stopAll();
    await probe.close();
    await receiver.down();
    await db.end();
  });

  it('shows an endpoint and its deliveries, replays since an instant from the page, and lets a viewer only look', async () => {
    // The partner registers an endpoint on its receiver, then books and cancels.
    const created = await fetch(partnerApi, {
      method: 'POST',
      headers: { 'x-api-key': DEMO_API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `http://127.0.0.1:${receiver.port}/hooks`, eventTypes: ['com.kurumacover.policy.bound', 'com.kurumacover.policy.cancelled'] }),
    });
    expect(created.status).toBe(201);
    const endpoint = (await created.json()) as { id: string; secret: string };
    const before = new Date(Date.now() - 1_000);
    const b = newBooking({ startsAt: jstMinutesFromNow(30), endsAt: jstMinutesFromNow(150) });
    await probe.produce(testTopic(PartnerTopics.bookingEvents('demo')), [
      asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)),
      asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2)),
      asMessage(bookingEvent(b, 'com.kurumacover.booking.cancelled', 3)),
    ]);
    await expect.poll(() => receiver.acceptedOrder(b.bookingId), { timeout: 60_000 }).toHaveLength(2);
    const delivered = receiver.acceptedOrder(b.bookingId);

    // Every signed-in user sees the endpoint (never its secret) and its log.
    const viewer = await session(VIEWER);
    const listText = await (await consoleGet(viewer, '/api/webhooks/endpoints?partnerId=demo')).text();
    expect(listText).toContain(endpoint.id);
    expect(listText).not.toContain(endpoint.secret);
    expect(listText).not.toContain('whsec_');

    // The operator's page: the endpoint with its last delivery, then the log with each attempt.
    const page = await browser.newPage();
    await openWebhooks(page, ADMIN);
    const row = page.locator(`#wh-endpoints tr[data-endpoint="${endpoint.id}"]`);
    await expect.poll(() => row.locator('td[data-field="last"]').textContent(), { timeout: 20_000 }).toMatch(/delivered: HTTP 200/);
    await row.locator('td').first().click();
    for (const eventId of delivered) {
      await expect.poll(() => page.locator(`#wh-deliveries tr[data-event="${eventId}"]`).first().textContent(), { timeout: 20_000 }).toMatch(/HTTP 200, \d+ ms/);
    }

    // Replay everything since just before the booking, from the page, after confirming.
    const received = receiver.about(b.bookingId).length;
    await page.getByLabel('Replay every subscribed event received since (JST)').fill(japanLocal(before));
    await page.getByRole('button', { name: 'Replay since' }).click();
    await expect.poll(() => page.locator('#wh-confirm-text').textContent()).toContain('Send every subscribed event received since');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => page.locator('#wh-status').textContent(), { timeout: 20_000 }).toMatch(/\d+ events? queued again/);

    // The receiver gets the booking's events again, in order, under the same webhook-id.
    await expect.poll(() => receiver.about(b.bookingId).length, { timeout: 30_000 }).toBe(received + 2);
    const again = receiver.about(b.bookingId).slice(-2);
    expect(again.map((r) => r.headers['webhook-id'])).toEqual(delivered);
    await expect.poll(() => page.locator('#wh-deliveries tr[data-state="delivered"]').filter({ hasText: '(replay)' }).count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: resolve(SCREENSHOTS, 'webhooks.png'), fullPage: true });
    await page.close();

    // The replay is audited: who, which endpoint, since when, how many re-queued.
    const audit = await db.query("SELECT actor, role, details FROM audit_log WHERE action = 'webhook.replay' AND target_id = $1", [endpoint.id]);
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]).toMatchObject({ actor: 'admin', role: 'admin', details: { partnerId: 'demo', since: `${japanLocal(before)}+09:00` } });
    expect(audit.rows[0].details.replayed).toBeGreaterThanOrEqual(2);

    // A viewer's page offers no action, and the API refuses one with an audited 403.
    const viewerPage = await browser.newPage();
    await openWebhooks(viewerPage, VIEWER);
    await viewerPage.locator(`#wh-endpoints tr[data-endpoint="${endpoint.id}"] td`).first().click();
    await viewerPage.locator(`#wh-deliveries tr[data-event="${delivered[0]}"]`).first().waitFor();
    expect(await viewerPage.getByRole('button', { name: 'Resend' }).count()).toBe(0);
    expect(await viewerPage.getByRole('button', { name: 'Replay since' }).isVisible()).toBe(false);
    await viewerPage.close();
    const refused = await consolePost(viewer, `/api/webhooks/endpoints/${endpoint.id}/replay`, { eventId: delivered[0] });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect((await db.query("SELECT 1 FROM audit_log WHERE actor = 'viewer' AND action = 'webhook.replay-refused' AND target_id = $1", [endpoint.id])).rowCount).toBe(1);
    expect((await consolePost(viewer, `/api/webhooks/endpoints/${endpoint.id}/enable`, {})).status).toBe(403);

    // Bad input is refused naming the field; nothing is queued.
    const admin = await session(ADMIN);
    const fieldOf = async (res: Response) => ({ status: res.status, fields: ((await res.json()) as { errors?: { field: string }[] }).errors?.map((e) => e.field) });
    expect(await fieldOf(await consolePost(admin, '/api/webhooks/endpoints/not-an-endpoint/replay', { eventId: delivered[0] }))).toEqual({ status: 400, fields: ['id'] });
    expect(await fieldOf(await consolePost(admin, `/api/webhooks/endpoints/${endpoint.id}/replay`, { since: '2026-12-01T10:00:00' }))).toMatchObject({ status: 400, fields: expect.arrayContaining(['since']) });
    expect(await fieldOf(await consoleGet(admin, '/api/webhooks/endpoints?partnerId=Not%20A%20Partner'))).toEqual({ status: 400, fields: ['partnerId'] });
    expect(await fieldOf(await consoleGet(admin, `/api/webhooks/endpoints/${endpoint.id}/deliveries?cursor=abc`))).toEqual({ status: 400, fields: ['cursor'] });
    expect((await consolePost(admin, `/api/webhooks/endpoints/we_${'0'.repeat(32)}/replay`, { eventId: delivered[0] })).status).toBe(404);

    // Resending one event from the API the page uses: the receiver gets it once more.
    const one = await consolePost(admin, `/api/webhooks/endpoints/${endpoint.id}/replay`, { eventId: delivered[0] });
    expect(one.status).toBe(202);
    expect(await one.json()).toEqual({ partnerId: 'demo', replayed: 1 });
    await expect.poll(() => receiver.about(b.bookingId).length, { timeout: 30_000 }).toBe(received + 3);
    expect(receiver.about(b.bookingId).at(-1)?.headers['webhook-id']).toBe(delivered[0]);
  }, 240_000);

  it('re-enables an endpoint the platform disabled, after which it gets deliveries again', async () => {
    const created = await fetch(partnerApi, {
      method: 'POST',
      headers: { 'x-api-key': DEMO_API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `http://127.0.0.1:${receiver.port}/held`, eventTypes: ['com.kurumacover.policy.bound'] }),
    });
    const endpoint = (await created.json()) as { id: string };
    // As the deliverer leaves an endpoint after 72 h of failures.
    await db.query("UPDATE webhook_endpoint SET enabled = false, disabled_reason = 'failing since 2026-11-28T00:00:00Z', failing_since = now() - interval '72 hours' WHERE id = $1", [endpoint.id]);

    const page = await browser.newPage();
    await openWebhooks(page, ADMIN);
    const row = page.locator(`#wh-endpoints tr[data-endpoint="${endpoint.id}"]`);
    await expect.poll(() => row.textContent(), { timeout: 20_000 }).toContain('failing since 2026-11-28');
    await row.getByRole('button', { name: 'Re-enable' }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => page.locator('#wh-status').textContent(), { timeout: 20_000 }).toContain('enabled again');
    await page.locator(`#wh-endpoints tr[data-endpoint="${endpoint.id}"][data-enabled="true"]`).waitFor();
    await page.close();
    const audit = await db.query("SELECT actor, details FROM audit_log WHERE action = 'webhook.reenable' AND target_id = $1", [endpoint.id]);
    expect(audit.rows[0]).toMatchObject({ actor: 'admin', details: { partnerId: 'demo', disabledReason: 'failing since 2026-11-28T00:00:00Z' } });

    // Enabled again, it receives the next booking's events; a second re-enable is a conflict.
    const b = newBooking({ startsAt: jstMinutesFromNow(30), endsAt: jstMinutesFromNow(90) });
    await probe.produce(testTopic(PartnerTopics.bookingEvents('demo')), [asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)), asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2))]);
    await expect.poll(() => receiver.about(b.bookingId).filter((r) => r.path === '/held' && r.type === 'com.kurumacover.policy.bound').length, { timeout: 60_000 }).toBe(1);
    expect((await consolePost(await session(ADMIN), `/api/webhooks/endpoints/${endpoint.id}/enable`, {})).status).toBe(409);
  }, 180_000);
});
