import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartnerTopics } from '@kuruma/contracts';
import { asMessage, baseUrl, bookingEvent, DEMO_API_KEY, KafkaProbe, newBooking, PlatformProcesses, TEST_ENV, testTopic, waitUntil } from '../../tools/harness';
import { launchChromium } from '../support/browser';
import { signedInSession, signInOnPage } from '../support/ops-console-session';

const VIEWER = { username: 'viewer', password: 'viewer-password' };
const ADMIN = { username: 'admin', password: 'admin-change-me' };

/** The console's finance page and the partner's statement API in real Chromium, fed by the real pipeline (issue #19). */
describe('finance: premium ledger in the console and the partner statement API', () => {
  const platform = new PlatformProcesses();
  const probe = new KafkaProbe();
  const db = new pg.Pool({ connectionString: TEST_ENV['DATABASE_URL'] });
  const consoleUrl = baseUrl('ops-console');
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
    await platform.start(['booking-ingest', 'pricing', 'policy', 'ops-console']);
  });
  afterAll(async () => {
    await browser?.close();
    await platform.stopAll();
    await probe.close();
    await db.end();
  });

  it("shows each partner's written, earned and unearned premium from the ledger, and downloads the same statement bytes the partner gets", async () => {
    const b = newBooking();
    await probe.produce(testTopic(PartnerTopics.bookingEvents('demo')), [asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)), asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2))]);
    const posted = await waitUntil(
      async () => (await db.query(`SELECT 1 FROM ledger_entry e JOIN policy p ON p.id = e.policy_id WHERE p.booking_id = $1 AND e.rule = 'premium-written'`, [b.bookingId])).rowCount === 1,
      30_000,
    );
    expect(posted).toBe(true);
    // Written premium now: entries whose business instant has passed (earlier test files leave
    // bookings dated ahead), summed just before and just after the page computed its figures.
    const writtenBefore = async (at: Date) =>
      Number(
        (await db.query<{ written: string }>(`SELECT coalesce(sum(l.credit_yen - l.debit_yen), 0) AS written FROM ledger_entry e JOIN ledger_line l ON l.entry_id = e.id WHERE e.partner_id = 'demo' AND l.account = '4100' AND e.business_at < $1`, [at])).rows[0]?.written ?? 0,
      );
    const pageOpened = new Date();

    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await signInOnPage(page, consoleUrl, VIEWER);
    expect(await page.locator('table.loss caption').textContent()).toMatch(/earned premium/);
    await page.getByRole('button', { name: 'Finance' }).click();
    const demoRow = page.locator('#finance-partners tr[data-partner="demo"]');
    await demoRow.waitFor();
    const cells = await demoRow.locator('td').allTextContents();
    const shown = Number(cells[1]?.replace(/[^\d]/g, ''));
    expect(shown).toBeGreaterThanOrEqual(await writtenBefore(pageOpened));
    expect(shown).toBeLessThanOrEqual(await writtenBefore(new Date()));
    expect(shown).toBeGreaterThan(0);
    expect(await page.locator('#finance-figures').textContent()).toMatch(/Earned premium now.*Unearned premium now/s);
    await page.locator('#finance-chart canvas').first().waitFor();

    const period = (await page.locator('#fin-period').inputValue()).trim();
    await page.locator('#fin-partner').selectOption('demo');
    await page.locator('#fin-kind').selectOption('premium-bordereau');
    await page.locator('#fin-format').selectOption('csv');
    const href = await page.locator('#fin-link').getAttribute('href');
    expect(href).toBe(`/api/finance/statements?partnerId=demo&period=${period}&kind=premium-bordereau&format=csv`);
    const { cookie } = await signedInSession(consoleUrl, VIEWER);
    const fromConsole = Buffer.from(await (await fetch(`${consoleUrl}${href}`, { headers: { cookie } })).arrayBuffer());
    const partnerAnswer = await fetch(`${baseUrl('policy')}/v1/statements?period=${period}&kind=premium-bordereau`, { headers: { 'x-api-key': DEMO_API_KEY, accept: 'text/csv' } });
    const fromPartnerApi = Buffer.from(await partnerAnswer.arrayBuffer());
    expect(fromConsole.toString()).toContain(b.bookingId);
    expect(createHash('sha256').update(fromConsole).digest('hex')).toBe(createHash('sha256').update(fromPartnerApi).digest('hex'));
    expect(partnerAnswer.headers.get('etag')).toBe(`"sha256-${createHash('sha256').update(fromPartnerApi).digest('hex')}"`);

    const refused = await fetch(`${baseUrl('policy')}/v1/statements?period=${period}&partnerId=rival`, { headers: { 'x-api-key': DEMO_API_KEY } });
    expect(refused.status).toBe(403);
    await page.close();
  });

  it("records a partner's remittance once per bank reference, shows what it still owes, and puts it in the partner's statement", async () => {
    const b = newBooking();
    await probe.produce(testTopic(PartnerTopics.bookingEvents('demo')), [asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)), asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2))]);
    expect(await waitUntil(async () => (await db.query(`SELECT 1 FROM ledger_entry e JOIN policy p ON p.id = e.policy_id WHERE p.booking_id = $1`, [b.bookingId])).rowCount === 1, 30_000)).toBe(true);
    const today = new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);
    const reference = `BANK-${Date.now()}`;

    const page = await browser.newPage();
    await signInOnPage(page, consoleUrl, ADMIN);
    await page.getByRole('button', { name: 'Finance' }).click();
    const form = page.locator('#finance-remittance');
    await form.waitFor();
    await page.selectOption('#rem-partner', 'demo');
    await page.fill('#rem-reference', reference);
    await page.fill('#rem-amount', '1234');
    await page.fill('#rem-date', today);
    await form.getByRole('button', { name: 'Record remittance' }).click();
    await expect.poll(() => page.locator('#rem-result').textContent(), { timeout: 20_000 }).toContain(`Recorded: ￥1,234 from demo (${reference})`);
    // The same reference again posts nothing; with another amount it is refused with the reason.
    await form.getByRole('button', { name: 'Record remittance' }).click();
    await expect.poll(() => page.locator('#rem-result').textContent(), { timeout: 20_000 }).toContain('Already recorded');
    await page.fill('#rem-amount', '999');
    await form.getByRole('button', { name: 'Record remittance' }).click();
    await expect.poll(() => page.locator('#finance-error').textContent(), { timeout: 20_000 }).toContain('was recorded with 1234 yen');
    await page.close();

    const rows = await db.query<{ n: string; cash: string }>(`SELECT count(DISTINCT e.id) AS n, sum(l.debit_yen) FILTER (WHERE l.account = '1000') AS cash FROM ledger_entry e JOIN ledger_line l ON l.entry_id = e.id WHERE e.source_event_id = $1`, [`demo:remittance:${reference}`]);
    expect({ n: Number(rows.rows[0]?.n), cash: Number(rows.rows[0]?.cash) }).toEqual({ n: 1, cash: 1234 });
    const res = await fetch(`${baseUrl('policy')}/v1/statements?period=${today}`, { headers: { 'x-api-key': DEMO_API_KEY } });
    expect(((await res.json()) as { remittancesReceivedYen: number }).remittancesReceivedYen).toBeGreaterThanOrEqual(1234);
  });

  it('refuses a viewer recording a remittance (403, audited), and a future date or hostile body with 400 naming the field', async () => {
    const viewer = await signedInSession(consoleUrl, VIEWER);
    const admin = await signedInSession(consoleUrl, ADMIN);
    const post = (who: { cookie: string; csrfToken: string }, partner: string, body: unknown) =>
      fetch(`${consoleUrl}/api/finance/partners/${partner}/remittances`, { method: 'POST', headers: { cookie: who.cookie, origin: consoleUrl, 'x-csrf-token': who.csrfToken, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post(viewer, 'demo', { reference: 'V-1', amountYen: 1, receivedOn: '2026-11-30' })).status).toBe(403);
    expect((await db.query("SELECT 1 FROM audit_log WHERE actor = 'viewer' AND action = 'finance.remittance-refused'")).rowCount).toBeGreaterThanOrEqual(1);
    const tomorrow = new Date(Date.now() + 33 * 3_600_000).toISOString().slice(0, 10);
    for (const [partner, body, field] of [
      ['demo', { reference: 'F-1', amountYen: 1, receivedOn: tomorrow }, 'receivedOn'],
      ['demo', { reference: 'F-2', amountYen: 1, receivedOn: '2026-02-30' }, 'receivedOn'],
      ['demo', { reference: 'F-3\u0000', amountYen: 1, receivedOn: '2026-11-30' }, 'reference'],
      ['demo', { reference: 'F-4', amountYen: 1e13, receivedOn: '2026-11-30' }, 'amountYen'],
      ['Not%20A%20Partner', { reference: 'F-5', amountYen: 1, receivedOn: '2026-11-30' }, 'partnerId'],
    ] as const) {
      const res = await post(admin, partner, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain(field);
    }
    expect((await post(admin, 'nobody-here', { reference: 'F-6', amountYen: 1, receivedOn: '2026-11-30' })).status).toBe(404);
  });
});
