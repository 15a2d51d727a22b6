import { test, expect } from './fixtures';
import type { BrowserContext, Page } from '@playwright/test';

/**
 * A tenant whose administrator has not consented Keyward's TAP permission: the emulator withholds it
 * (demo/entra-emulator/consent.ts), MSAL's silent refresh is refused, the popup shows Entra's "Need
 * admin approval" page, and the app puts CONSENT_REQUIRED into words. The emulator is shared by every
 * spec, so consent is always restored afterwards.
 */
const TAP = 'UserAuthMethod-TAP.ReadWrite.All';
const CONSENT_WORDS = 'An administrator has not yet consented to the permissions Keyward needs';

test.afterEach(async ({ emulator }) => {
  await emulator.withholdConsent([]);
});

/** The `n`th window the context opens from now on (COOP severs popups from the page, so watch the context). */
function nthPopup(context: BrowserContext, n: number): Promise<Page> {
  return new Promise((resolve) => {
    let seen = 0;
    const onPage = (p: Page) => {
      seen += 1;
      if (seen < n) return;
      context.off('page', onPage);
      resolve(p);
    };
    context.on('page', onPage);
  });
}

/** In MSAL's popup: choose Aisha, read the approval page, and go back to the app without consent. */
async function backFromApprovalPage(popup: Page): Promise<void> {
  await popup.getByRole('button', { name: /Aisha Operator/ }).click();
  await expect(popup.getByRole('heading', { name: 'Need admin approval' })).toBeVisible();
  await expect(popup.getByText('only an administrator can grant')).toBeVisible();
  await expect(popup.getByRole('listitem').filter({ hasText: TAP })).toBeVisible();
  await popup.getByRole('button', { name: 'Back to the app' }).click();
}

/** Signs Aisha in while the TAP permission is withheld; returns once the app shows her as signed in. */
async function signInWithoutConsent(page: Page, signInAs: (account: RegExp) => Promise<void>): Promise<void> {
  // Sign-in asks for no Graph permission, but the operator check right after it asks for a Graph token
  // with the TAP permission: the silent refresh is refused and MSAL opens a second popup.
  const profilePopup = nthPopup(page.context(), 2);
  const signedIn = signInAs(/Aisha Operator/);
  await backFromApprovalPage(await profilePopup);
  await signedIn;
}

/** Smart Card Unblock: searching needs the same Graph token, so the search meets the approval page too. */
async function searchWithoutConsent(page: Page, text: string): Promise<void> {
  await page.goto('/#/actions/unblock');
  const searchPopup = page.context().waitForEvent('page');
  await page.getByRole('searchbox', { name: 'Search users' }).fill(text);
  await backFromApprovalPage(await searchPopup);
}

test('without admin consent for the TAP permission the app says so, and works once consent is granted', async ({
  page,
  emulator,
  signInAs,
}) => {
  await emulator.withholdConsent([TAP]);
  await page.goto('/');
  await signInWithoutConsent(page, signInAs);
  await expect(page.getByTestId('operator-problems')).toContainText(CONSENT_WORDS);

  await searchWithoutConsent(page, 'Ben');
  // The search needs the same token: its alert names the missing consent, not a network failure.
  await expect(page.getByRole('alert')).toContainText(CONSENT_WORDS);
  await expect(page.getByRole('list', { name: 'Users found' })).toHaveCount(0);
  await expect(page.getByTestId('existing-pass')).toHaveCount(0);

  // The administrator grants consent; the operator searches again. The refresh token from before still
  // lacks the permission, so MSAL asks interactively once more, and this time the sign-in completes.
  await emulator.withholdConsent([]);
  const search = page.getByRole('searchbox', { name: 'Search users' });
  await search.fill('');
  const retryPopup = page.context().waitForEvent('page');
  await search.fill('Ben');
  await (await retryPopup).getByRole('button', { name: /Aisha Operator/ }).click();
  await page
    .getByRole('list', { name: 'Users found' })
    .getByRole('button', { name: /Ben Member/ })
    .click();
  await expect(page.getByRole('heading', { name: 'Ben Member' })).toBeVisible();
  await expect(page.getByTestId('existing-pass')).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
});
