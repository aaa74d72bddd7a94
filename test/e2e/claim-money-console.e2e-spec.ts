import mqtt from 'mqtt';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClaimsBordereauV1, PartnerTopics } from '@kuruma/contracts';
import { asMessage, baseUrl, bookingEvent, DEMO_API_KEY, jstMinutesFromNow, KafkaProbe, newBooking, PlatformProcesses, TEST_ENV, testTopic } from '../../tools/harness';
import { launchChromium } from '../support/browser';
import { type OpsAccount, signedInSession, signInOnPage } from '../support/ops-console-session';

const VIEWER = { username: 'viewer', password: 'viewer-password' };
const HANDLER = { username: 'handler', password: 'handler-password' };

/**
 * A claim's money in the ops console (issue #19), on the real pipeline: a crash over MQTT opens a
 * claim, a claims handler raises its reserve, closes it and pays it in two parts; the premium ledger
 * and the partner's claims bordereau show each movement, and nothing more than was settled is paid.
 */
describe('claim reserve and payments in the ops console', () => {
  const platform = new PlatformProcesses();
  const probe = new KafkaProbe();
  const db = new pg.Pool({ connectionString: TEST_ENV['DATABASE_URL'] });
  const bookingTopic = testTopic(PartnerTopics.bookingEvents('demo'));
  const consoleUrl = baseUrl('ops-console');
  let browser: Browser;
  const signIn = (page: Page, who: OpsAccount): Promise<void> => signInOnPage(page, consoleUrl, who);

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

  /** A crash on an active policy's car, reported by its gateway over MQTT: the claim number and id. */
  async function crashClaim(): Promise<{ claimNumber: string; claimId: string; reserveYen: number }> {
    const b = newBooking({ startsAt: jstMinutesFromNow(0), endsAt: jstMinutesFromNow(180) });
    await probe.produce(bookingTopic, [asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)), asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2)), asMessage(bookingEvent(b, 'com.kurumacover.booking.started', 3))]);
    await expect.poll(async () => (await db.query("SELECT 1 FROM policy WHERE booking_id = $1 AND status = 'active'", [b.bookingId])).rowCount, { timeout: 60_000 }).toBe(1);
    const deviceId = `e2e-money-gw-${randomUUID().slice(0, 8)}`;
    const registered = await fetch(`${baseUrl('claims-trigger')}/v1/devices/${deviceId}`, { method: 'PUT', headers: { 'content-type': 'application/json', 'x-api-key': DEMO_API_KEY }, body: JSON.stringify({ vehicleId: b.vehicleId }) });
    const creds = (await registered.json()) as { mqtt: { username: string; password: string; clientId: string } };
    const device = await mqtt.connectAsync(TEST_ENV['MQTT_URL'], { protocolVersion: 5, clientId: creds.mqtt.clientId, username: creds.mqtt.username, password: creds.mqtt.password });
    await device.publishAsync(`devices/${deviceId}/crash`, JSON.stringify({ eventId: randomUUID(), occurredAt: new Date().toISOString(), peakG: 3.1, location: { lat: 35.66, lon: 139.7 } }), { qos: 1 });
    await device.endAsync();
    const claim = async () => (await db.query<{ claim_number: string; id: string; reserve_yen: number }>('SELECT claim_number, id::text, reserve_yen FROM claim WHERE vehicle_id = $1', [b.vehicleId])).rows[0];
    await expect.poll(claim, { timeout: 60_000 }).toBeTruthy();
    const c = await claim();
    return { claimNumber: c?.claim_number ?? '', claimId: c?.id ?? '', reserveYen: c?.reserve_yen ?? 0 };
  }

  const ledgerOf = async (claimId: string) =>
    (
      await db.query<{ rule: string; account: string; debit: string; credit: string; day: string }>(
        `SELECT e.rule, l.account, l.debit_yen AS debit, l.credit_yen AS credit, e.period_day AS day FROM ledger_entry e JOIN ledger_line l ON l.entry_id = e.id WHERE e.claim_id = $1::uuid ORDER BY e.seq, l.line_no`,
        [claimId],
      )
    ).rows;

  it('lets a claims handler raise the reserve, close the claim and pay it in two parts, each in the ledger and the bordereau', async () => {
    const { claimNumber, claimId, reserveYen } = await crashClaim();
    const raised = reserveYen + 120_000;
    const page = await browser.newPage();
    await signIn(page, HANDLER);
    await page.getByRole('button', { name: 'Claims queue' }).click();
    await page.locator('#claims-rows tr', { hasText: claimNumber }).click();
    const detail = page.locator('#claim-detail');
    await detail.locator('h3', { hasText: claimNumber }).waitFor();

    await detail.getByLabel('New reserve (yen)').fill(String(raised));
    await detail.getByLabel('Reason').fill('repair shop estimate with frame damage');
    await detail.getByRole('button', { name: 'Change reserve' }).click();
    await expect.poll(() => detail.locator('[data-field="reserve"]').textContent(), { timeout: 20_000 }).toContain(raised.toLocaleString('ja-JP'));
    await detail.getByRole('button', { name: 'Confirm claim' }).click();
    await detail.locator('h3', { hasText: '(confirmed)' }).waitFor();
    await detail.getByRole('button', { name: /Close claim/ }).click();
    await detail.locator('h3', { hasText: '(closed)' }).waitFor();

    // More than was settled is refused, with the reason on the page; nothing is posted.
    const form = detail.locator('form[data-money="payments"]');
    await form.getByLabel('Payment reference').fill('TR-E2E-0');
    await form.getByLabel('Amount (yen)').evaluate((input) => input.removeAttribute('max'));
    await form.getByLabel('Amount (yen)').fill(String(raised + 1));
    await form.getByLabel('Payee').fill('Shinjuku Body Works');
    await form.getByRole('button', { name: 'Record payment' }).click();
    await expect.poll(() => page.locator('#claim-error').textContent(), { timeout: 20_000 }).toContain('still payable');

    for (const [reference, amount] of [['TR-E2E-1', raised - 20_000], ['TR-E2E-2', 20_000]] as const) {
      const payment = detail.locator('form[data-money="payments"]');
      await payment.getByLabel('Payment reference').fill(reference);
      await payment.getByLabel('Amount (yen)').fill(String(amount));
      await payment.getByLabel('Payee').fill('Shinjuku Body Works');
      await payment.getByRole('button', { name: 'Record payment' }).click();
      await expect.poll(async () => (await ledgerOf(claimId)).filter((l) => l.rule === 'claim-paid' && l.account === '1000').length, { timeout: 20_000 }).toBe(reference === 'TR-E2E-1' ? 1 : 2);
      // The detail re-renders (a fresh, empty form) once the payment is in: wait for it, or the next fill lands in the old form.
      if (reference === 'TR-E2E-1') {
        await expect.poll(() => detail.locator('[data-field="outstanding"]').textContent(), { timeout: 20_000 }).toMatch(/[¥￥]20,000$/);
      }
    }
    await expect.poll(() => detail.locator('[data-field="outstanding"]').textContent(), { timeout: 20_000 }).toMatch(/[¥￥]0$/);
    expect(await detail.locator('form[data-money="payments"]').count()).toBe(0);
    await page.close();

    const lines = await ledgerOf(claimId);
    const balance = (account: string) => lines.filter((l) => l.account === account).reduce((s, l) => s + Number(l.debit) - Number(l.credit), 0);
    expect([...new Set(lines.map((l) => l.rule))]).toEqual(['claim-reserve-opened', 'claim-reserve-adjusted', 'claim-settled', 'claim-paid']);
    expect({ cash: balance('1000'), reserves: balance('2300'), payable: balance('2400'), incurred: balance('5100') }).toEqual({ cash: -raised, reserves: 0, payable: 0, incurred: raised });

    // The partner's claims bordereau for the day of the payments shows them, read through the partner API.
    const day = lines.find((l) => l.rule === 'claim-paid')?.day ?? '';
    const res = await fetch(`${baseUrl('policy')}/v1/statements?period=${day}&kind=claims-bordereau`, { headers: { 'x-api-key': DEMO_API_KEY } });
    expect(res.status).toBe(200);
    const bordereau = (await res.json()) as ClaimsBordereauV1;
    const line = bordereau.lines.find((l) => l.claimNumber === claimNumber);
    expect(line).toMatchObject({ paidYen: raised, outstandingPayableYen: 0, outstandingReserveYen: 0 });
  });

  it('refuses a viewer changing a reserve or recording a payment with 403, audited, and a hostile body with 400 naming the field', async () => {
    const viewer = await signedInSession(consoleUrl, VIEWER);
    const handler = await signedInSession(consoleUrl, HANDLER);
    const post = (who: { cookie: string; csrfToken: string }, path: string, body: unknown) =>
      fetch(`${consoleUrl}${path}`, { method: 'POST', headers: { cookie: who.cookie, origin: consoleUrl, 'x-csrf-token': who.csrfToken, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const claim = '00000000-0000-7000-8000-000000000000';
    expect((await post(viewer, `/api/claims/${claim}/reserve`, { reserveYen: 1, reason: 'viewer tries' })).status).toBe(403);
    expect((await post(viewer, `/api/claims/${claim}/payments`, { paymentReference: 'X-1', amountYen: 1, payee: 'viewer' })).status).toBe(403);
    const audit = await db.query("SELECT action FROM audit_log WHERE actor = 'viewer' AND action IN ('claim.reserve-change-refused', 'claim.payment-refused')");
    expect(new Set(audit.rows.map((r) => r.action))).toEqual(new Set(['claim.reserve-change-refused', 'claim.payment-refused']));
    for (const [path, body, field] of [
      ['reserve', { reserveYen: 1, reason: 'nul\u0000' }, 'reason'],
      ['reserve', { reserveYen: 3e9, reason: 'too much' }, 'reserveYen'],
      ['payments', { paymentReference: '../../x', amountYen: 1, payee: 'p' }, 'paymentReference'],
    ] as const) {
      const res = await post(handler, `/api/claims/${claim}/${path}`, body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain(field);
    }
    // An unknown claim reaches claims-trigger, which answers 404; the console passes it on.
    expect((await post(handler, `/api/claims/${claim}/reserve`, { reserveYen: 1, reason: 'no such claim' })).status).toBe(404);
  });
});
