import { E2E_PORTS } from '../../playwright.config';
import { test, expect, REFUSED_READER } from './fixtures';

/** When WebUSB refuses a reader, the reader picker offers the local PC/SC bridge and says how to run it. */
test('a refused smart-card-class reader opens the bridge instructions, with the Local Network Access note', async ({
  page,
  installUsbShim,
}) => {
  await installUsbShim(REFUSED_READER);
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
  await expect(offer.getByRole('alert')).toContainText(
    'The Keyward bridge did not answer. Is it running, started with this page’s address in --origin',
  );
});

test('a denied Local Network Access permission is named, with where to allow it', async ({ page }) => {
  await page.goto('/#/lifecycle');
  // What the operator's "Block" answer to Chrome's prompt leaves behind, set through the DevTools protocol.
  const cdp = await page.context().newCDPSession(page);
  const { targetInfo } = await cdp.send('Target.getTargetInfo');
  for (const name of ['loopback-network', 'local-network-access']) {
    await cdp.send('Browser.setPermission', {
      permission: { name },
      setting: 'denied',
      origin: new URL(page.url()).origin,
      browserContextId: targetInfo.browserContextId,
    });
  }
  expect(
    await page.evaluate(() =>
      navigator.permissions.query({ name: 'loopback-network' as PermissionName }).then((s) => s.state),
    ),
  ).toBe('denied');
  const offer = page.locator('details').filter({ hasText: 'Use the Keyward bridge' });
  await offer.locator('summary').click();
  await offer.getByRole('button', { name: 'Connect to the bridge' }).click();
  await expect(offer.getByRole('alert')).toContainText(
    'Chrome is not letting this site reach programs on this computer (Local Network Access)',
  );
  await expect(offer.getByRole('alert')).toContainText('LocalNetworkAccessAllowedForUrls');
});
