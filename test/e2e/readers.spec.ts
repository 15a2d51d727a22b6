import { test, expect, REFUSED_READER, vendorClassReader } from './fixtures';

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

  test('a smart-card-class reader on an ordinary page is refused with what to do instead', async ({
    page,
    installUsbShim,
  }) => {
    await installUsbShim(REFUSED_READER);
    await page.goto('/#/lifecycle');
    await page.getByRole('button', { name: 'Add a USB reader…' }).click();
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('Chrome protects smart-card readers from web pages');
    // This is Linux: the words name the bridge, not the ChromeOS app.
    await expect(alert).toContainText('On Windows, macOS and Linux, use the Keyward PC/SC bridge');
    await expect(alert).not.toContainText('Chromebook');
  });

  test('on a Chromebook the refusal names the installed app for managed ChromeOS instead of the bridge', async ({
    page,
    installUsbShim,
  }) => {
    await page.addInitScript(() =>
      Object.defineProperty(Navigator.prototype, 'userAgentData', {
        configurable: true,
        get: () => ({ platform: 'Chrome OS', mobile: false, brands: [] }),
      }),
    );
    await installUsbShim(REFUSED_READER);
    await page.goto('/#/lifecycle');
    await page.getByRole('button', { name: 'Add a USB reader…' }).click();
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('Chrome protects smart-card readers from web pages');
    await expect(alert).toContainText('On a Chromebook, use the installed Keyward app for ChromeOS');
    await expect(alert).not.toContainText('PC/SC bridge on this computer');
  });

  test('a vendor-class reader opens from an ordinary page and reads the card', async ({ page, installUsbShim }) => {
    await installUsbShim(vendorClassReader('yubikey-5.4'));
    await page.goto('/#/lifecycle');
    await page.getByRole('button', { name: 'Add a USB reader…' }).click();
    await expect(page.getByTestId('card-presence')).toHaveText('Card present');
    await expect(page.getByRole('definition').filter({ hasText: 'vendor (0xFF)' })).toBeVisible();
    await expect(page.getByTestId('atr')).toHaveText(/^3B/);
  });

  test("cancelling Chrome's chooser says so plainly", async ({ page, installUsbShim }) => {
    await installUsbShim({ readers: [] });
    await page.goto('/#/lifecycle');
    await page.getByRole('button', { name: 'Add a USB reader…' }).click();
    await expect(page.getByRole('alert')).toContainText('No reader was chosen');
  });
});
