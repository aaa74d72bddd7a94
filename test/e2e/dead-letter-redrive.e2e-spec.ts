import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartnerTopics, Topics } from '@kuruma/contracts';
import { asMessage, baseUrl, bookingEvent, jstMinutesFromNow, KafkaProbe, newBooking, PlatformProcesses, TEST_ENV, testTopic } from '../../tools/harness';
import { launchChromium } from '../support/browser';
import { type OpsAccount, signedInSession, signInOnPage } from '../support/ops-console-session';

const ADMIN = { username: 'admin', password: 'admin-change-me' };
const VIEWER = { username: 'viewer', password: 'viewer-password' };
/** Screenshots for a human to look at (git-ignored). */
const SCREENSHOTS = resolve(__dirname, '../../screenshots');

interface RedriveAnswer {
  redriven: { id: string; topic: string; partition: number; offset: string }[];
  skipped: number;
}

/**
 * Dead letters an operator redrives, through the real pipeline: a booking extension policy cannot
 * apply (its policy's tariff version was rewritten to a hash the registry does not have, as after
 * a tariff file edited after use: the chaos suite's stale-tariff case) is dead-lettered after
 * CONSUMER_MAX_ATTEMPTS, indexed and listed by the console; redriven before the fix it fails again
 * and comes back as a new dead letter pointing at the first; once the tariff version is restored
 * an admin redrives it from the page and the extension applies once, however often it is redriven.
 */
describe('dead-letter redrive', () => {
  const platform = new PlatformProcesses();
  const probe = new KafkaProbe();
  const db = new pg.Pool({ connectionString: TEST_ENV['DATABASE_URL'] });
  const consoleUrl = baseUrl('ops-console');
  const pricedTopic = testTopic(Topics.bookingPriced);
  const pricedDlq = testTopic(Topics.bookingPricedDlq);
  let browser: Browser;

  const session = (who: OpsAccount) => signedInSession(consoleUrl, who);

  async function redrive(who: { cookie: string; csrfToken: string }, body: unknown): Promise<Response> {
    return fetch(`${consoleUrl}/api/dead-letters/redrive`, { method: 'POST', headers: { cookie: who.cookie, origin: consoleUrl, 'x-csrf-token': who.csrfToken, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  /** The console's dead letters of this booking's extension, oldest first. */
  async function lettersOf(bookingId: string): Promise<{ id: string; redriven_at: Date | null }[]> {
    return (await db.query('SELECT id::text, redriven_at FROM dead_letter_record WHERE dlq_topic = $1 AND record_key = convert_to($2, \'UTF8\') ORDER BY indexed_at, dlq_offset', [pricedDlq, bookingId])).rows;
  }

  /** Every dead letter of the topic and reason not yet redriven, with its record key (to tell where it came from). */
  async function waitingLetters(dlqTopic: string, reasonCode: string): Promise<{ id: string; key: string }[]> {
    const sql = "SELECT id::text, encode(record_key, 'escape') AS key FROM dead_letter_record WHERE dlq_topic = $1 AND reason_code = $2 AND redriven_at IS NULL ORDER BY id";
    return (await db.query(sql, [dlqTopic, reasonCode])).rows;
  }

  async function signIn(page: Page, who: OpsAccount): Promise<void> {
    await signInOnPage(page, consoleUrl, who);
    await page.getByRole('button', { name: 'Dead letters' }).click();
  }

  /**
   * An end `minutes` after the booking's start. Not from the clock: a minute that turns between
   * the booking and its extension made a 240-minute extension 241 minutes long, and the check for
   * the later 300-minute one ("longer than 4 hours") then passed before it was applied.
   */
  const minutesAfterStart = (startsAt: string, minutes: number): string => jstMinutesFromNow(minutes, Date.parse(startsAt));

  /**
   * A bound booking whose policy's tariff version goes stale, then its extension, which policy
   * dead-letters after CONSUMER_MAX_ATTEMPTS; resolves once the console has indexed it.
   */
  async function staleTariffExtension(): Promise<{ b: ReturnType<typeof newBooking>; tariffVersion: string }> {
    const startsAt = jstMinutesFromNow(0);
    const b = newBooking({ startsAt, endsAt: minutesAfterStart(startsAt, 180) });
    await probe.produce(testTopic(PartnerTopics.bookingEvents('demo')), [asMessage(bookingEvent(b, 'com.kurumacover.booking.created', 1)), asMessage(bookingEvent(b, 'com.kurumacover.booking.confirmed', 2))]);
    await expect.poll(async () => (await db.query("SELECT tariff_version FROM policy WHERE booking_id = $1 AND status = 'bound'", [b.bookingId])).rowCount, { timeout: 60_000 }).toBe(1);
    const { tariff_version: tariffVersion } = (await db.query('SELECT tariff_version FROM policy WHERE booking_id = $1', [b.bookingId])).rows[0];
    await db.query("UPDATE policy SET tariff_version = split_part(tariff_version, '@', 1) || '@stale0000000000' WHERE booking_id = $1", [b.bookingId]);
    await probe.produce(testTopic(PartnerTopics.bookingEvents('demo')), [asMessage(bookingEvent({ ...b, endsAt: minutesAfterStart(b.startsAt, 240) }, 'com.kurumacover.booking.extended', 3))]);
    await expect.poll(async () => (await lettersOf(b.bookingId)).length, { timeout: 90_000 }).toBe(1);
    return { b, tariffVersion };
  }

  /** The policy was extended, with exactly one com.kurumacover.policy.extended event. */
  async function extendedOnce(bookingId: string): Promise<void> {
    await expect.poll(async () => (await db.query("SELECT cover_end > cover_start + interval '3 hours' AS extended FROM policy WHERE booking_id = $1", [bookingId])).rows[0]?.extended, { timeout: 60_000 }).toBe(true);
    const extended = await db.query("SELECT count(DISTINCT event_id)::int AS n FROM outbox WHERE key = $1 AND payload::jsonb->>'type' = 'com.kurumacover.policy.extended'", [bookingId]);
    expect(extended.rows[0].n).toBe(1);
  }

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

  it('lists a stale-tariff extension, lets a viewer only look, dead-letters it again when redriven before the fix, and applies it once after', async () => {
    const { b, tariffVersion } = await staleTariffExtension();
    const [first] = await lettersOf(b.bookingId);

    // Every signed-in user can read it: reason, attempts, where it came from, its payload as text.
    const viewer = await session(VIEWER);
    const detail = (await (await fetch(`${consoleUrl}/api/dead-letters/${first?.id}`, { headers: { cookie: viewer.cookie } })).json()) as Record<string, unknown> & { payload: { text: string } };
    expect(detail).toMatchObject({ originalTopic: pricedTopic, reasonCode: 'handler-failed', attempts: 5, redrivable: true, redrivenAt: null });
    expect(String(detail['reason'])).toMatch(/has changed since it was used/);
    expect(detail.payload.text).toContain(b.bookingId);
    expect(await (await fetch(`${consoleUrl}/metrics`)).text()).toMatch(new RegExp(`kuruma_dead_letters_indexed_total\\{[^}]*topic="${pricedDlq.replace(/\./g, '\\.')}"[^}]*\\} [1-9]`));
    const list = (await (await fetch(`${consoleUrl}/api/dead-letters?topic=${pricedDlq}&reason=handler-failed`, { headers: { cookie: viewer.cookie } })).json()) as { items: { id: string }[] };
    expect(list.items.map((i) => i.id)).toContain(first?.id);

    // A viewer may not redrive: 403 problem+json, the attempt audited, nothing sent.
    const refused = await redrive(viewer, { ids: [first?.id] });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect((await db.query("SELECT 1 FROM audit_log WHERE actor = 'viewer' AND action = 'dead-letter.redrive-refused'")).rowCount).toBeGreaterThanOrEqual(1);

    // Redriven before the cause is fixed (by two operators at once: one sends it, the other finds
    // it sent): it fails again and is a new dead letter pointing at the first.
    const admin = await session(ADMIN);
    const early = (await Promise.all([redrive(admin, { ids: [first?.id] }), redrive(admin, { ids: [first?.id] })].map(async (r) => (await r).json()))) as RedriveAnswer[];
    expect(early.map((a) => a.redriven.length).sort()).toEqual([0, 1]);
    await expect.poll(async () => (await lettersOf(b.bookingId)).length, { timeout: 90_000 }).toBe(2);
    const [, second] = await lettersOf(b.bookingId);
    const again = (await (await fetch(`${consoleUrl}/api/dead-letters/${second?.id}`, { headers: { cookie: admin.cookie } })).json()) as { redriveOf: string; reasonCode: string; redrivenAt: string | null };
    expect(again).toMatchObject({ reasonCode: 'handler-failed', redrivenAt: null });
    expect(again.redriveOf).toMatch(new RegExp(`^${pricedDlq.replace(/\./g, '\\.')}/\\d+/\\d+$`));

    // The viewer's page shows it without a way to redrive it.
    const viewerPage = await browser.newPage();
    await signIn(viewerPage, VIEWER);
    await viewerPage.locator(`#dl-rows tr[data-id="${second?.id}"]`).waitFor();
    expect(await viewerPage.locator('#dl-rows input[data-select]').count()).toBe(0);
    expect(await viewerPage.getByRole('button', { name: 'Redrive selected' }).isVisible()).toBe(false);
    await viewerPage.close();

    // The cause fixed, an admin redrives it from the page, confirming first.
    await db.query('UPDATE policy SET tariff_version = $2 WHERE booking_id = $1', [b.bookingId, tariffVersion]);
    const page = await browser.newPage();
    await signIn(page, ADMIN);
    await page.getByLabel(`Select dead letter ${second?.id}`).check();
    await page.getByRole('button', { name: 'Redrive selected' }).click();
    await expect.poll(() => page.locator('#dl-confirm-text').textContent()).toContain('Redrive 1 selected dead letter');
    await page.getByRole('button', { name: 'Redrive', exact: true }).click();
    await expect.poll(() => page.locator('#dl-status').textContent(), { timeout: 20_000 }).toContain('1 redriven');
    await page.locator(`#dl-rows tr[data-id="${second?.id}"][data-state="redriven"]`).waitFor();
    await page.locator(`#dl-rows tr[data-id="${second?.id}"] td:nth-child(3)`).click();
    await page.locator('#dl-detail dd[data-field="reason"]').waitFor();
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: resolve(SCREENSHOTS, 'dead-letters.png'), fullPage: true });
    await page.close();

    // A double click, a second operator and a retry find it redriven: nothing more is sent.
    const twice = await Promise.all([redrive(admin, { ids: [second?.id] }), redrive(admin, { ids: [second?.id] })]);
    const answers = (await Promise.all(twice.map((r) => r.json()))) as RedriveAnswer[];
    expect(answers.map((a) => [a.redriven.length, a.skipped])).toEqual([
      [0, 1],
      [0, 1],
    ]);

    // The extension applied once: the policy ends at the new end, with one com.kurumacover.policy.extended event.
    await extendedOnce(b.bookingId);
    const audit = await db.query("SELECT details FROM audit_log WHERE actor = 'admin' AND action = 'dead-letter.redrive' AND target_id LIKE $1", [`%${second?.id}%`]);
    expect(audit.rows.map((r) => r.details.count)).toContain(1);
    expect((await lettersOf(b.bookingId)).length).toBe(2);
  });

  it('redrives every waiting dead letter of a reason at once, each applied once, even when a copy is sent twice', async () => {
    const cases = [await staleTariffExtension(), await staleTariffExtension()];
    for (const { b, tariffVersion } of cases) await db.query('UPDATE policy SET tariff_version = $2 WHERE booking_id = $1', [b.bookingId, tariffVersion]);
    const admin = await session(ADMIN);
    // "Every waiting letter of the reason" is the whole topic's, not this test's: the chaos e2e
    // test's stale-tariff extension leaves one on this topic with this reason, which the next
    // console to start indexes, in this run or (the broker outlives the run's fresh database) the
    // next. So the answer is compared with what the index held as waiting just before, which must
    // include this test's two letters.
    const ids = (await Promise.all(cases.map(({ b }) => lettersOf(b.bookingId)))).flat().map((l) => l.id);
    const waiting = await waitingLetters(pricedDlq, 'handler-failed');
    expect(ids).toHaveLength(2);
    expect(waiting.map((l) => l.id)).toEqual(expect.arrayContaining(ids));
    const others = waiting.filter((l) => !ids.includes(l.id));
    if (others.length) console.warn(`[dead-letter redrive] also waiting, not this test's: ${JSON.stringify(others)}`);
    const all = (await (await redrive(admin, { topic: pricedDlq, reason: 'handler-failed' })).json()) as RedriveAnswer & { more: boolean };
    expect(all.redriven.map((r) => r.id).sort(), `waiting before the redrive: ${JSON.stringify(waiting)}`).toEqual(waiting.map((l) => l.id).sort());
    expect(all.more).toBe(false);
    expect(((await (await redrive(admin, { topic: pricedDlq, reason: 'handler-failed' })).json()) as RedriveAnswer).redriven).toHaveLength(0);
    for (const { b } of cases) await extendedOnce(b.bookingId);

    // As if the console had died after sending and before its commit: the row still waits, and
    // the next redrive sends a second copy, which policy's inbox drops. A later extension of the
    // same booking (same key, same partition, behind the copy) shows when the copy has been read.
    const [{ b }] = cases as [(typeof cases)[0]];
    const [letter] = await lettersOf(b.bookingId);
    await db.query('UPDATE dead_letter_record SET redriven_at = NULL WHERE id = $1', [letter?.id]);
    expect(((await (await redrive(admin, { ids: [letter?.id] })).json()) as RedriveAnswer).redriven).toHaveLength(1);
    await probe.produce(testTopic(PartnerTopics.bookingEvents('demo')), [asMessage(bookingEvent({ ...b, endsAt: minutesAfterStart(b.startsAt, 300) }, 'com.kurumacover.booking.extended', 4))]);
    await expect.poll(async () => (await db.query("SELECT cover_end > cover_start + interval '4 hours' AS later FROM policy WHERE booking_id = $1", [b.bookingId])).rows[0]?.later, { timeout: 60_000 }).toBe(true);
    const extensions = await db.query("SELECT count(DISTINCT event_id)::int AS n FROM outbox WHERE key = $1 AND payload::jsonb->>'type' = 'com.kurumacover.policy.extended'", [b.bookingId]);
    expect(extensions.rows[0].n).toBe(2);
  });

  it('shows a payload with NUL bytes and invalid UTF-8 as escaped text or hex with its size', async () => {
    const admin = await session(ADMIN);
    const poison = Buffer.concat([Buffer.from('{"id":"'), Buffer.from([0x00, 0xff, 0xfe]), Buffer.from('"}')]);
    await probe.produce(testTopic(PartnerTopics.bookingEvents('demo')), [{ key: 'redrive-binary-poison', value: poison }]);
    const dlq = testTopic(Topics.bookingEventsDlq);
    await expect.poll(async () => (await db.query("SELECT 1 FROM dead_letter_record WHERE dlq_topic = $1 AND record_key = convert_to('redrive-binary-poison', 'UTF8')", [dlq])).rowCount, { timeout: 60_000 }).toBe(1);
    const { id } = (await db.query("SELECT id::text FROM dead_letter_record WHERE dlq_topic = $1 AND record_key = convert_to('redrive-binary-poison', 'UTF8')", [dlq])).rows[0];
    const detail = (await (await fetch(`${consoleUrl}/api/dead-letters/${id}`, { headers: { cookie: admin.cookie } })).json()) as { payload: { size: number; encoding: string; hex: string }; redrivable: boolean };
    expect(detail.payload).toMatchObject({ size: poison.length, encoding: 'binary' });
    expect(detail.payload.hex).toContain('00 ff fe');
    // It came from the partner's own topic: the partner resends it, the console does not speak for it.
    expect(detail.redrivable).toBe(false);
    expect(((await (await redrive(admin, { ids: [id] })).json()) as RedriveAnswer).skipped).toBe(1);
    const page = await browser.newPage();
    await signIn(page, ADMIN);
    await page.locator(`#dl-rows tr[data-id="${id}"]`).click();
    await expect.poll(() => page.locator('#dl-detail').textContent()).toContain('Not UTF-8: shown as hex');
    await page.locator(`#dl-groups tr[data-topic="${dlq}"]`).first().waitFor();
    expect(await page.locator(`#dl-groups tr[data-topic="${dlq}"] [data-redrive-reason]`).count()).toBe(0);
    await page.close();
  });

  it('answers a forged cursor, a bad id and an unknown selection field with 400 naming it', async () => {
    const admin = await session(ADMIN);
    const badCursor = await fetch(`${consoleUrl}/api/dead-letters?cursor=${Buffer.from("x|' OR 1=1").toString('base64url')}`, { headers: { cookie: admin.cookie } });
    expect(badCursor.status).toBe(400);
    expect(JSON.stringify(await badCursor.json())).toContain('cursor');
    expect((await fetch(`${consoleUrl}/api/dead-letters/not-a-uuid%00`, { headers: { cookie: admin.cookie } })).status).toBe(400);
    const extra = await redrive(admin, { ids: ['00000000-0000-4000-8000-000000000000'], all: true });
    expect(extra.status).toBe(400);
  });
});
