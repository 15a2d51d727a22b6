/**
 * Issue 14: "Send email automatically: when off, the composed email is shown for the operator to send (or
 * not), with the code hidden unless Show code allows it", at activation. The card template creates a
 * pass at activation with an Initiate Card email that is not sent automatically: the summary shows it
 * composed, the code masked, and nothing reaches the inbox until the operator sends it; then one email
 * with the code does, and the trail has the send.
 */
import { scanPage } from '../support/secrecy-page';
import { virtualCard } from './blank-cards';
import { expect, inbox, SERVICE_LOGS, test } from './fixtures';
import { fillActivationPins, retire, startIssueTo } from './lifecycle-steps';
import { person } from './people';
import { relayAs } from './relay-as';
import { cardTemplate, exportTemplate, RUN } from './unblock-fixtures';

const HELD = exportTemplate(`e2e-welcome-held-${RUN}`, `Welcome held ${RUN}`, false);
const TEMPLATE = {
  ...cardTemplate(`e2e-activate-held-${RUN}`, `Activation holds ${RUN}`, {}),
  initiate: { systemGeneratesTap: true, exportTemplateIds: [HELD.id] },
};
const HOLDER = person('Dmitri Volkov');

test.beforeAll(async () => {
  const ada = await relayAs('ada.admin@contoso.example');
  await ada.publish('export', HELD.id, { ...HELD });
  await ada.publish('card', TEMPLATE.id, { ...TEMPLATE });
  await ada.dispose();
});

test('activation holds an Initiate Card email not sent automatically until the operator sends it', async ({
  operatorPage: page,
  emulator,
  request,
  consoleLines,
}) => {
  test.setTimeout(180_000);
  await virtualCard(Number(RUN) * 100 + 77)(page);
  await expect(page.getByTestId('card-state')).toContainText(/is (Blank|Retired)/);
  await startIssueTo(page, HOLDER, TEMPLATE.name);
  const issued = page.getByRole('dialog', { name: 'Card issued' });
  const pin = (await issued.getByTestId('activation-pin').textContent({ timeout: 30_000 }))!.trim();
  await issued.getByRole('button', { name: 'Close' }).click();

  await page.getByTestId('state-diagram').getByRole('button', { name: 'Activate' }).click();
  await fillActivationPins(page, pin);
  await page.getByRole('button', { name: 'Activate the card' }).click();
  const summary = page.getByRole('dialog', { name: 'Card activated' });
  await expect(summary).toBeVisible({ timeout: 30_000 });
  const code = (await emulator.tapFor(HOLDER.id))!.temporaryAccessPass;
  const held = summary.getByRole('group', { name: `Email to send: ${HELD.name}` });
  await expect(held).toContainText(HOLDER.userPrincipalName);
  await expect(held.getByTestId('held-email')).toContainText('hidden');
  await expect(held.getByTestId('held-email')).not.toContainText(code);
  const mailed = async () => (await inbox(request)).filter((m) => m.text.includes(code));
  expect(await mailed()).toEqual([]);
  expect(await scanPage(page, [{ name: 'the TAP', value: code }], { consoleLines, logFiles: SERVICE_LOGS })).toEqual(
    [],
  );

  const auditor = await relayAs('grace.reader@contoso.example');
  const sends = async () => (await auditor.audit({ action: 'mail.send', target: HOLDER.id })).length;
  const before = await sends();
  await held.getByRole('button', { name: 'Send this email' }).click();
  await expect(summary.getByTestId('activation-tap')).toContainText(
    `Email “${HELD.name}” sent to ${HOLDER.userPrincipalName}.`,
  );
  await expect(held).toHaveCount(0);
  await expect.poll(async () => (await mailed()).length).toBe(1);
  const [mail] = await mailed();
  expect(mail?.to.map((t) => t.address)).toEqual([HOLDER.userPrincipalName]);

  await expect.poll(sends).toBe(before + 1);
  await auditor.dispose();
  await summary.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('card-state')).toContainText('is Active');

  // Retired, the card takes its activation pass with it: the run's other specs find Dmitri without one.
  await (await retire(page, HOLDER)).getByRole('button', { name: 'Close' }).click();
  expect(await emulator.tapFor(HOLDER.id)).toBeNull();
});
