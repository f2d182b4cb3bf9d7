// Driving Debian's chromium with playwright-core (no browser download is possible here). Tests skip
// with a clear message when /usr/bin/chromium is absent; `apt-get install chromium` provides it.
import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const SCREENSHOTS = path.resolve(import.meta.dirname, '../../docs/screenshots');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Everything a page logged as an error or a CSP violation, so a test can assert there was none. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    // The browser logs every 4xx fetch; those are expected answers (e.g. "not signed in").
    if (message.type() === 'error' && !/Failed to load resource/.test(text)) problems.push(`console: ${text}`);
  });
  return problems;
}

export async function signInAs(page: Page, baseUrl: string, user: { email: string; password: string }): Promise<void> {
  await page.goto(`${baseUrl}/ui/`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
}

/** Saves a full-page screenshot under docs/screenshots (written aside, then renamed: never half a file). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const target = path.join(SCREENSHOTS, `${name}.png`);
  const temporary = path.join(SCREENSHOTS, `${name}.tmp.png`);
  // A full-page capture of a scrolled page would show the sticky top bar halfway down.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: temporary, fullPage: true });
  await rename(temporary, target);
}

/** The names in the main navigation, in order. */
export async function navigationItems(page: Page): Promise<string[]> {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts();
}
