/**
 * The whole vSEC:CMS "Using Microsoft Temporary Access Pass" workflow (DESIGN.md steps 1–4) as a fixture
 * for lifecycle.spec.ts, and the secrets it must leave nowhere: the PINs and passes the run saw, and the
 * card's PUK and management key, which the page receives from the relay at Issue. The test obtains those
 * two as a console does, from the relay's release API (another operator's call, so Aisha's audit rows stay
 * hers), and the scanner (test/support/secrecy-scan.ts) searches every form of each.
 */
import type { APIRequestContext, Page } from '@playwright/test';
import type { Secret } from '../support/secrecy-scan';
import { scanPage } from '../support/secrecy-page';
import { test as base, expect, chooseUser, inbox, SERVICE_LOGS, type KeywardFixtures } from './fixtures';
import { issueAndActivate, NEW_PIN, retire, unblockOnPage } from './lifecycle-steps';
import type { InsertBlankCard } from './blank-cards';
import { relayAs } from './relay-as';

/** The fixtures the whole workflow uses. */
type WorkflowFixtures = Pick<KeywardFixtures, 'signInAs' | 'emulator' | 'consoleLines' | 'consoleProblems'> & {
  page: Page;
  request: APIRequestContext;
};

/** How the Active card's PIN gets blocked elsewhere (another program, between the app's operations). */
export type BlockPin = (page: Page) => Promise<unknown>;

/** How one whole-workflow run differs from the plain one. */
export interface WorkflowOptions {
  /** What the card reads after Retire (default: Retired). */
  readonly retiredAs?: string | RegExp;
  /** Blocks the PIN after activation; Unblock then sets {@link UNBLOCKED_PIN} before Retire. */
  readonly blockPin?: BlockPin;
  /** Log lines captured by the test (e.g. the bridge's), scanned with the services' log files. */
  readonly logs?: Record<string, unknown[]>;
}

/** The PIN the holder sets when the card is unblocked. */
export const UNBLOCKED_PIN = '97531864';

/** The card Aisha Operator issued last: the target of her newest `PUK for issue` release. */
export async function lastIssuedCardId(): Promise<string> {
  const auditor = await relayAs('grace.reader@contoso.example');
  const releases = await auditor.audit({ action: 'key.release' });
  await auditor.dispose();
  const issued = releases.find((r) => r.actor.name === 'Aisha Operator' && r.target.label === 'PUK for issue');
  expect(issued, 'a PUK released to Aisha for an issue').toBeDefined();
  return issued!.target.id;
}

/**
 * The card's PUK and management key, as the relay derives them. Call it with the card issued: the PUK is
 * released while the registry holds the card; `afterRetire` then gets the management key, which the relay
 * releases only for a card in nobody's hands, under the identity and algorithm recorded at issue.
 */
export async function derivedCardSecrets(cardId: string): Promise<{ puk: Secret; afterRetire(): Promise<Secret[]> }> {
  const priya = await relayAs('priya.privileged@contoso.example');
  try {
    const puk = { name: 'the PUK', value: await priya.releasePuk(cardId, 'retire') };
    const recorded = await priya.card(cardId);
    return {
      puk,
      afterRetire: async () => {
        const again = await relayAs('priya.privileged@contoso.example');
        try {
          return [puk, { name: 'the management key', value: await again.releaseManagementKey(cardId, recorded) }];
        } finally {
          await again.dispose();
        }
      },
    };
  } finally {
    await priya.dispose();
  }
}

/** What every issued and activated card's run saw: the activation PIN, the PIN chosen, the activation's pass. */
export function activationSecrets(activationPin: string, tap: { temporaryAccessPass: string }): Secret[] {
  return [
    { name: 'the activation PIN', value: activationPin },
    { name: 'the chosen PIN', value: NEW_PIN },
    { name: 'the activation TAP', value: tap.temporaryAccessPass },
  ];
}

/** Fails with the places any of `secrets` was found in the page, its storage, the console and the logs. */
export async function expectNothingKept(
  page: Page,
  secrets: readonly Secret[],
  consoleLines: string[],
  logs: Record<string, unknown[]> = {},
): Promise<void> {
  expect(await scanPage(page, secrets, { consoleLines, logFiles: SERVICE_LOGS, logs })).toEqual([]);
}

/**
 * The whole workflow, with the blank card that `insert` puts in a reader. With `blockPin`, the PIN is
 * blocked elsewhere after activation: the next visit to Lifecycle reads the card as Locked, and Unblock
 * sets a new PIN before Retire.
 */
async function runWholeWorkflow(
  { page, signInAs, emulator, request, consoleLines, consoleProblems }: WorkflowFixtures,
  insert: InsertBlankCard,
  credential: RegExp,
  { retiredAs = 'is Retired.', blockPin, logs }: WorkflowOptions = {},
): Promise<void> {
  await page.goto('/');
  await signInAs(/Aisha Operator/);
  const activationPin = await issueAndActivate(page, insert, credential);
  const cardId = await lastIssuedCardId();
  const cardSecrets = await derivedCardSecrets(cardId); // while the registry still holds the card issued

  if (blockPin) await blockPin(page);

  // Step 5: the TAP email reached the SMTP catcher with the code Graph issued at activation.
  const ben = await emulator.userId('ben.member@contoso.example');
  const tap = await emulator.tapFor(ben);
  expect(tap).not.toBeNull();
  await expect
    .poll(async () => {
      return (await inbox(request)).some(
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
  await (await retire(page)).getByRole('button', { name: 'Close' }).click();
  // A YubiKey keeps its serial (its card id), so it reads Retired; a card known by its CHUID (no usable
  // serial) has its binding replaced, so nothing names it any more and it reads Blank. Only Issue is offered.
  await expect(page.getByTestId('card-state')).toContainText(retiredAs);
  await expect(page.getByTestId('state-diagram').getByRole('button')).toHaveText(['Issue']);

  // The card's secrets came from the relay, one per operation that needed it, each audited as Aisha's.
  const auditor = await relayAs('grace.reader@contoso.example');
  const releases = (await auditor.audit({ action: 'key.release' })).filter((r) => r.actor.name === 'Aisha Operator');
  await auditor.dispose();
  const forCard = releases.filter((r) => r.target.id === cardId);
  expect(forCard.map((r) => r.target.label)).toEqual(
    expect.arrayContaining(['PUK for issue', 'management key for issue', ...(blockPin ? ['PUK for unblock'] : [])]),
  );
  expect(forCard.every((r) => r.outcome === 'succeeded')).toBe(true);

  // Secrets stayed in memory only.
  const secrets = [
    ...activationSecrets(activationPin, tap!),
    { name: 'the unblock TAP', value: code },
    ...(await cardSecrets.afterRetire()),
    ...(blockPin ? [{ name: 'the PIN set at Unblock', value: UNBLOCKED_PIN }] : []),
  ];
  await expectNothingKept(page, secrets, consoleLines, logs);
  expect(consoleProblems).toEqual([]);
}

/** The spec's `test`, with the whole workflow as a fixture: a test names only the blank card and how its credential reads. */
export const test = base.extend<{
  wholeWorkflow: (insert: InsertBlankCard, credential: RegExp, options?: WorkflowOptions) => Promise<void>;
}>({
  wholeWorkflow: async ({ page, signInAs, emulator, request, consoleLines, consoleProblems }, use) => {
    const fixtures = { page, signInAs, emulator, request, consoleLines, consoleProblems };
    await use((insert, credential, options) => runWholeWorkflow(fixtures, insert, credential, options));
  },
});
