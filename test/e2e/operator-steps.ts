/**
 * Operator steps several specs take through the console's UI: a card in the reader behind the local PC/SC bridge (paired with the code the bridge printed), and Issue up to the
 * operator's final click.
 */
import type { Page } from '@playwright/test';
import { expect, chooseUser } from './fixtures';
import { E2E_APP_ORIGIN } from '../../playwright.config';
import type { BridgeRig } from '../bridge/bridge-rig';

/**
 * The card behind the local PC/SC bridge (bridge process → pcscd → vpcd → the virtual card in the test
 * process): connect to the bridge, type the code it printed for this page's origin, pick the reader.
 * Works on any page with the reader picker (the console's Lifecycle, the self-service page's actions).
 */
export async function chooseBridgeReader(page: Page, rig: BridgeRig, origin: string = E2E_APP_ORIGIN): Promise<void> {
  const offer = page.locator('details').filter({ hasText: 'Use the Keyward bridge' });
  if ((await offer.getAttribute('open')) === null) await offer.locator('summary').click();
  if (await offer.getByRole('button', { name: 'Connect to the bridge' }).isVisible()) {
    const printed = rig.codes.length;
    await offer.getByRole('button', { name: 'Connect to the bridge' }).click();
    // A browser that kept its pairing key (IndexedDB) authenticates: then no code is asked.
    const connected = offer.getByText('The bridge sees');
    await expect(offer.getByLabel('Pairing code').or(connected)).toBeVisible();
    if (await offer.getByLabel('Pairing code').isVisible()) {
      // A fresh code, unless one printed earlier is still valid (the bridge does not print it again).
      await expect
        .poll(() => rig.codes.length > printed, { timeout: 3000 })
        .toBe(true)
        .catch(() => undefined);
      await expect.poll(() => rig.codes.some((c) => c.origin === origin)).toBe(true);
      await offer.getByLabel('Pairing code').fill(rig.codes.findLast((c) => c.origin === origin)!.code);
      await offer.getByRole('button', { name: 'Pair' }).click();
    }
  }
  await page.getByRole('list', { name: 'Readers' }).getByRole('button', { name: rig.harness.reader }).click();
  await expect(page.getByRole('heading', { name: rig.harness.reader })).toBeVisible();
}

/**
 * Issue up to the operator's final click: `template`, re-authentication (the operator passcode, a fresh
 * sign-in as `operator` in the emulator's popup), the user found by `search` whose button matches `user`.
 */
export async function startIssue(
  page: Page,
  template: string,
  search: string,
  user: RegExp,
  operator = /Aisha Operator/,
): Promise<void> {
  await page.getByTestId('state-diagram').getByRole('button', { name: 'Issue' }).click();
  await page.getByLabel('Card template').selectOption({ label: template });
  const popupPromise = page.context().waitForEvent('page');
  await page.getByRole('button', { name: 'Re-authenticate' }).click();
  const popup = await popupPromise;
  await popup.getByRole('button', { name: operator }).click();
  await expect(page.getByText(/^Re-authenticated as /)).toBeVisible({ timeout: 30_000 });
  await chooseUser(page, search, user);
}
