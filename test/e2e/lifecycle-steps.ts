/**
 * The Lifecycle steps the e2e specs share, driven through the UI as an operator would: the default TAP
 * email, the card template "Lifecycle YubiKey" (its pass created and emailed at activation) and the master
 * key, Issue with the operator's re-authentication, and Activate with the shown activation PIN.
 */
import type { Page } from '@playwright/test';
import { expect, chooseUser, publishDefaultExportTemplate } from './fixtures';

const SHOTS = 'docs/screenshots';
export const TEMPLATE = 'Lifecycle YubiKey';
export const NEW_PIN = '24681357';

/** A seeded user a card is issued to: what to type in the search, their name and their mail. */
export interface Holder {
  readonly search: string;
  readonly name: string;
  readonly upn: string;
}

export const BEN: Holder = { search: 'Ben', name: 'Ben Member', upn: 'ben.member@contoso.example' };

/** Step 1: the default TAP email exists; it gets the pass id too, as the vSEC:CMS guide shows. */
async function checkExportTemplate(page: Page): Promise<void> {
  await publishDefaultExportTemplate(page);
  await page.getByRole('button', { name: 'Temporary Access Pass', exact: true }).click();
  const text = page.getByLabel('Text body');
  await expect(text).toHaveValue(/\$\{AadTapCode\}/);
  if (!(await text.inputValue()).includes('${AadTapId}')) {
    await text.fill(`${await text.inputValue()}\nPass id: \${AadTapId}`);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Saved "Temporary Access Pass".' })).toBeVisible();
  }
  await expect(text).toHaveValue(/\$\{AadTapId\}/);
  await expect(text).toHaveValue(/\$\{AadTapCode\}/);
}

/** Step 2: a card template with TAP and Initiate Card; then the master key. */
export async function createCardTemplateAndKey(page: Page): Promise<void> {
  await page.goto('/#/templates');
  // Templates are the relay's, which lives for the whole run: an earlier test may have published it.
  await expect(page.getByRole('button', { name: 'New card template' })).toBeVisible();
  if (await page.getByRole('button', { name: TEMPLATE, exact: true }).isVisible()) return createKey(page);
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
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: `Saved "${TEMPLATE}".` })).toBeVisible();
  await createKey(page);
}

/** The card master key, generated in this browser. */
async function createKey(page: Page): Promise<void> {
  await page.goto('/#/options/security');
  await page.getByLabel('New passphrase').fill('correct horse battery staple');
  await page.getByLabel('Repeat passphrase').fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Generate master key' }).click();
  await expect(page.getByTestId('master-key-fingerprint')).toBeVisible();
}

/** How the blank card gets into a reader. */
export type InsertBlankCard = (page: Page) => Promise<void>;

/** The demo's Virtual reader with a fresh blank YubiKey 5.7. */
export const virtualYubiKey: InsertBlankCard = async (page) => {
  await page.getByRole('button', { name: 'Virtual reader' }).click();
  await page.getByRole('button', { name: 'Insert a blank card' }).click();
};

/** Issue up to the operator's final click: template, re-authentication (the operator passcode), the holder. */
export async function startIssueTo(page: Page, holder: Holder = BEN): Promise<void> {
  await page.getByTestId('state-diagram').getByRole('button', { name: 'Issue' }).click();
  await page.getByLabel('Card template').selectOption({ label: TEMPLATE });
  // The operator passcode: a fresh interactive sign-in (prompt=login) in the emulator's popup.
  const popupPromise = page.context().waitForEvent('page');
  await page.getByRole('button', { name: 'Re-authenticate' }).click();
  const popup = await popupPromise;
  await popup.getByRole('button', { name: /Aisha Operator/ }).click();
  await expect(page.getByText('Re-authenticated as Aisha Operator')).toBeVisible({ timeout: 30_000 });

  await chooseUser(page, holder.search, new RegExp(holder.name));
  await page.getByRole('button', { name: `Issue the card to ${holder.name}` }).click();
}

/**
 * Step 3: Issue; returns the activation PIN read from the summary. The docs' screenshots are taken when
 * the holder is Ben.
 */
async function issueTo(page: Page, insert: InsertBlankCard, credential: RegExp, holder: Holder): Promise<string> {
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
  await expect(summary).toContainText(holder.name);
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
  await expect(state).toContainText(`is Issued, issued to ${holder.name}`);
  return pin;
}

/** Step 4: the holder activates with the activation PIN and their own PIN. */
async function activate(page: Page, activationPin: string, holder: Holder): Promise<void> {
  const diagram = page.getByTestId('state-diagram');
  await expect(diagram.getByRole('button')).toHaveText(['Activate', 'Retire']);
  await diagram.getByRole('button', { name: 'Activate' }).click();
  // The template's policy is checked before anything reaches the card.
  await page.getByLabel('Activation PIN').fill(activationPin);
  await page.getByLabel('New PIN', { exact: true }).fill(NEW_PIN);
  await page.getByLabel('Repeat the new PIN').fill(`${NEW_PIN}9`);
  await page.getByRole('button', { name: 'Activate the card' }).click();
  await expect(page.getByRole('alert')).toContainText('The two new PINs differ.');

  await page.getByLabel('Activation PIN').fill(activationPin);
  await page.getByLabel('New PIN', { exact: true }).fill(NEW_PIN);
  await page.getByLabel('Repeat the new PIN').fill(NEW_PIN);
  await page.getByRole('button', { name: 'Activate the card' }).click();
  const summary = page.getByRole('dialog', { name: 'Card activated' });
  await expect(summary).toBeVisible({ timeout: 30_000 });
  await expect(summary.getByTestId('activation-tap')).toContainText('A Temporary Access Pass was created');
  await expect(summary.getByTestId('activation-tap')).toContainText(`Email sent to ${holder.upn}.`);
  await summary.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('card-state')).toContainText('is Active');
}

/** Steps 1–3 on a signed-in page: templates, master key, Issue to `holder`. Returns the activation PIN. */
export async function issueOnly(
  page: Page,
  insert: InsertBlankCard,
  credential: RegExp,
  holder: Holder = BEN,
): Promise<string> {
  await checkExportTemplate(page);
  await createCardTemplateAndKey(page);
  return issueTo(page, insert, credential, holder);
}

/**
 * Steps 1–4 on a signed-in page: templates, master key, Issue to `holder` (Ben Member unless told),
 * Activate with `NEW_PIN` (the template's pass is created and emailed). Returns the activation PIN.
 */
export async function issueAndActivate(
  page: Page,
  insert: InsertBlankCard,
  credential: RegExp,
  holder: Holder = BEN,
): Promise<string> {
  const activationPin = await issueOnly(page, insert, credential, holder);
  await activate(page, activationPin, holder);
  return activationPin;
}
