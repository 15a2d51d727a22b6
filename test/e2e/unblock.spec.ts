import { test, expect, chooseUser, publishDefaultExportTemplate, SERVICE_LOGS } from './fixtures';
import { scanPage } from '../support/secrecy-page';
import { E2E_PORTS } from '../../playwright.config';
import { relayAs } from './relay-as';
import type { Page } from '@playwright/test';

const INBOX = `http://127.0.0.1:${E2E_PORTS.inbox}`;

async function openUser(page: Page, search: string, name: string): Promise<void> {
  await page.goto('/#/actions/unblock');
  await chooseUser(page, search, new RegExp(name));
  await expect(page.getByRole('heading', { name })).toBeVisible();
  await expect(page.getByTestId('existing-pass')).toBeVisible();
}

async function requestPass(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Request TAP Code' }).click();
  const replace = page.getByRole('button', { name: 'Replace the pass' });
  if (await replace.isVisible().catch(() => false)) await replace.click();
}

test.describe('Smart Card Unblock: Temporary Access Passes', () => {
  test('a pass is created, shown, emailed with the code Graph issued, and stored nowhere', async ({
    operatorPage: page,
    emulator,
    consoleLines,
    consoleProblems,
    request,
  }) => {
    await publishDefaultExportTemplate(page);
    await openUser(page, 'Ben', 'Ben Member');
    await requestPass(page);

    const code = (await page.getByTestId('tap-code').textContent())!.trim();
    const ben = await emulator.userId('ben.member@contoso.example');
    expect((await emulator.tapFor(ben))?.temporaryAccessPass).toBe(code);
    await expect(page.getByTestId('delivery')).toHaveText('Email sent to ben.member@contoso.example.');

    const messages = (await (await request.get(`${INBOX}/api/messages`)).json()) as {
      to: { address: string }[];
      text: string;
      subject: string;
    }[];
    const mail = messages.find(
      (m) => m.to.some((t) => t.address === 'ben.member@contoso.example') && m.text.includes(code),
    );
    expect(mail, 'the TAP email reached the SMTP server with the code Graph returned').toBeTruthy();

    // Leaving the page drops the code; the service's trail names the pass and the email, never the code.
    await page.getByRole('link', { name: 'Lifecycle' }).click();
    const auditor = await relayAs('grace.reader@contoso.example');
    const rows = await auditor.audit({ target: ben });
    await auditor.dispose();
    const aisha = { actor: { name: 'Aisha Operator' }, target: { type: 'user', id: ben, label: 'Ben Member' } };
    expect(rows.find((r) => r.action === 'tap.create')).toMatchObject({ ...aisha, outcome: 'succeeded' });
    expect(rows.find((r) => r.action === 'mail.send')).toMatchObject({ ...aisha, outcome: 'succeeded' });
    expect(JSON.stringify(rows)).not.toContain(code);
    const secrets = [{ name: 'the TAP', value: code }];
    expect(await scanPage(page, secrets, { consoleLines, logFiles: SERVICE_LOGS })).toEqual([]);
    expect(consoleProblems).toEqual([]);
  });

  test('a copied pass leaves the clipboard after a minute, and the operator is told', async ({
    page,
    context,
    signInAs,
  }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.clock.install();
    await page.goto('/');
    await signInAs(/Aisha Operator/);
    await openUser(page, 'Ben', 'Ben Member');
    await requestPass(page);
    const code = (await page.getByTestId('tap-code').textContent())!.trim();
    await page.bringToFront();
    await page.getByRole('button', { name: 'Copy code' }).click();
    const note = page.getByTestId('clipboard-note');
    await expect(note).toContainText(/^Copied\. Keyward clears the clipboard in (60|59) s, while this page is open\.$/);
    const clipboard = () => page.evaluate(() => navigator.clipboard.readText());
    expect(await clipboard()).toBe(code);
    await page.clock.fastForward(59_000);
    expect(await clipboard()).toBe(code);
    await page.clock.fastForward(1_000);
    await expect(note).toHaveText('The code was cleared from the clipboard.');
    expect(await clipboard()).toBe('');
  });

  test('replacing an existing pass asks first', async ({ operatorPage: page }) => {
    await openUser(page, 'Carla', 'Carla Mendes');
    await requestPass(page);
    await expect(page.getByTestId('tap-code')).toBeVisible();
    // A usable pass says so once, without a reason in brackets.
    await expect(page.getByTestId('existing-pass')).toContainText(/^\s*Usable;\s+from /);
    await page.getByRole('button', { name: 'Request TAP Code' }).click();
    await expect(page.getByRole('alertdialog', { name: 'Replace the existing pass?' })).toBeVisible();
    await page.getByRole('button', { name: 'Keep the existing pass' }).click();
    await expect(page.getByRole('alertdialog')).toHaveCount(0);
  });

  test('Graph refusals are explained: guest, administrator target, lifetime, throttling', async ({
    operatorPage: page,
    emulator,
  }) => {
    const alert = page.getByRole('alert');

    await openUser(page, 'Gary', 'Gary Guest');
    await requestPass(page);
    await expect(alert).toContainText('Microsoft Graph refused the request');

    await openUser(page, 'Ada', 'Ada Admin');
    await requestPass(page);
    await expect(alert).toContainText('Privileged Authentication Administrator');

    await openUser(page, 'Dmitri', 'Dmitri Volkov');
    await page.getByLabel(/Lifetime in minutes/).fill('5000');
    await requestPass(page);
    await expect(alert).toContainText('Invalid LifetimeInMinutes');

    await page.getByLabel(/Lifetime in minutes/).fill('');
    await emulator.throttle(1, 9);
    await requestPass(page);
    await expect(alert).toContainText('Wait 9 seconds');
    await expect(alert).toContainText('no pass was created');
    expect(await emulator.tapFor(await emulator.userId('dmitri.volkov@contoso.example'))).toBeNull();
  });
});

test('Options > Connections > SMTP sends a test email to the operator', async ({ operatorPage: page, request }) => {
  await page.goto('/#/options/connections/smtp');
  await page.getByRole('button', { name: 'Send a test email to me' }).click();
  await expect(page.getByRole('status')).toContainText('The relay sent a test email to aisha.operator@contoso.example');
  const messages = (await (await request.get(`${INBOX}/api/messages`)).json()) as {
    to: { address: string }[];
    subject: string;
  }[];
  expect(
    messages.some((m) => m.to.some((t) => t.address === 'aisha.operator@contoso.example') && /test/i.test(m.subject)),
  ).toBe(true);
});
