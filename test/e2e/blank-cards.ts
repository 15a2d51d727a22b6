/**
 * The ways a blank card gets into a reader in the end-to-end specs (lifecycle.spec.ts, pin-pad.spec.ts,
 * card-state.spec.ts and the revoke and unblock specs): the demo's Virtual reader, a vendor-class USB
 * reader through the WebUSB shim, the Web Smart Card shim, and the local PC/SC bridge.
 */
import type { Page } from '@playwright/test';
import type { BridgeRig } from '../bridge/bridge-rig';
import { expect } from './fixtures';
import { chooseBridgeReader } from './operator-steps';

/** How the blank card gets into a reader. */
export type InsertBlankCard = (page: Page) => Promise<void>;

/**
 * The demo's Virtual reader with a fresh blank YubiKey 5.7, numbered from `serial` when given (the page is
 * loaded again with `?demo-card-serial=`): the run's specs share one relay, so a spec that leaves its card
 * issued uses serials of its own.
 */
export const virtualCard =
  (serial?: number): InsertBlankCard =>
  async (page) => {
    if (serial !== undefined) await page.goto(`/?demo-card-serial=${serial}#/lifecycle`);
    await page.getByRole('button', { name: 'Virtual reader' }).click();
    await page.getByRole('button', { name: 'Insert a blank card' }).click();
  };

/** The demo's Virtual reader with a fresh blank YubiKey 5.7, numbered as the demo does. */
export const virtualYubiKey = virtualCard();

/**
 * The card the test put in a vendor-class USB reader (one an ordinary page may claim), through the WebUSB
 * shim: a YubiKey 5.4 (3DES factory management key) for the whole workflow.
 */
export const shimReaderCard: InsertBlankCard = async (page) => {
  await page.getByRole('button', { name: 'Add a USB reader…' }).click();
};

/** The reader the Web Smart Card shim offers (the name PC/SC gives a YubiKey 5's CCID interface). */
export const SMART_CARD_READER = 'Yubico YubiKey OTP+FIDO+CCID 00 00';

/** A blank YubiKey 5.7 reached through `navigator.smartCard` (the shim): the operator picks its reader. */
export const smartCardYubiKey: InsertBlankCard = async (page) => {
  await page.getByRole('list', { name: 'Readers' }).getByRole('button', { name: SMART_CARD_READER }).click();
  await expect(page.getByRole('heading', { name: SMART_CARD_READER })).toBeVisible();
};

/**
 * A blank YubiKey 5.7 behind the local PC/SC bridge (bridge process → pcscd → vpcd → the virtual card in
 * this test process): the operator connects, types the code the bridge printed, and picks the reader.
 */
export const bridgeYubiKey =
  (rig: BridgeRig): InsertBlankCard =>
  (page) =>
    chooseBridgeReader(page, rig);
