/**
 * Issue 14, found by a new user: after an operator unblocked a card that was never activated, it was
 * Issued again and activating it needed the PIN chosen at unblock typed as the "activation PIN", with
 * nothing saying so. Now the unblock summary says exactly that, the activation works that way, and the
 * unblock is in the service's audit trail.
 */
import { test, expect } from './fixtures';
import { fillActivationPins, issueOnly } from './lifecycle-steps';
import { virtualCard } from './blank-cards';
import { person } from './people';
import { relayAs } from './relay-as';

const LENA = person('Lena Novak');
const UNBLOCK_PIN = '86427531';

test('an issued card whose activation PIN is blocked: Unblock says what comes next, and that PIN activates it', async ({
  operatorPage: page,
  consoleProblems,
}) => {
  test.setTimeout(180_000);
  await issueOnly(page, virtualCard(32_000_001), /YubiKey/, LENA);
  const state = page.getByTestId('card-state');
  const diagram = page.getByTestId('state-diagram');

  // The holder mistypes the activation PIN until the card blocks it.
  await diagram.getByRole('button', { name: 'Activate' }).click();
  for (const left of ['Tries left: 2.', 'Tries left: 1.']) {
    await fillActivationPins(page, '00000000');
    await page.getByRole('button', { name: 'Activate the card' }).click();
    await expect(page.getByRole('alert')).toContainText(left);
  }
  await fillActivationPins(page, '00000000');
  await page.getByRole('button', { name: 'Activate the card' }).click();
  await expect(state).toContainText('is Locked', { timeout: 30_000 });

  await diagram.getByRole('button', { name: 'Unblock' }).click();
  await page.getByLabel('New PIN', { exact: true }).fill(UNBLOCK_PIN);
  await page.getByLabel('Repeat the new PIN').fill(UNBLOCK_PIN);
  await page.getByRole('button', { name: 'Unblock the card' }).click();
  const summary = page.getByRole('dialog', { name: 'Card unblocked' });
  await expect(summary.getByTestId('unblock-next')).toHaveText(
    /The card is still Issued: it was never activated\. To activate it, the holder types the PIN just set as the\s+activation PIN, then chooses their own PIN\./,
    { timeout: 30_000 },
  );
  const cardId = (await summary.locator('dd').first().textContent())!.trim();
  await summary.getByRole('button', { name: 'Close' }).click();
  await expect(state).toContainText(`is Issued, issued to ${LENA.displayName}`);

  // Exactly as the summary said: the PIN set at unblock is the activation PIN.
  await diagram.getByRole('button', { name: 'Activate' }).click();
  await fillActivationPins(page, UNBLOCK_PIN);
  await page.getByRole('button', { name: 'Activate the card' }).click();
  await expect(page.getByRole('dialog', { name: 'Card activated' })).toBeVisible({ timeout: 30_000 });
  await page.getByRole('dialog', { name: 'Card activated' }).getByRole('button', { name: 'Close' }).click();
  await expect(state).toContainText('is Active');

  // The operator's unblock is in the service's trail, by Aisha, on the card.
  const auditor = await relayAs('grace.reader@contoso.example');
  await expect
    .poll(async () => (await auditor.audit({ action: 'card.unblock', target: cardId })).length)
    .toBeGreaterThan(0);
  const [row] = await auditor.audit({ action: 'card.unblock', target: cardId });
  await auditor.dispose();
  expect(row).toMatchObject({ actor: { name: 'Aisha Operator' }, outcome: 'succeeded', target: { type: 'card' } });
  expect(consoleProblems).toEqual([]);
});
