/**
 * Two helpdesk laptops, one system of record. Aisha issues the demo's virtual YubiKey in one browser
 * context; Priya, in another (her own IndexedDB; both ask the relay for the card's keys), holds the same card (the same
 * serial, `?demo-card-serial=`) and had started to issue it to someone else: her Issue is refused with
 * the holder's name, and her page then shows the card as Issued to Ben. She reports it lost, and Aisha's
 * page reads it Retired.
 *
 * The e2e relay database outlives a run, so the card's serial and the template are this run's own.
 */
import type { Browser, Page } from '@playwright/test';
import { E2E_APP_ORIGIN } from '../../playwright.config';
import { emptyCardDraft } from '../../src/workflows/card-templates';
import { test, expect, chooseUser } from './fixtures';
import { relayAs } from './relay-as';

const RUN = Date.now();
/** A serial no other spec's virtual card has (those start at 10000001). */
const SERIAL = 40_000_000 + (RUN % 10_000_000);
const TEMPLATE = { id: `two-operators-${RUN}`, name: `Two operators ${RUN}` };

/** Opens `hash` with the virtual reader's card numbered `SERIAL`. */
const open = (page: Page, hash: string) => page.goto(`/?demo-card-serial=${SERIAL}#${hash}`);

/** Signs in at the emulator's popup as the seeded account whose button matches `account`. */
async function signIn(page: Page, account: RegExp): Promise<void> {
  const popupPromise = page.context().waitForEvent('page');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await (await popupPromise).getByRole('button', { name: account }).click();
  await expect(page.getByTestId('operator')).toBeVisible({ timeout: 30_000 });
}

/** A second laptop: a browser context of its own, signed in as `account`. */
async function secondLaptop(browser: Browser, account: RegExp): Promise<Page> {
  const context = await browser.newContext({ baseURL: E2E_APP_ORIGIN, ignoreHTTPSErrors: true });
  const page = await context.newPage();
  await open(page, '/');
  await signIn(page, account);
  return page;
}

/** Lifecycle with the virtual reader's card read. */
async function cardInReader(page: Page): Promise<void> {
  await open(page, '/lifecycle');
  await page.getByRole('button', { name: 'Virtual reader' }).click();
  await expect(page.getByTestId('card-state')).toContainText(/is (Blank|Issued|Retired)/);
}

/** Issue up to the final click: the template, the operator passcode, and the holder. */
async function prepareIssue(page: Page, operator: RegExp, search: string, holder: RegExp): Promise<void> {
  await page.getByTestId('state-diagram').getByRole('button', { name: 'Issue' }).click();
  await page.getByLabel('Card template').selectOption({ label: TEMPLATE.name });
  const popupPromise = page.context().waitForEvent('page');
  await page.getByRole('button', { name: 'Re-authenticate' }).click();
  await (await popupPromise).getByRole('button', { name: operator }).click();
  await expect(page.getByText(/Re-authenticated as/)).toBeVisible({ timeout: 30_000 });
  await chooseUser(page, search, holder);
}

test('two operators: a card issued in one browser is Issued everywhere, cannot be issued again, and a lost report retires it for both', async ({
  page: aisha,
  browser,
  consoleProblems,
}) => {
  test.setTimeout(180_000);
  const admin = await relayAs('aisha.operator@contoso.example');
  await admin.publish('card', TEMPLATE.id, {
    ...emptyCardDraft(),
    ...TEMPLATE,
    allowedCredentialTypes: ['yubikey'],
    updatedAt: new Date(RUN).toISOString(),
  });
  await admin.dispose();

  // Priya's laptop: the card is blank to her too, and she starts issuing it to Grace Reader.
  const priya = await secondLaptop(browser, /Priya Privileged/);
  await cardInReader(priya);
  await expect(priya.getByTestId('card-state')).toContainText('is Blank');
  await prepareIssue(priya, /Priya Privileged/, 'Grace', /Grace Reader/);

  // Meanwhile Aisha issues it to Ben Member.
  await open(aisha, '/');
  await signIn(aisha, /Aisha Operator/);
  await cardInReader(aisha);
  await prepareIssue(aisha, /Aisha Operator/, 'Ben', /Ben Member/);
  await aisha.getByRole('button', { name: 'Issue the card to Ben Member' }).click();
  const summary = aisha.getByRole('dialog', { name: 'Card issued' });
  await expect(summary).toBeVisible({ timeout: 30_000 });
  await summary.getByRole('button', { name: 'Close' }).click();
  await expect(aisha.getByTestId('card-state')).toContainText('is Issued, issued to Ben Member');

  // Priya's Issue is refused before her card is touched, naming whose it is; her page now reads it from the service.
  await priya.getByRole('button', { name: 'Issue the card to Grace Reader' }).click();
  await expect(priya.getByRole('alert')).toContainText(
    'The registry holds this card as issued for Ben Member (ben.member@contoso.example)',
    { timeout: 30_000 },
  );
  await expect(priya.getByRole('alert')).toContainText('retire it first');
  await expect(priya.getByRole('dialog', { name: 'Card issued' })).toHaveCount(0);
  await cardInReader(priya);
  const priyaState = priya.getByTestId('card-state');
  await expect(priyaState).toContainText(`is Issued, issued to Ben Member under template “${TEMPLATE.name}” version 1`);
  await expect(priya.getByTestId('state-diagram').getByRole('button')).toHaveText(['Activate', 'Retire']);

  // Ben lost it: Priya reports it on Smart Card Unblock.
  await priya.getByRole('link', { name: 'Smart Card Unblock' }).click();
  await chooseUser(priya, 'Ben', /Ben Member/);
  const card = priya.getByRole('list', { name: 'Cards in the registry' }).locator(`[data-card-id="serial:${SERIAL}"]`);
  await expect(card.getByTestId('card-registry-state')).toHaveText('Issued');
  await card.getByRole('button', { name: 'Report lost…' }).click();
  await priya
    .getByRole('dialog', { name: 'Report this card lost?' })
    .getByRole('button', { name: 'Report the card lost' })
    .click();
  await expect(card.getByTestId('card-registry-state')).toHaveText('Retired, reported lost');

  // Aisha reads the card again: Retired, as the service says; only Issue is offered.
  await cardInReader(aisha);
  await expect(aisha.getByTestId('card-state')).toContainText('is Retired (reported lost).');
  await expect(aisha.getByTestId('state-diagram').getByRole('button')).toHaveText(['Issue']);

  // The trail names both operators, in the service's words, newest first.
  const auditor = await relayAs('grace.reader@contoso.example');
  const rows = await auditor.audit({ target: `serial:${SERIAL}` });
  await auditor.dispose();
  expect(rows.map((r) => [r.action, r.actor.name, r.outcome])).toEqual([
    ['card.lost', 'Priya Privileged', 'succeeded'],
    ['card.issue', 'Priya Privileged', 'refused'],
    ['card.issue', 'Aisha Operator', 'succeeded'],
    // Before it, the relay answered for the card's keys at Aisha's issue: it released the PUK and the
    // management key the card was given, then answered the new key's witness.
    ['key.authenticate', 'Aisha Operator', 'succeeded'],
    ['key.release', 'Aisha Operator', 'succeeded'],
    ['key.release', 'Aisha Operator', 'succeeded'],
  ]);
  expect(consoleProblems).toEqual([]);
  await priya.context().close();
});
