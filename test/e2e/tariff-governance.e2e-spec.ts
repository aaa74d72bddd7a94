import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActiveTariffV1, PartnerTopics, type QuoteV1, Topics } from '@kuruma/contracts';
import { canonicalTariffJson, parseTariffDocument, tariffs } from '@kuruma/domain-rating';
import { asMessage, baseUrl, bookingEvent, DEMO_API_KEY, KafkaProbe, newBooking, PlatformProcesses, testTopic } from '../../tools/harness';
import { launchChromium } from '../support/browser';

/** Two actuaries (tools/harness/test-env.ts): one drafts, the other approves (four eyes). */
const AUTHOR = { username: 'actuary', password: 'actuary-password' };
const ADMIN = { username: 'admin', password: 'admin-change-me' };
const VIEWER = { username: 'viewer', password: 'viewer-password' };
const APPROVER = { username: 'actuary2', password: 'actuary2-password' };
const SCREENSHOTS = resolve(__dirname, '../../screenshots');

/** Japan time to the second, as quotes take it and the console's datetime-local shows it. */
const japanTime = (ms: number) => new Date(ms + 9 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+09:00');

/**
 * A new tariff version goes from draft to priced without a restart of pricing: drafted by one
 * actuary in the console, refused when the author tries to approve it, approved by a second
 * actuary, scheduled a few seconds ahead, and then quoted with from that instant.
 */
describe('tariff governance', () => {
  const platform = new PlatformProcesses();
  const probe = new KafkaProbe();
  const policyTopic = testTopic(Topics.policyEvents);
  let browser: Browser;
  const consoleUrl = baseUrl('ops-console');
  const pricingUrl = baseUrl('pricing');

  async function signedInPage(who: { username: string; password: string }): Promise<{ context: BrowserContext; page: Page }> {
    // Own context per user: own cookies, so the two actuaries are two sessions.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(consoleUrl);
    await page.getByLabel('User name').fill(who.username);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${consoleUrl}/`);
    await page.getByRole('button', { name: 'Tariffs' }).click();
    await page.locator('#tariff-rows tr').first().waitFor();
    return { context, page };
  }

  async function quoteStartingAt(startsAtMs: number): Promise<QuoteV1> {
    const booking = newBooking({ startsAt: japanTime(startsAtMs), endsAt: japanTime(startsAtMs + 6 * 3_600_000) });
    const res = await fetch(`${pricingUrl}/v1/quotes`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': DEMO_API_KEY }, body: JSON.stringify(bookingEvent(booking, 'com.kurumacover.booking.created', 1).data) });
    expect(res.status).toBe(200);
    return (await res.json()) as QuoteV1;
  }

  async function activeTariff(): Promise<ActiveTariffV1> {
    const res = await fetch(`${pricingUrl}/v1/tariffs/active`, { headers: { 'x-api-key': DEMO_API_KEY } });
    expect(res.status).toBe(200);
    return (await res.json()) as ActiveTariffV1;
  }

  /** A session as the console's page holds it: cookie and CSRF token, for calling the API as an attacker would. */
  async function session(who: { username: string; password: string }) {
    const res = await fetch(`${consoleUrl}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: consoleUrl }, body: JSON.stringify(who) });
    const { csrfToken } = (await res.json()) as { csrfToken: string };
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    return (path: string, body?: object, csrf = true) =>
      fetch(`${consoleUrl}${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { cookie, origin: consoleUrl, 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrfToken } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
  }

  beforeAll(async () => {
    browser = await launchChromium();
    await probe.observe([policyTopic]);
    await platform.start(['booking-ingest', 'pricing', 'policy', 'ops-console']);
  });
  afterAll(async () => {
    await browser?.close();
    await platform.stopAll();
    await probe.close();
  });

  /** Policy events of a booking a partner publishes over Kafka, once `type` has arrived. */
  async function policyEventsUntil(bookingId: string, type: string) {
    await probe.waitFor((rs) => rs.some((r) => r.topic === policyTopic && r.key === bookingId && r.json<{ type: string }>().type === type), 30_000, `${type} for ${bookingId}`);
    return probe.records.filter((r) => r.topic === policyTopic && r.key === bookingId).map((r) => r.json<{ type: string; data: Record<string, unknown> }>());
  }

  it('drafts, refuses the author, approves by a second actuary, schedules, and prices with the new version from its instant without a restart', async () => {
    const pricingPid = platform.pids()['pricing'];
    // The figures of the tariff in force now under a new id: the same prices for every other test
    // of this run that binds cover after this one, a new version all the same.
    const inForce = tariffs.inForceAt(new Date());
    const document = JSON.stringify({ ...inForce?.data, id: 'kc-carshare-e2e-governance', note: `drafted by the governance e2e test ${Date.now()}` }, null, 2);
    const version = parseTariffDocument(document).tariff.version;
    const before = await activeTariff();
    expect(before.tariffVersion).not.toBe(version);

    // 1. The author drafts it in the console (pasted).
    const author = await signedInPage(AUTHOR);
    await author.page.getByLabel('or paste it').fill(document);
    await author.page.getByRole('button', { name: 'Save draft' }).click();
    await author.page.locator('#tariff-detail', { hasText: version }).waitFor();
    expect(await author.page.locator('#tariff-rows tr', { hasText: version }).textContent()).toContain('draft');

    // 2. The author may not approve it: four eyes.
    await author.page.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => author.page.locator('#tariff-error').textContent(), { timeout: 10_000 }).toMatch(/a second person must approve it/);

    // 3. A second actuary approves it and schedules it a few seconds ahead, in Japan time.
    const approver = await signedInPage(APPROVER);
    await approver.page.locator('#tariff-rows tr', { hasText: version }).click();
    await approver.page.getByRole('button', { name: 'Approve' }).click();
    await approver.page.locator('#tariff-detail', { hasText: 'approved by actuary2' }).waitFor();
    const effectiveMs = Math.ceil((Date.now() + 8_000) / 1_000) * 1_000;
    await approver.page.getByLabel('Effective from (Japan time)').fill(japanTime(effectiveMs).slice(0, 19));
    await approver.page.getByRole('button', { name: 'Schedule' }).click();
    await approver.page.locator('#tariff-rows tr', { hasText: version }).filter({ hasText: 'scheduled' }).waitFor();

    // 4. Pricing hears of it (NOTIFY) and prices cover by its start: before the instant with the
    //    old version, from the instant with the new one.
    await expect.poll(async () => (await activeTariff()).next?.tariffVersion, { timeout: 15_000 }).toBe(version);
    expect((await quoteStartingAt(effectiveMs - 1_000)).tariffVersion).toBe(before.tariffVersion);
    expect((await quoteStartingAt(effectiveMs)).tariffVersion).toBe(version);

    // 5. At the instant it becomes the active tariff partners read, and a quote for cover
    //    starting now carries it; pricing is the same process throughout.
    await expect.poll(async () => (await activeTariff()).tariffVersion, { timeout: 30_000 }).toBe(version);
    expect((await quoteStartingAt(Math.ceil(Date.now() / 1_000) * 1_000 + 1_000)).tariffVersion).toBe(version);
    expect(platform.pids()['pricing']).toBe(pricingPid);

    // 6. Cover bound under the new version is endorsed with it: policy resolves a version that no
    //    bundled file carries, from Postgres.
    const booking = newBooking({ startsAt: japanTime(effectiveMs), endsAt: japanTime(effectiveMs + 3 * 3_600_000) });
    const bookingTopic = testTopic(PartnerTopics.bookingEvents('demo'));
    await probe.produce(bookingTopic, [asMessage(bookingEvent(booking, 'com.kurumacover.booking.created', 1)), asMessage(bookingEvent(booking, 'com.kurumacover.booking.confirmed', 2))]);
    const [bound] = await policyEventsUntil(booking.bookingId, 'com.kurumacover.policy.bound');
    expect(bound?.data['tariffVersion']).toBe(version);
    await probe.produce(bookingTopic, [asMessage(bookingEvent({ ...booking, endsAt: japanTime(effectiveMs + 6 * 3_600_000) }, 'com.kurumacover.booking.extended', 3))]);
    const extended = (await policyEventsUntil(booking.bookingId, 'com.kurumacover.policy.extended')).find((e) => e.type === 'com.kurumacover.policy.extended');
    expect(extended?.data['premiumDelta']).toBeGreaterThan(0);

    // The audit log shows each step and the refused attempt, with who did it.
    await approver.page.locator('#tariff-rows tr', { hasText: version }).click();
    const audit = await approver.page.locator('#tariff-detail table').textContent();
    for (const entry of ['actuary (actuary)tariff.draft', 'actuary (actuary)tariff.approve-refused', 'actuary2 (actuary)tariff.approve', 'actuary2 (actuary)tariff.schedule']) expect(audit).toContain(entry);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await approver.page.screenshot({ path: resolve(SCREENSHOTS, 'console-tariffs.png'), fullPage: true });
    await author.context.close();
    await approver.context.close();
  });

  it('shows the figures that differ and the reference premiums of two versions side by side', async () => {
    const { context, page } = await signedInPage(APPROVER);
    const versions = tariffs.all().map((t) => t.version);
    const launch = versions.find((v) => v.startsWith('kc-carshare-2026-10@')) as string;
    const revision = versions.find((v) => v.startsWith('kc-carshare-2027-01@')) as string;
    await page.getByLabel('Compare', { exact: true }).selectOption(launch);
    await page.getByLabel('with', { exact: true }).selectOption(revision);
    await page.getByRole('button', { name: 'Show differences' }).click();
    await page.locator('#tariff-comparison table').first().waitFor();
    expect(await page.locator('#tariff-comparison').textContent()).toContain('basePerDay.byCategory.ordinary.bodilyInjury');
    const premiums = await page.locator('#tariff-comparison table').nth(1).locator('tbody tr').count();
    expect(premiums).toBeGreaterThan(0);
    await context.close();
  });

  it('refuses a hostile document, naming each problem by its path', async () => {
    const { context, page } = await signedInPage(AUTHOR);
    const hostile = JSON.parse(canonicalTariffJson(tariffs.all()[0]?.data)) as Record<string, unknown>;
    hostile['licence'] = { ...(hostile['licence'] as object), gold: 84, platinum: 0.5 };
    hostile['note'] = 'a\u0000b';
    await page.getByLabel('or paste it').fill(JSON.stringify(hostile));
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => page.locator('#tariff-error').textContent(), { timeout: 10_000 }).toContain('document.note: contains a NUL byte');
    hostile['note'] = 'an ordinary note';
    await page.getByLabel('or paste it').fill(JSON.stringify(hostile));
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => page.locator('#tariff-error').textContent(), { timeout: 10_000 }).toContain('document.licence.platinum: unknown key');
    expect(await page.locator('#tariff-error').textContent()).toContain('document.licence.gold: 84 is outside [0.1, 5]');
    await context.close();
  });

  it('answers what a role may not do, a forged request and a malformed version with clear refusals, and keeps the partner API behind its key', async () => {
    expect((await fetch(`${pricingUrl}/v1/tariffs/active`)).status).toBe(401);
    const document = JSON.stringify({ ...tariffs.all()[0]?.data, id: 'kc-carshare-e2e-refusals', note: `refusals ${Date.now()}` });
    const viewer = await session(VIEWER);
    const viewerDraft = await viewer('/api/tariffs', { document });
    expect([viewerDraft.status, ((await viewerDraft.json()) as { detail: string }).detail]).toEqual([403, 'role viewer may not draft tariffs']);
    const admin = await session(ADMIN);
    expect((await admin('/api/tariffs', { document }, false)).status).toBe(403);
    const drafted = await admin('/api/tariffs', { document });
    expect(drafted.status).toBe(201);
    const { record } = (await drafted.json()) as { record: { version: string } };
    const adminApproval = await admin(`/api/tariffs/${record.version}/approve`, {});
    expect([adminApproval.status, ((await adminApproval.json()) as { detail: string }).detail]).toEqual([403, 'role admin may not approve tariffs']);
    const actuary = await session(AUTHOR);
    const early = await actuary(`/api/tariffs/${record.version}/schedule`, { effectiveFrom: japanTime(Date.now() + 3_600_000) });
    expect(early.status).toBe(409);
    const past = await actuary(`/api/tariffs/${record.version}/approve`, {});
    expect(past.status).toBe(200);
    const backdated = await actuary(`/api/tariffs/${record.version}/schedule`, { effectiveFrom: japanTime(Date.now() - 60_000) });
    expect([backdated.status, ((await backdated.json()) as { errors: { field: string }[] }).errors[0]?.field]).toEqual([400, 'effectiveFrom']);
    expect((await actuary(`/api/tariffs/${record.version}/schedule`, { effectiveFrom: '2999-01-01T00:00:00+09:00' })).status).toBe(400);
    const noZone = await actuary(`/api/tariffs/${record.version}/schedule`, { effectiveFrom: '2027-01-01T00:00:00' });
    expect(noZone.status).toBe(400);
    for (const bad of ['x%00y@000000000000', `${'a'.repeat(5_000)}@000000000000`, 'kc-carshare-2026-10']) expect((await actuary(`/api/tariffs/${bad}`)).status).toBe(404);
    const huge = await actuary('/api/tariffs', { document: `{"note":"${'x'.repeat(300 * 1024)}"}` });
    expect(huge.status).toBe(400);
  });
});
