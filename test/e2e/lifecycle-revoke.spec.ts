/**
 * Issue 14, "Revoke on Retire and Lost": the Temporary Access Pass Keyward created for a card is removed
 * from Entra ID when the card is retired (Lifecycle, the pass created at activation by the template's
 * *System generate Entra ID TAP code*) or reported lost (Smart Card Unblock, the pass an operator
 * requested under the card's template); a Graph refusal leaves the retirement standing and is said.
 * What the emulator holds is read through its control API.
 */
import type { Page } from '@playwright/test';
import { test, expect, chooseUser, type EmulatorControl } from './fixtures';
import { issueAndActivate, retire } from './lifecycle-steps';
import { virtualCard } from './blank-cards';
import { person, type Person } from './people';
import { relayAs } from './relay-as';
import { cardFor, publishSwitchTemplates, T } from './unblock-fixtures';

const MARCO = person('Marco Silva');

/** The newest `tap.revoke` rows about `userId`, as an auditor reads them. */
async function revokeRows(userId: string) {
  const auditor = await relayAs('grace.reader@contoso.example');
  const rows = await auditor.audit({ action: 'tap.revoke', target: userId });
  await auditor.dispose();
  return rows;
}

/**
 * `holder` gets a card under a template that shows the code, and on Smart Card Unblock an operator
 * requests a pass for it. Returns the card's serial and the pass Entra ID holds.
 */
async function cardWithRequestedPass(page: Page, emulator: EmulatorControl, holder: Person) {
  const serial = await cardFor(holder, T.shown);
  await page.goto('/#/actions/unblock');
  await chooseUser(page, holder.givenName, new RegExp(holder.displayName));
  await expect(page.getByTestId('existing-pass')).toBeVisible();
  await page.getByRole('button', { name: 'Request TAP Code' }).click();
  await expect(page.getByTestId('tap-code')).toBeVisible();
  await expect(page.getByTestId('pass-unrecorded')).toHaveCount(0);
  return { serial, tap: (await emulator.tapFor(holder.id))! };
}

/** Reports card `serial` lost from the user's card list, confirming. */
async function reportLost(page: Page, serial: number): Promise<void> {
  const card = page.getByRole('list', { name: 'Cards in the registry' }).locator(`li[data-card-id="serial:${serial}"]`);
  await card.getByRole('button', { name: 'Report lost…' }).click();
  const confirm = page.getByRole('dialog', { name: 'Report this card lost?' });
  await expect(confirm).toContainText('The Temporary Access Pass Keyward created for the card');
  await confirm.getByRole('button', { name: 'Report the card lost' }).click();
  await expect(card.getByTestId('card-registry-state')).toHaveText('Retired, reported lost');
}

test('retiring a card removes the pass its activation created, and the summary says so', async ({
  operatorPage: page,
  emulator,
  consoleProblems,
}) => {
  test.setTimeout(180_000);
  await issueAndActivate(page, virtualCard(31_000_001), /YubiKey/, MARCO);
  const tap = await emulator.tapFor(MARCO.id);
  expect(tap).not.toBeNull();

  const summary = await retire(page, MARCO);
  await expect(summary.getByTestId('pass-revocation')).toContainText(
    `The Temporary Access Pass Keyward created for this card (pass id ${tap!.id}) was removed from Marco Silva's account in Entra ID.`,
  );
  await expect(summary.getByRole('list', { name: 'Operations performed' }).getByRole('listitem').last()).toHaveText(
    /^Remove the Temporary Access Pass Keyward created for the card\s*— removed$/,
  );
  expect(await emulator.tapFor(MARCO.id)).toBeNull();
  await summary.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('card-state')).toContainText('is Retired.');
  await expect
    .poll(() => revokeRows(MARCO.id))
    .toMatchObject([
      { actor: { name: 'Aisha Operator' }, target: { type: 'user', label: 'Marco Silva' }, outcome: 'succeeded' },
    ]);
  expect(consoleProblems).toEqual([]);
});

test.describe('reporting a card lost', () => {
  test.beforeAll(() => publishSwitchTemplates([T.shown]));

  test("removes the pass an operator requested under the card's template", async ({
    operatorPage: page,
    emulator,
    consoleProblems,
  }) => {
    const oscar = person('Oscar Ward');
    const { serial, tap } = await cardWithRequestedPass(page, emulator, oscar);
    await reportLost(page, serial);
    const report = page.getByTestId('lost-report');
    await expect(report).toContainText(`YubiKey ${serial} is retired as lost.`);
    await expect(report.getByTestId('pass-revocation')).toContainText(
      `(pass id ${tap.id}) was removed from Oscar Ward's account in Entra ID.`,
    );
    expect(await emulator.tapFor(oscar.id)).toBeNull();
    await expect
      .poll(() => revokeRows(oscar.id))
      .toMatchObject([
        { outcome: 'succeeded', actor: { name: 'Aisha Operator' }, target: { type: 'user', id: oscar.id } },
      ]);
    expect(consoleProblems).toEqual([]);
  });

  test('still retires the card when Graph refuses to remove its pass, says so, and removes it on a retry', async ({
    operatorPage: page,
    emulator,
  }) => {
    const wanda = person('Wanda Adams');
    const { serial, tap } = await cardWithRequestedPass(page, emulator, wanda);
    // Graph throttles the look-up of her pass and both retries the Graph client makes.
    await emulator.throttle(3, 0);
    await reportLost(page, serial);
    const note = page.getByTestId('lost-report').getByTestId('pass-revocation');
    await expect(note).toHaveAttribute('data-status', 'failed');
    await expect(note.getByRole('alert')).toContainText(
      `The card is retired, but the Temporary Access Pass Keyward created for this card (pass id ${tap.id}) could not be removed, so Wanda Adams can still sign in with it: Microsoft Graph is throttling requests.`,
    );
    expect((await emulator.tapFor(wanda.id))?.id).toBe(tap.id);
    await expect.poll(() => revokeRows(wanda.id)).toMatchObject([{ outcome: 'failed', reason: /Too many requests/ }]);

    await note.getByRole('button', { name: 'Try removing the pass again' }).click();
    await expect(note).toHaveAttribute('data-status', 'revoked');
    await expect(note).toContainText(`(pass id ${tap.id}) was removed from Wanda Adams's account`);
    expect(await emulator.tapFor(wanda.id)).toBeNull();
  });
});
