/**
 * The whole workflow as one fixture (`wholeWorkflow`) for lifecycle.spec.ts: sign in, Issue and Activate
 * the blank card a test puts in a reader, the TAP email, a new TAP on Smart Card Unblock, optionally the PIN
 * blocked elsewhere and Unblock, Retire, the audited key releases, and no secret anywhere it should not be.
 */
import type { APIRequestContext, Page } from '@playwright/test';
import { test as base, expect, chooseUser, SERVICE_LOGS, type KeywardFixtures } from './fixtures';
import { INBOX, issueAndActivate, NEW_PIN, unblockOnPage, type InboxMessage } from './lifecycle-steps';
import type { InsertBlankCard } from './blank-cards';
import { scanPage } from '../support/secrecy-page';
import { relayAs } from './relay-as';

/** The fixtures the whole workflow uses. */
type WorkflowFixtures = Pick<KeywardFixtures, 'signInAs' | 'emulator' | 'consoleLines' | 'consoleProblems'> & {
  page: Page;
  request: APIRequestContext;
};

/** How the Active card's PIN gets blocked elsewhere (another program, between the app's operations); absent: it is not. */
type BlockPin = (page: Page) => Promise<unknown>;

/** The PIN the holder sets when the card is unblocked. */
const UNBLOCKED_PIN = '97531864';

/**
 * The whole workflow, with the blank card that `insert` puts in a reader. With `blockPin`, the PIN is
 * blocked elsewhere after activation: the next visit to Lifecycle reads the card as Locked, and Unblock
 * sets a new PIN before Retire.
 */
async function runWholeWorkflow(
  { page, signInAs, emulator, request, consoleLines, consoleProblems }: WorkflowFixtures,
  insert: InsertBlankCard,
  credential: RegExp,
  retiredAs: string | RegExp = 'is Retired.',
  blockPin?: BlockPin,
): Promise<void> {
  await page.goto('/');
  await signInAs(/Aisha Operator/);
  const activationPin = await issueAndActivate(page, insert, credential);

  if (blockPin) await blockPin(page);

  // Step 5: the TAP email reached the SMTP catcher with the code Graph issued at activation.
  const ben = await emulator.userId('ben.member@contoso.example');
  const tap = await emulator.tapFor(ben);
  expect(tap).not.toBeNull();
  await expect
    .poll(async () => {
      const messages = (await (await request.get(`${INBOX}/api/messages`)).json()) as InboxMessage[];
      return messages.some(
        (m) =>
          m.to.some((t) => t.address === 'ben.member@contoso.example') &&
          m.text.includes(tap!.temporaryAccessPass) &&
          m.text.includes(tap!.id) &&
          // The card's variables are filled in (they once rendered "Card:  ().").
          /Card: [^\s()]+ \([^()]+\)\./.test(m.text),
      );
    })
    .toBe(true);

  // Step 6: the operator requests a new pass on Smart Card Unblock and sees it.
  await page.getByRole('link', { name: 'Smart Card Unblock' }).click();
  await chooseUser(page, 'Ben', /Ben Member/);
  await expect(page.getByTestId('existing-pass')).toBeVisible();
  await page.getByRole('button', { name: 'Request TAP Code' }).click();
  await page.getByRole('button', { name: 'Replace the pass' }).click();
  const code = (await page.getByTestId('tap-code').textContent())!.trim();
  expect(code).not.toBe(tap!.temporaryAccessPass);
  expect((await emulator.tapFor(ben))?.temporaryAccessPass).toBe(code);

  // Retire: the confirmation names the holder; the card ends Retired and may be issued again.
  await page.getByRole('link', { name: 'Lifecycle' }).click();
  if (blockPin) {
    // Back on Lifecycle the card is read again: its PIN was blocked elsewhere, so it is Locked; Unblock.
    await expect(page.getByTestId('card-state')).toContainText(/is Locked, issued to Ben Member.*The PIN is blocked\./);
    await unblockOnPage(page, UNBLOCKED_PIN);
  }
  await expect(page.getByTestId('card-state')).toContainText('is Active, issued to Ben Member');
  // The card's name says its serial once (a YubiKey's type name carries it).
  const serials = (await page.getByTestId('card-state').textContent())?.match(/serial/g) ?? [];
  expect(serials.length).toBeLessThanOrEqual(1);
  await page.getByTestId('state-diagram').getByRole('button', { name: 'Retire' }).click();
  const confirm = page.getByRole('dialog', { name: 'Retire this card?' });
  await expect(confirm).toContainText('of Ben Member will have its keys and certificates destroyed');
  await confirm.getByRole('button', { name: 'Retire the card' }).click();
  const retired = page.getByRole('dialog', { name: 'Card retired' });
  await expect(retired).toContainText('binding to Ben Member is removed', { timeout: 30_000 });
  await retired.getByRole('button', { name: 'Close' }).click();
  // A YubiKey keeps its serial (its card id), so it reads Retired; a card known by its CHUID (no usable
  // serial) has its binding replaced, so nothing names it any more and it reads Blank. Only Issue is offered.
  await expect(page.getByTestId('card-state')).toContainText(retiredAs);
  await expect(page.getByTestId('state-diagram').getByRole('button')).toHaveText(['Issue']);

  // The card's secrets came from the relay, one per operation that needed it, each audited as Aisha's.
  const auditor = await relayAs('grace.reader@contoso.example');
  const releases = (await auditor.audit({ action: 'key.release' })).filter((r) => r.actor.name === 'Aisha Operator');
  await auditor.dispose();
  const cardId = releases.find((r) => r.target.label === 'PUK for issue')?.target.id;
  const forCard = releases.filter((r) => r.target.id === cardId);
  expect(forCard.map((r) => r.target.label)).toEqual(
    expect.arrayContaining(['PUK for issue', 'management key for issue', ...(blockPin ? ['PUK for unblock'] : [])]),
  );
  expect(forCard.every((r) => r.outcome === 'succeeded')).toBe(true);

  // Secrets stayed in memory only.
  const secrets = [
    { name: 'the activation PIN', value: activationPin },
    { name: 'the chosen PIN', value: NEW_PIN },
    { name: 'the activation TAP', value: tap!.temporaryAccessPass },
    { name: 'the unblock TAP', value: code },
    ...(blockPin ? [{ name: 'the PIN set at Unblock', value: UNBLOCKED_PIN }] : []),
  ];
  expect(await scanPage(page, secrets, { consoleLines, logFiles: SERVICE_LOGS })).toEqual([]);
  expect(consoleProblems).toEqual([]);
}

/** The whole workflow as a fixture: the test names only the blank card and how its credential reads. */
export const test = base.extend<{
  wholeWorkflow: (
    insert: InsertBlankCard,
    credential: RegExp,
    retiredAs?: string | RegExp,
    blockPin?: BlockPin,
  ) => Promise<void>;
}>({
  wholeWorkflow: async ({ page, signInAs, emulator, request, consoleLines, consoleProblems }, use) => {
    const fixtures = { page, signInAs, emulator, request, consoleLines, consoleProblems };
    await use((insert, credential, retiredAs, blockPin) =>
      runWholeWorkflow(fixtures, insert, credential, retiredAs, blockPin),
    );
  },
});
