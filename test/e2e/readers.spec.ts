import type { Page } from '@playwright/test';
import { test, expect, REFUSED_READER, vendorClassReader, type KeywardFixtures } from './fixtures';
import type { UsbShimConfig } from './usb-shim/entry';

/** On Lifecycle with `config`'s USB readers, the person clicks Add a USB reader… (and Chrome's chooser answers). */
async function addUsbReader(
  page: Page,
  installUsbShim: KeywardFixtures['installUsbShim'],
  config: UsbShimConfig,
): Promise<void> {
  await installUsbShim(config);
  await page.goto('/#/lifecycle');
  await page.getByRole('button', { name: 'Add a USB reader…' }).click();
}

test.describe('readers through the WebUSB CCID driver', () => {
  test('the demo virtual reader shows the card, its ATR and live presence', async ({ page, consoleProblems }) => {
    await page.goto('/#/lifecycle');
    await page.getByRole('button', { name: 'Virtual reader' }).click();
    const presence = page.getByTestId('card-presence');
    await expect(presence).toHaveText('Card present');
    await expect(page.getByTestId('atr')).toHaveText(/^3B( [0-9A-F]{2})+$/);
    const caps = page.getByRole('definition').filter({ hasText: 'short and extended APDU' });
    await expect(caps).toBeVisible();
    await page.getByRole('button', { name: 'Remove the card' }).click();
    await expect(presence).toHaveText('No card in the reader');
    await expect(page.getByTestId('atr')).toHaveCount(0);
    await page.getByRole('button', { name: 'Insert a blank card' }).click();
    await expect(presence).toHaveText('Card present');
    expect(consoleProblems).toEqual([]);
  });

  /** Where the refusal sends the person: the bridge on Linux (this machine), the ChromeOS app on a Chromebook. */
  const REFUSALS = [
    {
      title: 'a smart-card-class reader on an ordinary page is refused with what to do instead',
      platform: null,
      names: 'On Windows, macOS and Linux, use the Keyward PC/SC bridge',
      notNamed: 'Chromebook',
    },
    {
      title: 'on a Chromebook the refusal names the installed app for managed ChromeOS instead of the bridge',
      platform: 'Chrome OS',
      names: 'On a Chromebook, use the installed Keyward app for ChromeOS',
      notNamed: 'PC/SC bridge on this computer',
    },
  ] as const;
  for (const refusal of REFUSALS) {
    test(refusal.title, async ({ page, installUsbShim }) => {
      if (refusal.platform)
        await page.addInitScript(
          (platform) =>
            Object.defineProperty(Navigator.prototype, 'userAgentData', {
              configurable: true,
              get: () => ({ platform, mobile: false, brands: [] }),
            }),
          refusal.platform,
        );
      await addUsbReader(page, installUsbShim, REFUSED_READER);
      const alert = page.getByRole('alert');
      await expect(alert).toContainText('Chrome protects smart-card readers from web pages');
      await expect(alert).toContainText(refusal.names);
      await expect(alert).not.toContainText(refusal.notNamed);
    });
  }

  test('a vendor-class reader opens from an ordinary page and reads the card', async ({ page, installUsbShim }) => {
    await addUsbReader(page, installUsbShim, vendorClassReader('yubikey-5.4'));
    await expect(page.getByTestId('card-presence')).toHaveText('Card present');
    await expect(page.getByRole('definition').filter({ hasText: 'vendor (0xFF)' })).toBeVisible();
    await expect(page.getByTestId('atr')).toHaveText(/^3B/);
  });

  test("cancelling Chrome's chooser says so plainly", async ({ page, installUsbShim }) => {
    await addUsbReader(page, installUsbShim, { readers: [] });
    await expect(page.getByRole('alert')).toContainText('No reader was chosen');
  });
});
