import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export interface OpsAccount {
  username: string;
  password: string;
}

/** Signs in on the console's login page, as a person would, and waits for the console. */
export async function signInOnPage(page: Page, consoleUrl: string, who: OpsAccount): Promise<void> {
  await page.goto(consoleUrl);
  await page.getByLabel('User name').fill(who.username);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${consoleUrl}/`);
}

/** Signs in as the console's page does (same Origin); the cookie and the session's CSRF token. */
export async function signedInSession(consoleUrl: string, who: OpsAccount): Promise<{ cookie: string; csrfToken: string }> {
  const res = await fetch(`${consoleUrl}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: consoleUrl }, body: JSON.stringify(who) });
  expect(res.status).toBe(200);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '', csrfToken };
}
