/**
 * Issue 14: "Send email automatically: when off, the composed email is shown for the operator to send (or
 * not), with the code hidden unless Show code allows it", at activation. The card template creates a
 * pass at activation with an Initiate Card email that is not sent automatically: the summary shows it
 * composed, the code masked, and nothing reaches the inbox until the operator sends it; then one email
 * with the code does, and the trail has the send.
 */
import type { APIRequestContext } from '@playwright/test';
import { E2E_PORTS } from '../../playwright.config';
import { scanPage } from '../support/secrecy-page';
import { virtualCard } from './blank-cards';
import { expect, SERVICE_LOGS, test } from './fixtures';
import { NEW_PIN } from './lifecycle-steps';
import { startIssue } from './operator-steps';
import { relayAs } from './relay-as';
import { cardTemplate, exportTemplate, RUN } from './unblock-fixtures';

const INBOX = `http://127.0.0.1:${E2E_PORTS.inbox}`;
const HELD = exportTemplate(`e2e-welcome-held-${RUN}`, `Welcome held ${RUN}`, false);
const TEMPLATE = {
  ...cardTemplate(`e2e-activate-held-${RUN}`, `Activation holds ${RUN}`, {}),
  initiate: { systemGeneratesTap: true, exportTemplateIds: [HELD.id] },
};
const HOLDER = { search: 'Dmitri', name: 'Dmitri Volkov', upn: 'dmitri.volkov@contoso.example' };

type InboxMessage = { to: { address: string }[]; text: string; subject: string };
const inbox = async (request: APIRequestContext) =>
  (await (await request.get(`${INBOX}/api/messages`)).json()) as InboxMessage[];

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
  const userId = await emulator.userId(HOLDER.upn);
  await virtualCard(Number(RUN) * 100 + 77)(page);
  await expect(page.getByTestId('card-state')).toContainText(/is (Blank|Retired)/);
  await startIssue(page, TEMPLATE.name, HOLDER.search, new RegExp(HOLDER.name));
  await page.getByRole('button', { name: `Issue the card to ${HOLDER.name}` }).click();
  const issued = page.getByRole('dialog', { name: 'Card issued' });
  const pin = (await issued.getByTestId('activation-pin').textContent({ timeout: 30_000 }))!.trim();
  await issued.getByRole('button', { name: 'Close' }).click();

  await page.getByTestId('state-diagram').getByRole('button', { name: 'Activate' }).click();
  await page.getByLabel('Activation PIN').fill(pin);
  await page.getByLabel('New PIN', { exact: true }).fill(NEW_PIN);
  await page.getByLabel('Repeat the new PIN').fill(NEW_PIN);
  await page.getByRole('button', { name: 'Activate the card' }).click();
  const summary = page.getByRole('dialog', { name: 'Card activated' });
  await expect(summary).toBeVisible({ timeout: 30_000 });
  const code = (await emulator.tapFor(userId))!.temporaryAccessPass;
  const held = summary.getByRole('group', { name: `Email to send: ${HELD.name}` });
  await expect(held).toContainText(HOLDER.upn);
  await expect(held.getByTestId('held-email')).toContainText('hidden');
  await expect(held.getByTestId('held-email')).not.toContainText(code);
  const mailed = async () => (await inbox(request)).filter((m) => m.text.includes(code));
  expect(await mailed()).toEqual([]);
  expect(await scanPage(page, [{ name: 'the TAP', value: code }], { consoleLines, logFiles: SERVICE_LOGS })).toEqual(
    [],
  );

  const auditor = await relayAs('grace.reader@contoso.example');
  const sends = async () => (await auditor.audit({ action: 'mail.send', target: userId })).length;
  const before = await sends();
  await held.getByRole('button', { name: 'Send this email' }).click();
  await expect(summary.getByTestId('activation-tap')).toContainText(`Email “${HELD.name}” sent to ${HOLDER.upn}.`);
  await expect(held).toHaveCount(0);
  await expect.poll(async () => (await mailed()).length).toBe(1);
  const [mail] = await mailed();
  expect(mail?.to.map((t) => t.address)).toEqual([HOLDER.upn]);

  await expect.poll(sends).toBe(before + 1);
  await auditor.dispose();
  await summary.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('card-state')).toContainText('is Active');

  // Retired, the card takes its activation pass with it: the run's other specs find Dmitri without one.
  await page.getByTestId('state-diagram').getByRole('button', { name: 'Retire' }).click();
  await page
    .getByRole('dialog', { name: 'Retire this card?' })
    .getByRole('button', { name: 'Retire the card' })
    .click();
  const retired = page.getByRole('dialog', { name: 'Card retired' });
  await expect(retired).toContainText('binding to Dmitri Volkov is removed', { timeout: 30_000 });
  await retired.getByRole('button', { name: 'Close' }).click();
  expect(await emulator.tapFor(userId)).toBeNull();
});
