/**
 * Shared Playwright fixtures for Keyward's end-to-end tests.
 */
import { test as base, expect, type Page } from '@playwright/test';

export interface KeywardFixtures {
  /** Console messages and page errors seen so far (CSP and Trusted Types violations land here). */
  consoleProblems: string[];
  /**
   * Signs in through the real MSAL popup against the Entra emulator, choosing the seeded account whose
   * button matches `account`, and waits for the popup to close.
   */
  signInAs: (account: RegExp) => Promise<void>;
}

export const test = base.extend<KeywardFixtures>({
  consoleProblems: async ({ page }, use) => {
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || /Content Security Policy|TrustedHTML|TrustedScriptURL/.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await use(problems);
  },
  signInAs: async ({ page }, use) => {
    await use((account) => signInAs(page, account));
  },
});

async function signInAs(page: Page, account: RegExp): Promise<void> {
  // COOP same-origin severs the popup from its opener, so watch the context, not the page.
  const popupPromise = page.context().waitForEvent('page');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const popup = await popupPromise;
  await popup.getByRole('button', { name: account }).click();
  await popup.waitForEvent('close', { timeout: 30_000 });
}

export { expect };
