import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Topics } from '@kuruma/contracts';
import { asMessage, bookingEvent, newBooking } from '../fixtures/booking-events';
import { launchChromium } from '../support/browser';
import { KafkaProbe } from '../support/kafka-probe';
import { baseUrl, PlatformProcesses } from '../support/platform';
import { TEST_ENV, testTopic } from '../support/test-env';

const ADMIN = { username: 'admin', password: 'admin-change-me' };
const VIEWER = { username: 'viewer', password: 'viewer-password' };

/** The ops console in real headless Chromium, fed by the real pipeline. */
describe('ops console', () => {
  const platform = new PlatformProcesses();
  const probe = new KafkaProbe();
  const db = new pg.Pool({ connectionString: TEST_ENV['DATABASE_URL'] });
  const bookingTopic = testTopic(Topics.bookingEvents);
  let browser: Browser;
  const consoleUrl = baseUrl('ops-console');

  async function signIn(page: Page, who: { username: string; password: string }): Promise<void> {
    await page.goto(consoleUrl);
    await page.getByLabel('User name').fill(who.username);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${consoleUrl}/`);
  }

  async function bindBooking(): Promise<string> {
    const b = newBooking();
    await probe.produce(bookingTopic, [asMessage(bookingEvent(b, 'booking.created', 1)), asMessage(bookingEvent(b, 'booking.confirmed', 2))]);
    return b.bookingId;
  }

  async function sessionCookie(who: { username: string; password: string }): Promise<string> {
    const res = await fetch(`${consoleUrl}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who) });
    expect(res.status).toBe(200);
    return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  }

  beforeAll(async () => {
    browser = await launchChromium();
    await platform.start(['booking-ingest', 'pricing', 'policy', 'claims-trigger', 'ops-console']);
  });
  afterAll(async () => {
    await browser?.close();
    await platform.stopAll();
    await probe.close();
    await db.end();
  });

  it('shows the login page to a visitor, and answers API calls without a session with 401', async () => {
    const page = await browser.newPage();
    await page.goto(consoleUrl);
    expect(page.url()).toBe(`${consoleUrl}/login`);
    await expect(page.getByRole('button', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
    expect((await fetch(`${consoleUrl}/api/figures`)).status).toBe(401);
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/wrong password/);
    await page.close();
  });

  it('streams policy.bound live for a booking a partner publishes to Kafka', async () => {
    const page = await browser.newPage();
    await signIn(page, ADMIN);
    await page.getByText('Live', { exact: true }).first().waitFor();
    const bookingId = await bindBooking();
    const row = page.locator('#stream-rows tr[data-type="policy.bound"]', { hasText: bookingId });
    await row.waitFor({ timeout: 30_000 });
    expect(await row.textContent()).toContain('demo');
    await page.close();
  });

  it('finds a policy by booking id and shows a breakdown that adds up to the premium', async () => {
    const bookingId = await bindBooking();
    await expect.poll(async () => (await db.query("SELECT 1 FROM policy WHERE booking_id = $1 AND status = 'bound'", [bookingId])).rowCount, { timeout: 30_000 }).toBe(1);
    const page = await browser.newPage();
    await signIn(page, ADMIN);
    await page.getByRole('button', { name: 'Search' }).first().click();
    await page.getByLabel('Booking id, policy number, vehicle id or driver id').fill(bookingId);
    await page.locator('#search-form button[type="submit"]').click();
    await page.locator('#search-rows tr', { hasText: bookingId }).click();
    await page.locator('#policy-detail table.breakdown').waitFor();
    const amounts = await page.locator('#policy-detail table.breakdown tbody tr td:last-child').allTextContents();
    const { premium_yen: premium } = (await db.query('SELECT premium_yen FROM policy WHERE booking_id = $1', [bookingId])).rows[0];
    expect(Number(amounts.at(-1))).toBe(premium);
    expect(await page.locator('#policy-detail').textContent()).toContain(`￥${premium.toLocaleString('ja-JP')}`);
    await page.close();
  });

  it('resumes the stream after a disconnect with no gap and no duplicate (Last-Event-ID)', async () => {
    const cookie = await sessionCookie(ADMIN);
    const earlier = await bindBooking();
    await expect.poll(async () => (await db.query("SELECT 1 FROM policy WHERE booking_id = $1 AND status = 'bound'", [earlier])).rowCount, { timeout: 30_000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 1_000));
    const first = await readStream(cookie, undefined, 1_500);
    const lastId = first.at(-1)?.streamId;
    expect(lastId).toBeTruthy();
    const bookingIds = [await bindBooking(), await bindBooking()];
    await expect.poll(async () => (await db.query("SELECT count(*)::int AS n FROM policy WHERE booking_id = ANY($1) AND status = 'bound'", [bookingIds])).rows[0].n, { timeout: 30_000 }).toBe(2);
    await new Promise((r) => setTimeout(r, 1_000));
    const resumed = await readStream(cookie, lastId, 1_500);
    const ids = resumed.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.some((id) => first.some((e) => e.id === id))).toBe(false);
    for (const bookingId of bookingIds) expect(resumed.some((e) => e.type === 'policy.bound' && (e.data as { bookingId: string }).bookingId === bookingId)).toBe(true);
  });

  it('refuses a viewer confirming a claim with 403, and records the attempt in the audit log', async () => {
    const cookie = await sessionCookie(VIEWER);
    const res = await fetch(`${consoleUrl}/api/claims/00000000-0000-7000-8000-000000000000/confirm`, { method: 'POST', headers: { cookie } });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const audit = await db.query("SELECT actor, action FROM audit_log WHERE actor = 'viewer' AND action = 'claim.confirm-refused'");
    expect(audit.rowCount).toBeGreaterThanOrEqual(1);
  });
});

interface StreamedEvent {
  streamId: string;
  id: string;
  type: string;
  data: unknown;
}

/** Reads the SSE stream for `ms` milliseconds, as a browser would, optionally resuming. */
async function readStream(cookie: string, lastEventId: string | undefined, ms: number): Promise<StreamedEvent[]> {
  const controller = new AbortController();
  const res = await fetch(`${baseUrl('ops-console')}/api/stream`, { headers: { cookie, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) }, signal: controller.signal });
  const events: StreamedEvent[] = [];
  const reader = res.body?.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const timer = setTimeout(() => controller.abort(), ms);
  try {
    for (;;) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
  } catch {
    // aborted: the read window is over
  } finally {
    clearTimeout(timer);
  }
  for (const block of text.split('\n\n')) {
    const data = block.split('\n').find((l) => l.startsWith('data: '));
    if (block.includes('\nid: ') || block.startsWith('id: ')) events.push(JSON.parse(data?.slice(6) ?? '{}') as StreamedEvent);
  }
  return events;
}
