/**
 * A real (temporary) Chromium profile for the install tests: incognito-like contexts are never
 * installable. Opens `url`, waits for the service worker, runs `run`, and removes the profile.
 */
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS } from '../../playwright.config';

export async function withProfile(
  url: string,
  run: (context: BrowserContext, page: Page) => Promise<void>,
): Promise<void> {
  const profile = mkdtempSync(join(tmpdir(), 'keyward-pwa-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
    ignoreHTTPSErrors: true,
  });
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await run(context, page);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
