import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartnerTopics } from '@kuruma/contracts';
import { asMessage, baseUrl, bookingEvent, DEMO_API_KEY, KafkaProbe, newBooking, PlatformProcesses, TEST_ENV, testTopic, waitUntil } from '../../tools/harness';
import { launchChromium } from '../support/browser';
import { signedInSession, signInOnPage } from '../support/ops-console-session';

const VIEWER = { username: 'viewer', password: 'viewer-password' };

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
});
