import { E2E_PORTS } from '../../playwright.config';
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
  await expect(offer).toContainText(`npm start -- --origin ${new URL(page.url()).origin} --port ${E2E_PORTS.bridge}`);
  await expect(offer).toContainText('LocalNetworkAccessAllowedForUrls');
  // No bridge runs on this port in the e2e run: the page says so in words, not a stack trace.
  await offer.getByRole('button', { name: 'Connect to the bridge' }).click();
  // The demo's CSP lists the bridge's port, and nothing listens there now: the socket closes at once.
  await expect(offer.getByRole('alert')).toContainText('The Keyward bridge did not answer. Is it running, started with this page’s address in --origin');
});
