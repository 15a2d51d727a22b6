/**
 * A PIN-pad reader end to end: the virtual reader built from a corpus descriptor with bPINSupport (ACS
 * APG8201 v2, a smart-card-class reader the installed app may claim) holding a blank YubiKey 5.7. Issue
 * as usual; at Activate the page asks for no PIN but says to type it on the reader's keypad, and the test
 * plays the holder on the keypad (a test control of the USB shim, outside the page): the activation PIN,
 * the new PIN twice (CHANGE REFERENCE DATA), then the new PIN to VERIFY it. A first attempt is cancelled
 * from the page. No PIN appears in the page, its storage, the console, the services' log or the APDU
 * trace (every host→reader USB message).
 */
import type { Page } from '@playwright/test';
import { corpusEntry } from '../../src/simulator/fake-corpus';
import { scanPage } from '../support/secrecy-page';
import { test, expect, SERVICE_LOGS } from './fixtures';
import { checkExportTemplate, createCardTemplate, issueTo, NEW_PIN } from './lifecycle-steps';
import { shimReaderCard } from './blank-cards';

/** A smart-card-class PIN-pad reader, unrestricted as in the installed app (usb-unrestricted). */
const PIN_PAD_READER = {
  // A serial of its own: the run's relay database is shared by its specs.
  readers: [
    { entry: corpusEntry('ACS_APG8201_v2.txt'), card: 'yubikey-5.7' as const, serial: 62_000_001, unrestricted: true },
  ],
  choose: 0,
};

/** The USB shim's test controls this spec uses (test/e2e/usb-shim/entry.ts). */
type Shim = {
  __keywardUsbDevices: { keypad: { prompt: string | null; type(digits: string): void } }[];
  __keywardUsbWire: string[];
};

/** The holder at the reader: waits until the reader shows `prompt`, then types `digits` and presses OK. */
async function typeOnReader(page: Page, prompt: string, digits: string): Promise<void> {
  await page.waitForFunction(
    (want) => (window as unknown as Shim).__keywardUsbDevices[0]!.keypad.prompt === want,
    prompt,
  );
  await page.evaluate((d) => (window as unknown as Shim).__keywardUsbDevices[0]!.keypad.type(d), digits);
}

/** Every host→reader USB message so far, as hex. */
const usbWire = (page: Page) => page.evaluate(() => (window as unknown as Shim).__keywardUsbWire.slice());

test('activation on a PIN-pad reader: the PINs typed on its keypad, VERIFY and change succeed, no PIN in the page, logs or APDU trace', async ({
  page,
  signInAs,
  installUsbShim,
  consoleLines,
  consoleProblems,
}) => {
  test.setTimeout(180_000);
  await installUsbShim(PIN_PAD_READER);
  await page.goto('/');
  await signInAs(/Aisha Operator/);
  await checkExportTemplate(page);
  await createCardTemplate(page);
  const activationPin = await issueTo(page, shimReaderCard, /YubiKey 5 · PIV · firmware 5\.7\.2/);
  await expect(page.getByText('PIN pad', { exact: true }).locator('xpath=following-sibling::dd[1]')).toHaveText('yes');
  // Issue set the activation PIN from the host (it generated it); from here on the PINs are the holder's.
  const issued = (await usbWire(page)).length;

  // Activate: no PIN field; the page says the PINs are typed on the reader.
  await page.getByTestId('state-diagram').getByRole('button', { name: 'Activate' }).click();
  await expect(page.getByTestId('pin-pad')).toContainText('This reader has a PIN pad: no PIN is typed here.');
  await expect(page.getByLabel('Activation PIN')).toHaveCount(0);
  await expect(page.getByLabel('New PIN', { exact: true })).toHaveCount(0);

  // A first attempt, cancelled in the page while the reader waits: nothing changes on the card.
  await page.getByRole('button', { name: 'Activate the card' }).click();
  await expect(page.getByTestId('pin-pad')).toContainText("Type the PIN on the reader's keypad.");
  await page.getByRole('button', { name: 'Cancel the PIN entry' }).click();
  await expect(page.getByRole('alert')).toContainText('The PIN entry was cancelled on the reader');
  await expect(page.getByTestId('card-state')).toContainText('is Issued, issued to Ben Member');

  // The holder types on the keypad: activation PIN, new PIN twice (CHANGE REFERENCE DATA), new PIN (VERIFY).
  await page.getByRole('button', { name: 'Activate the card' }).click();
  await expect(page.getByTestId('pin-pad')).toContainText("Type the PIN on the reader's keypad.");
  await typeOnReader(page, 'Enter PIN', activationPin);
  await typeOnReader(page, 'Enter new PIN', NEW_PIN);
  await typeOnReader(page, 'Confirm new PIN', NEW_PIN);
  await typeOnReader(page, 'Enter PIN', NEW_PIN);
  const summary = page.getByRole('dialog', { name: 'Card activated' });
  await expect(summary).toBeVisible({ timeout: 30_000 });
  await expect(summary.getByTestId('activation-tap')).toContainText('A Temporary Access Pass was created');
  await summary.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('card-state')).toContainText('is Active, issued to Ben Member');
  await expect(page.getByTestId('pin-pad')).toHaveCount(0);

  // The host→reader link carried PC_to_RDR_Secure (0x69) with FF placeholders, never a PIN.
  const wire = (await usbWire(page)).slice(issued);
  expect(wire.filter((m) => m.startsWith('69')).length).toBeGreaterThanOrEqual(3);
  const secrets = [
    { name: 'the activation PIN', value: activationPin },
    { name: 'the chosen PIN', value: NEW_PIN },
  ];
  const scan = { consoleLines, logFiles: SERVICE_LOGS, logs: { 'the APDU trace (host→reader USB messages)': wire } };
  expect(await scanPage(page, secrets, scan)).toEqual([]);
  expect(consoleProblems).toEqual([]);
});
