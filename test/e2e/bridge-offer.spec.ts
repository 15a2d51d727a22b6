import { test, expect, corpusReader } from './fixtures';

/** When WebUSB refuses a reader, the reader picker offers the local PC/SC bridge and says how to run it. */
test('a refused smart-card-class reader opens the bridge instructions, with the Local Network Access note', async ({ page, installUsbShim }) => {
  await installUsbShim({ readers: [{ entry: corpusReader('ACS_ACR39U_ICC_Reader.txt'), card: 'piv-generic', unrestricted: false }], choose: 0 });
  await page.goto('/#/lifecycle');
  const offer = page.locator('details').filter({ hasText: 'Use the Keyward bridge' });
  await expect(offer).not.toHaveAttribute('open');
  await page.getByRole('button', { name: 'Add a USB reader…' }).click();
  await expect(offer).toHaveAttribute('open');
  await expect(offer).toContainText('Chrome does not let an ordinary web page open smart-card readers');
  await expect(offer).toContainText(`npm start -- --origin ${new URL(page.url()).origin}`);
  await expect(offer).toContainText('LocalNetworkAccessAllowedForUrls');
  // No bridge runs on this port in the e2e run: the page says so in words, not a stack trace.
  await offer.getByRole('button', { name: 'Connect to the bridge' }).click();
  // The demo's CSP does not list the bridge, so the socket is blocked and never closes: the 20 s
  // greeting timeout ends the wait.
  await expect(offer.getByRole('alert')).toContainText('The bridge did not answer', { timeout: 30_000 });
});
