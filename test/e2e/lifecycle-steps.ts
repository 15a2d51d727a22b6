/**
 * The Lifecycle steps the end-to-end specs share (lifecycle.spec.ts, pin-pad.spec.ts, card-state.spec.ts):
 * set-up through the UI (data-export template, card template, master key), Issue to a holder (Ben Member
 * unless told) with the operator's re-authentication, and Activate. The ways a blank card gets into a
 * reader: blank-cards.ts.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, publishDefaultExportTemplate, saveTemplate } from './fixtures';
import type { InsertBlankCard } from './blank-cards';
import { startIssue } from './operator-steps';
import { person, type Person } from './people';

export const SHOTS = 'docs/screenshots';
export const TEMPLATE = 'Lifecycle YubiKey';
export const NEW_PIN = '24681357';

/** The holder a card is issued to unless a step is told otherwise. */
export const BEN = person('Ben Member');

/** Lines step 1 adds to the default TAP email: the pass id, as the vSEC:CMS guide shows, and the card. */
const ADDED_LINES = ['Pass id: ${AadTapId}', 'Card: ${CardSerial} (${CredentialType}).'];

/** Step 1: the default TAP email exists, with {@link ADDED_LINES}. */
export async function checkExportTemplate(page: Page): Promise<void> {
  await publishDefaultExportTemplate(page);
  await page.getByRole('button', { name: 'Temporary Access Pass', exact: true }).click();
  const text = page.getByLabel('Text body');
  await expect(text).toHaveValue(/\$\{AadTapCode\}/);
  const body = await text.inputValue();
  const missing = ADDED_LINES.filter((line) => !body.includes(line));
  if (missing.length > 0) {
    await text.fill([body, ...missing].join('\n'));
    await saveTemplate(page, 'Saved "Temporary Access Pass".');
  }
  for (const line of ADDED_LINES) expect(await text.inputValue()).toContain(line);
  await expect(text).toHaveValue(/\$\{AadTapCode\}/);
}

/** Step 2: a card template with TAP and Initiate Card (the card keys are the relay's). */
export async function createCardTemplate(page: Page): Promise<void> {
  await page.goto('/#/templates');
  // Templates are the relay's, which lives for the whole run: an earlier test may have published it.
  await expect(page.getByRole('button', { name: 'New card template' })).toBeVisible();
  if (await page.getByRole('button', { name: TEMPLATE, exact: true }).isVisible()) return;
  // Its pass is emailed with the default data-export template, which must be published to be chosen.
  await publishDefaultExportTemplate(page);
  await page.goto('/#/templates');
  await page.getByRole('button', { name: 'New card template' }).click();
  await page.getByLabel('Name', { exact: true }).fill(TEMPLATE);
  await expect(page.getByLabel('YubiKey', { exact: true })).toBeChecked();
  await page.getByLabel('PIV card').check();
  await page.getByLabel('Enroll certificate').check();
  await expect(page.getByLabel('Activation PIN delivery')).toHaveValue('show');
  await page.getByLabel('Enable', { exact: true }).check();
  await page.getByLabel('Operator may generate TAP codes').check();
  await page.getByLabel('Show code').check();
  await page.getByLabel('Override lifetime defined in Entra ID').check();
  await page.getByLabel('Lifetime (minutes)').fill('90');
  await page.getByLabel('Usable once').check();
  await page.getByLabel('System generate Entra ID TAP code').check();
  await page
    .getByRole('group', { name: 'Data-export templates for the system-generated pass' })
    .getByLabel('Temporary Access Pass')
    .check();
  await saveTemplate(page, `Saved "${TEMPLATE}".`);
}

/** Issue up to and with the operator's final click: `template`, re-authentication (the operator passcode), `holder`. */
export async function startIssueTo(page: Page, holder: Person = BEN, template = TEMPLATE): Promise<void> {
  await startIssue(page, template, holder.givenName, new RegExp(holder.displayName));
  await page.getByRole('button', { name: `Issue the card to ${holder.displayName}` }).click();
}

/**
 * Step 3: Issue to `holder`; returns the activation PIN read from the summary. The docs' screenshots are
 * taken when the holder is Ben.
 */
export async function issueTo(
  page: Page,
  insert: InsertBlankCard,
  credential: RegExp,
  holder: Person = BEN,
): Promise<string> {
  const shoot = holder === BEN;
  await page.goto('/#/lifecycle');
  await insert(page);
  const state = page.getByTestId('card-state');
  // Blank, or Retired when the service saw this serial retired before (the run's relay database is shared
  // by its specs): a retired card is factory-fresh, and Issue is all either offers.
  await expect(state).toContainText(/is (Blank|Retired)/);
  const diagram = page.getByTestId('state-diagram');
  await expect(diagram.locator('[aria-current="true"]')).toHaveAttribute('data-state', /^(blank|retired)$/);
  await expect(diagram.getByRole('button')).toHaveText(['Issue']);
  if (shoot) await diagram.screenshot({ path: `${SHOTS}/lifecycle-state-diagram.png` });
  await startIssueTo(page, holder);

  const summary = page.getByRole('dialog', { name: 'Card issued' });
  await expect(summary).toBeVisible({ timeout: 30_000 });
  const progress = page.getByTestId('progress');
  await expect(progress.getByRole('listitem')).not.toHaveCount(0);
  for (const item of await progress.getByRole('listitem').all())
    await expect(item).toHaveAttribute('data-status', /^(done|skipped)$/);
  await expect(summary).toContainText(holder.displayName);
  await expect(summary).toContainText(credential);
  await expect(summary).toContainText('replaced by the key derived for this card');
  await expect(summary.getByRole('list', { name: 'Operations performed' })).toContainText(
    'Bind the card to the user (CHUID)',
  );
  await expect(summary.getByRole('link', { name: /certificate request/ })).toBeVisible();
  const pin = (await summary.getByTestId('activation-pin').textContent())!.trim();
  expect(pin).toMatch(/^\d{6,8}$/);
  if (shoot) await summary.screenshot({ path: `${SHOTS}/lifecycle-summary.png` });
  await summary.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('activation-pin')).toHaveCount(0);
  if (shoot) await progress.screenshot({ path: `${SHOTS}/lifecycle-progress.png` });
  await expect(state).toContainText(`is Issued, issued to ${holder.displayName}`);
  return pin;
}

/**
 * Types the activation form's PINs (the console's Activate and the holder's page have the same fields):
 * `activationPin`, then `newPin` and its repetition `repeat` (the same unless told otherwise).
 */
export async function fillActivationPins(
  page: Page,
  activationPin: string,
  newPin = NEW_PIN,
  repeat = newPin,
): Promise<void> {
  await page.getByLabel('Activation PIN').fill(activationPin);
  await page.getByLabel('New PIN', { exact: true }).fill(newPin);
  await page.getByLabel('Repeat the new PIN').fill(repeat);
}

/** Step 4: the holder activates with the activation PIN and their own PIN. */
export async function activate(page: Page, activationPin: string, holder: Person = BEN): Promise<void> {
  const diagram = page.getByTestId('state-diagram');
  await expect(diagram.getByRole('button')).toHaveText(['Activate', 'Retire']);
  await diagram.getByRole('button', { name: 'Activate' }).click();
  // The template's policy is checked before anything reaches the card.
  await fillActivationPins(page, activationPin, NEW_PIN, `${NEW_PIN}9`);
  await page.getByRole('button', { name: 'Activate the card' }).click();
  await expect(page.getByRole('alert')).toContainText('The two new PINs differ.');

  await fillActivationPins(page, activationPin);
  await page.getByRole('button', { name: 'Activate the card' }).click();
  const summary = page.getByRole('dialog', { name: 'Card activated' });
  await expect(summary).toBeVisible({ timeout: 30_000 });
  await expect(summary.getByTestId('activation-tap')).toContainText('A Temporary Access Pass was created');
  await expect(summary.getByTestId('activation-tap')).toContainText(`Email sent to ${holder.userPrincipalName}.`);
  await summary.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('card-state')).toContainText('is Active');
}

/** Steps 1–3 on a signed-in page: templates, Issue to `holder`. Returns the activation PIN. */
export async function issueOnly(
  page: Page,
  insert: InsertBlankCard,
  credential: RegExp,
  holder: Person = BEN,
): Promise<string> {
  await checkExportTemplate(page);
  await createCardTemplate(page);
  return issueTo(page, insert, credential, holder);
}

/**
 * Steps 1–4 on a signed-in page: templates, Issue to `holder` (Ben Member unless told),
 * Activate with `NEW_PIN` (the template's pass is created and emailed). Returns the activation PIN.
 */
export async function issueAndActivate(
  page: Page,
  insert: InsertBlankCard,
  credential: RegExp,
  holder: Person = BEN,
): Promise<string> {
  const activationPin = await issueOnly(page, insert, credential, holder);
  await activate(page, activationPin, holder);
  return activationPin;
}

/**
 * Retires the card on the Lifecycle page: the confirmation names `holder` (the card's keys and certificates
 * are destroyed) and the summary says the binding is removed. Returns the open summary.
 */
export async function retire(page: Page, holder: Person = BEN): Promise<Locator> {
  await page.getByTestId('state-diagram').getByRole('button', { name: 'Retire' }).click();
  const confirm = page.getByRole('dialog', { name: 'Retire this card?' });
  await expect(confirm).toContainText(`of ${holder.displayName} will have its keys and certificates destroyed`);
  await confirm.getByRole('button', { name: 'Retire the card' }).click();
  const retired = page.getByRole('dialog', { name: 'Card retired' });
  await expect(retired).toContainText(`binding to ${holder.displayName} is removed`, { timeout: 30_000 });
  return retired;
}

/**
 * Another program (or another machine) mistypes the PIN of the card in USB shim reader `reader` until the
 * card blocks it: VERIFY with a wrong PIN (SP 800-73-4 Part 2 §3.2.1) straight to the virtual card, between
 * the app's operations. Resolves with the status words (63C2, 63C1, 6983 on a fresh PIN).
 */
export async function blockPinElsewhere(page: Page, reader = 0): Promise<string[]> {
  return page.evaluate(async (i) => {
    type Card = { handleApdu(apdu: Uint8Array): Promise<Uint8Array> };
    const card = (window as unknown as { __keywardUsbCards: Card[] }).__keywardUsbCards[i]!;
    const hex = (b: Uint8Array) => Array.from(b.slice(-2), (x) => x.toString(16).padStart(2, '0')).join('');
    await card.handleApdu(Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x05, 0xa0, 0x00, 0x00, 0x03, 0x08)); // SELECT PIV
    const wrong = Uint8Array.of(0x00, 0x20, 0x00, 0x80, 0x08, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30);
    const answers: string[] = [];
    for (let n = 0; n < 3; n++) answers.push(hex(await card.handleApdu(wrong)));
    return answers;
  }, reader);
}

/**
 * Unblock on the Lifecycle page of a Locked card: the holder's new PIN, twice. It ends Active, or Issued for
 * a card blocked before activation (the service has no arrow from Issued to Locked, so it stays Issued).
 */
export async function unblockOnPage(page: Page, newPin: string, after: 'Active' | 'Issued' = 'Active'): Promise<void> {
  const diagram = page.getByTestId('state-diagram');
  await expect(diagram.locator('[aria-current="true"]')).toHaveAttribute('data-state', 'locked');
  await diagram.getByRole('button', { name: 'Unblock' }).click();
  await page.getByLabel('New PIN', { exact: true }).fill(newPin);
  await page.getByLabel('Repeat the new PIN').fill(newPin);
  await page.getByRole('button', { name: 'Unblock the card' }).click();
  const summary = page.getByRole('dialog', { name: 'Card unblocked' });
  await expect(summary).toBeVisible({ timeout: 30_000 });
  await summary.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('card-state')).toContainText(`is ${after}, issued to Ben Member`);
}
