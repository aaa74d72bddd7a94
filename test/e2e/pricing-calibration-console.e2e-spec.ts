import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlDatabase } from '@kuruma/data-access-db';
import { baseUrl, experienceYear, PlatformProcesses, storeExperience, TEST_ENV } from '../../tools/harness';
import { launchChromium } from '../support/browser';
import { signedInSession, signInOnPage } from '../support/ops-console-session';

const ACTUARY2 = { username: 'actuary2', password: 'actuary2-password' };

/** The console's pricing page in real Chromium: a calibration run, its charts, and its draft handed to the tariff approval (issue #21 step 7). */
describe('pricing: calibration runs in the console', () => {
  const platform = new PlatformProcesses();
  const db = new SqlDatabase({ url: TEST_ENV['DATABASE_URL'] as string, poolSize: 2 });
  const consoleUrl = baseUrl('ops-console');
  let browser: Browser;
  /** What `npm run calibrate` prints on success. */
  let run: { runId: string; draft: string; gini: { proposed: number; current: number } };

  beforeAll(async () => {
    // 2024: the int test of the calibration takes 2025, so each reads only its own experience.
    await storeExperience(db, `calib-e2e-${randomUUID().slice(0, 8)}`, 2024);
    const { from, to, holdOutFrom } = experienceYear(2024);
    // As an actuary runs it: the command line, against the test database.
    const { stdout } = await promisify(execFile)(
      'npx',
      ['tsx', 'tools/calibrate.ts', '--from', from.toISOString(), '--to', to.toISOString(), '--hold-out-from', holdOutFrom.toISOString(), '--actor', 'actuary', '--out', `tmp/calibration-e2e-${randomUUID().slice(0, 8)}`],
      { env: { ...process.env, DATABASE_URL: TEST_ENV['DATABASE_URL'] }, timeout: 120_000 },
    );
    run = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as typeof run;
    browser = await launchChromium();
    await platform.start(['ops-console']);
  });
  afterAll(async () => {
    await browser?.close();
    await platform.stopAll();
    await db.end();
  });

  it('lists the run, shows its figures and charts, and opens its draft in Tariffs for a second actuary to approve', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await signInOnPage(page, consoleUrl, ACTUARY2);
    await page.getByRole('button', { name: 'Pricing' }).click();
    const row = page.locator(`#calibration-rows tr[data-run="${run.runId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain(run.draft);
    await row.click();

    const gini = page.locator('[data-figure="gini-proposed"]');
    await gini.waitFor();
    expect(Number(await gini.textContent())).toBeCloseTo(run.gini.proposed, 3);
    expect(await page.locator('#calibration-moves').textContent()).toContain('driver age 18-20');
    // The lift chart is an image the browser decoded (served as image/svg+xml by the console).
    const lift = page.locator('img[data-chart="lift"]');
    await lift.waitFor();
    await expect.poll(() => lift.evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).complete && (img as unknown as { naturalWidth: number }).naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);

    await page.getByRole('button', { name: 'Open the draft in Tariffs' }).click();
    const detail = page.locator('#tariff-detail');
    await detail.getByText(run.draft).waitFor();
    expect(await detail.textContent()).toContain('(draft)');
    // Drafted by another actuary, so this one may approve it: the governance's ordinary step.
    await page.getByRole('button', { name: 'Approve' }).click();
    await detail.getByText('(approved)').waitFor();
    await page.close();
  });

  it('refuses a malformed run id naming the field, and answers 404 for an unknown one', async () => {
    const { cookie } = await signedInSession(consoleUrl, ACTUARY2);
    const bad = await fetch(`${consoleUrl}/api/calibration-runs/${encodeURIComponent("x'; DROP TABLE calibration_run;--")}`, { headers: { cookie } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('id');
    const unknown = await fetch(`${consoleUrl}/api/calibration-runs/20000101-000000-abcdef`, { headers: { cookie } });
    expect(unknown.status).toBe(404);
    const noChart = await fetch(`${consoleUrl}/api/calibration-runs/${run.runId}/charts/%3Cscript%3E`, { headers: { cookie } });
    expect(noChart.status).toBe(400);
    const unauthenticated = await fetch(`${consoleUrl}/api/calibration-runs`);
    expect(unauthenticated.status).toBe(401);
  });
});
