import { toHex } from '../../src/bytes';
import { E2E_APP_ORIGIN as APP_ORIGIN, E2E_PORTS } from '../../playwright.config';
import { connectVpcd, type VpcdClient } from '../../src/simulator/vpcd-client';
import { createVirtualPivCard } from '../../src/simulator/piv-card/virtual-piv-card';
import { startBridgeRig, type BridgeRig } from '../bridge/bridge-rig';
import { test, expect } from './fixtures';

/**
 * The bridge from the operator's side across visits: paired once, it is back with its readers when
 * Keyward opens again; after Disconnect it stays off. Pulling the card in the bridge reader empties the
 * Lifecycle page, and putting it back brings it again.
 */
test.describe('the local PC/SC bridge across visits', () => {
  let rig: BridgeRig;
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    rig = await startBridgeRig('yubikey-5.7', [APP_ORIGIN], { args: ['--port', String(E2E_PORTS.bridge)] });
  });
  test.afterAll(async () => rig?.stop());

  test('reconnects after a reload once paired, follows the card, and stays off after Disconnect', async ({
    operatorPage: page,
    consoleProblems,
  }) => {
    await page.goto('/#/lifecycle');
    const offer = page.locator('details').filter({ hasText: 'Use the Keyward bridge' });
    // The bridge's readers join the one reader list, with their card presence.
    const readers = page.getByRole('list', { name: 'Readers' });
    await offer.locator('summary').click();
    await offer.getByRole('button', { name: 'Connect to the bridge' }).click();
    await expect.poll(() => rig.codes.some((c) => c.origin === APP_ORIGIN)).toBe(true);
    await offer.getByLabel('Pairing code').fill(rig.codes.findLast((c) => c.origin === APP_ORIGIN)!.code);
    await offer.getByRole('button', { name: 'Pair' }).click();
    await expect(readers.getByRole('button', { name: rig.harness.reader })).toBeVisible();

    await page.reload();
    await expect(readers.getByRole('button', { name: `${rig.harness.reader} · card present` })).toBeVisible();
    await expect(offer.getByLabel('Pairing code')).toHaveCount(0);

    // vpcd's second slot holds a card this test inserts and pulls: closing its vpcd connection is what
    // removing the card looks like to pcscd (vsmartcard vpcd.c, vicc_present).
    const second = 'Virtual PCD 00 01';
    const card = createVirtualPivCard({ profile: 'piv-generic' });
    const insert = () => connectVpcd({ port: rig.harness.vpcdPort + 1, card, backoff: { initialMs: 50, maxMs: 500 } });
    let vpcd: VpcdClient = insert();
    try {
      await readers.getByRole('button', { name: `${second} · card present` }).click();
      await expect(page.getByRole('heading', { name: second })).toBeVisible();
      await expect(page.getByTestId('card-state')).toContainText('PIV card');
      await expect(page.getByTestId('atr')).toHaveText(toHex(card.atr, { separator: ' ' }));

      await vpcd.stop();
      await expect(page.getByTestId('card-presence')).toHaveText('No card in the reader');
      await expect(page.getByTestId('card-state')).toContainText('No card');
      vpcd = insert();
      await expect(page.getByTestId('card-state')).toContainText('PIV card');
    } finally {
      await vpcd.stop();
    }

    // The bridge's readers leave the reader list with it (the demo's Virtual reader stays).
    const bridgeReaders = readers.getByRole('button', { name: /^Virtual PCD/ });
    await offer.getByRole('button', { name: 'Disconnect' }).click();
    await expect(bridgeReaders).toHaveCount(0);
    await page.reload();
    await expect(page.getByTestId('card-state')).toContainText('No card');
    await expect(offer).not.toHaveAttribute('open');
    await offer.locator('summary').click();
    await expect(offer.getByRole('button', { name: 'Connect to the bridge' })).toBeVisible();
    await expect(bridgeReaders).toHaveCount(0);
    expect(consoleProblems).toEqual([]);
  });
});
