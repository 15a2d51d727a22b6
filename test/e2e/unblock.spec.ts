import { test, expect, chooseUser, SERVICE_LOGS } from './fixtures';
import { scanPage } from '../support/secrecy-page';
import { E2E_PORTS } from '../../playwright.config';
import { relayAs } from './relay-as';
import type { APIRequestContext, Page } from '@playwright/test';
import { cardFor, publishSwitchTemplates, T } from './unblock-fixtures';

const INBOX = `http://127.0.0.1:${E2E_PORTS.inbox}`;
test.beforeAll(() => publishSwitchTemplates());

async function openUser(page: Page, search: string, name: string): Promise<void> {
  await page.goto('/#/actions/unblock');
  await chooseUser(page, search, new RegExp(name));
  await expect(page.getByRole('heading', { name })).toBeVisible();
  await expect(page.getByTestId('existing-pass')).toBeVisible();
}

/** Asks for a pass (replacing one when asked); the caller waits for what the page then shows. */
async function requestPass(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Request TAP Code' }).click();
  const replace = page.getByRole('button', { name: 'Replace the pass' });
  if (await replace.isVisible().catch(() => false)) await replace.click();
}

type InboxMessage = { to: { address: string }[]; text: string; subject: string };
const inbox = async (request: APIRequestContext) =>
  (await (await request.get(`${INBOX}/api/messages`)).json()) as InboxMessage[];

/** One row of the switch table: the card template, the user, what the operator sees, what arrives. */
const TABLE = [
  { what: 'Operator may generate off', t: T.none, search: 'Farid', name: 'Farid Haddad', shown: false, mail: 'none' },
  { what: 'Show code only', t: T.shown, search: 'Carla', name: 'Carla Mendes', shown: true, mail: 'none' },
  { what: 'Deliver only, sent at once', t: T.mailed, search: 'Elena', name: 'Elena Rossi', shown: false, mail: 'auto' },
  { what: 'Show code and Deliver', t: T.both, search: 'Ben', name: 'Ben Member', shown: true, mail: 'auto' },
  { what: 'Deliver, not sent automatically', t: T.held, search: 'Hana', name: 'Hana Sato', shown: false, mail: 'held' },
] as const;

test.describe('Smart Card Unblock: the card template governs the pass', () => {
  for (const row of TABLE) {
    test(`${row.what}: what the operator sees and what arrives`, async ({
      operatorPage: page,
      emulator,
      request,
      consoleLines,
    }) => {
      const upn = `${row.name.toLowerCase().replace(' ', '.')}@contoso.example`;
      const userId = await emulator.userId(upn);
      const cardSerial = await cardFor(userId, upn, row.t);
      await openUser(page, row.search, row.name);
      const request_ = page.getByRole('button', { name: 'Request TAP Code' });

      if (row.t === T.none) {
        await expect(page.getByTestId('tap-refusal')).toContainText(`“${row.t.name}” does not let operators generate`);
        await expect(request_).toHaveCount(0);
        return;
      }
      await expect(page.getByTestId('tap-rules')).toContainText(row.t.name);
      await requestPass(page);
      await expect(page.getByRole('heading', { name: 'Temporary Access Pass created' })).toBeVisible();
      const code = (await emulator.tapFor(userId))!.temporaryAccessPass;
      if (row.shown) await expect(page.getByTestId('tap-code')).toHaveText(code);
      else {
        await expect(page.getByTestId('code-not-shown')).toBeVisible();
        await expect(page.getByTestId('tap-code')).toHaveCount(0);
      }
      const mailed = async () => (await inbox(request)).filter((m) => m.text.includes(code));
      if (row.mail === 'held') {
        await expect(page.getByTestId('held-email')).toContainText('hidden');
        await expect(page.getByTestId('held-email')).not.toContainText(code);
        expect(await mailed()).toEqual([]);
        await page.getByRole('button', { name: 'Send this email' }).click();
      }
      if (row.mail === 'none') {
        await expect(page.getByTestId('delivery')).toHaveCount(0);
        expect(await mailed()).toEqual([]);
      } else {
        await expect(page.getByTestId('delivery')).toHaveText(`Email sent to ${upn}.`);
        const [mail] = await mailed();
        expect(mail?.to.map((t) => t.address)).toEqual([upn]);
        // The card's variables are filled (they once rendered empty: "Card:  ().").
        expect(mail?.text).toContain(`Card: ${cardSerial} (YubiKey).`);
      }
      if (!row.shown) {
        const secrets = [{ name: 'the TAP', value: code }];
        expect(await scanPage(page, secrets, { consoleLines, logFiles: SERVICE_LOGS })).toEqual([]);
      }
    });
  }

  test('a template lifetime and usable-once reach Graph; the trail names the pass and email, never the code', async ({
    operatorPage: page,
    emulator,
    consoleLines,
  }) => {
    const upn = 'jonas.weber@contoso.example';
    const jonas = await emulator.userId(upn);
    await cardFor(jonas, upn, T.mailed);
    await openUser(page, 'Jonas', 'Jonas Weber');
    await requestPass(page);
    await expect(page.getByTestId('delivery')).toHaveText(`Email sent to ${upn}.`);
    const tap = (await emulator.tapFor(jonas))!;
    expect(tap).toMatchObject({ lifetimeInMinutes: 120, isUsableOnce: true });

    await page.getByRole('link', { name: 'Lifecycle' }).click();
    const auditor = await relayAs('grace.reader@contoso.example');
    const rows = await auditor.audit({ target: jonas });
    await auditor.dispose();
    const aisha = { actor: { name: 'Aisha Operator' }, target: { type: 'user', id: jonas, label: 'Jonas Weber' } };
    expect(rows.find((r) => r.action === 'tap.create')).toMatchObject({ ...aisha, outcome: 'succeeded' });
    expect(rows.find((r) => r.action === 'mail.send')).toMatchObject({ ...aisha, outcome: 'succeeded' });
    expect(JSON.stringify(rows)).not.toContain(tap.temporaryAccessPass);
    const secrets = [{ name: 'the TAP', value: tap.temporaryAccessPass }];
    expect(await scanPage(page, secrets, { consoleLines, logFiles: SERVICE_LOGS })).toEqual([]);
  });

  test('a copied pass leaves the clipboard after a minute, and the operator is told', async ({
    page,
    context,
    signInAs,
    emulator,
  }) => {
    const upn = 'ben.member@contoso.example';
    await cardFor(await emulator.userId(upn), upn, T.shown);
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.clock.install();
    await page.goto('/');
    await signInAs(/Aisha Operator/);
    await openUser(page, 'Ben', 'Ben Member');
    await requestPass(page);
    const code = (await page.getByTestId('tap-code').textContent())!.trim();
    // The page's clock stands still from here, so a slow machine's real seconds do not count towards the minute.
    await page.clock.pauseAt(new Date(Date.now() + 5_000));
    await page.bringToFront();
    await page.getByRole('button', { name: 'Copy code' }).click();
    const note = page.getByTestId('clipboard-note');
    await expect(note).toContainText(/^Copied\. Keyward clears the clipboard in 60 s, while this page is open\.$/);
    const clipboard = () => page.evaluate(() => navigator.clipboard.readText());
    expect(await clipboard()).toBe(code);
    await page.clock.fastForward(59_000);
    expect(await clipboard()).toBe(code);
    await page.clock.fastForward(1_000);
    await expect(note).toHaveText('The code was cleared from the clipboard.');
    expect(await clipboard()).toBe('');
  });

  test('replacing an existing pass asks first', async ({ operatorPage: page, emulator }) => {
    const upn = 'kofi.mensah@contoso.example';
    await cardFor(await emulator.userId(upn), upn, T.shown);
    await openUser(page, 'Kofi', 'Kofi Mensah');
    await requestPass(page);
    await expect(page.getByTestId('tap-code')).toBeVisible();
    await expect(page.getByTestId('existing-pass')).toContainText(/^\s*Usable;\s+from /);
    await page.getByRole('button', { name: 'Request TAP Code' }).click();
    await expect(page.getByRole('alertdialog', { name: 'Replace the existing pass?' })).toBeVisible();
    await page.getByRole('button', { name: 'Keep the existing pass' }).click();
    await expect(page.getByRole('alertdialog')).toHaveCount(0);
  });

  test('refusals are explained before Graph where the page knows: guest, own account; Graph for the rest', async ({
    operatorPage: page,
    emulator,
  }) => {
    const alert = page.getByRole('alert');
    await openUser(page, 'Gary', 'Gary Guest');
    await expect(page.getByTestId('tap-refusal')).toContainText('guest account');
    await expect(page.getByRole('button', { name: 'Request TAP Code' })).toHaveCount(0);

    await cardFor(await emulator.userId('aisha.operator@contoso.example'), 'aisha', T.shown);
    await openUser(page, 'Aisha', 'Aisha Operator');
    await expect(page.getByTestId('tap-refusal')).toContainText('your own account');

    await cardFor(await emulator.userId('ada.admin@contoso.example'), 'ada', T.shown);
    await openUser(page, 'Ada', 'Ada Admin');
    await requestPass(page);
    await expect(alert).toContainText('Privileged Authentication Administrator');

    // Aisha cannot read the tenant policy, so Graph judges the template's 5000 minutes.
    const dmitri = await emulator.userId('dmitri.volkov@contoso.example');
    await cardFor(dmitri, 'dmitri', T.long);
    await openUser(page, 'Dmitri', 'Dmitri Volkov');
    await requestPass(page);
    await expect(alert).toContainText('Invalid LifetimeInMinutes');

    const shown = await cardFor(dmitri, 'dmitri', T.shown);
    await openUser(page, 'Dmitri', 'Dmitri Volkov');
    await page.getByLabel(/Card \(its template/).selectOption({ label: `YubiKey ${shown} · ${T.shown.name}` });
    // Only the create is throttled: the page reads the user's passes before it (a GET, which the Graph
    // client would retry after the Retry-After), and a throttled create must not be retried.
    await expect(page.getByRole('button', { name: 'Request TAP Code' })).toBeEnabled();
    await emulator.throttle(1, 9, 'POST');
    await requestPass(page);
    await expect(alert).toContainText('Wait 9 seconds');
    await expect(alert).toContainText('no pass was created');
    expect(await emulator.tapFor(dmitri)).toBeNull();
  });

  test('an invalid request is refused before the replace question, so the current pass survives', async ({
    operatorPage: page,
    emulator,
  }) => {
    const upn = 'zoe.walsh@contoso.example';
    const zoe = await emulator.userId(upn);
    await cardFor(zoe, upn, T.shown);
    await openUser(page, 'Zoe', 'Zoe Walsh');
    await requestPass(page);
    await expect(page.getByRole('heading', { name: 'Temporary Access Pass created' })).toBeVisible();
    const current = (await emulator.tapFor(zoe))!;
    const orphan = await cardFor(zoe, upn, T.orphan);
    await openUser(page, 'Zoe', 'Zoe Walsh');
    await page.getByLabel(/Card \(its template/).selectOption({ label: `YubiKey ${orphan} · ${T.orphan.name}` });
    await expect(page.getByTestId('tap-refusal')).toContainText('email template that is not published');
    await expect(page.getByRole('button', { name: 'Request TAP Code' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Replace the pass' })).toHaveCount(0);
    expect((await emulator.tapFor(zoe))?.id).toBe(current.id);
  });

  test('a new search puts the chosen user away at once', async ({ operatorPage: page, emulator }) => {
    const upn = 'lena.novak@contoso.example';
    await cardFor(await emulator.userId(upn), upn, T.shown);
    await openUser(page, 'Lena', 'Lena Novak');
    await expect(page.getByRole('button', { name: 'Request TAP Code' })).toBeVisible();
    await page.getByRole('searchbox', { name: 'Search users' }).fill('Ben');
    await expect(page.getByRole('heading', { name: 'Lena Novak' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Request TAP Code' })).toHaveCount(0);
  });
});

test('Options > Connections > SMTP sends a test email to the operator', async ({ operatorPage: page, request }) => {
  await page.goto('/#/options/connections/smtp');
  await page.getByRole('button', { name: 'Send a test email to me' }).click();
  await expect(page.getByRole('status')).toContainText('The relay sent a test email to aisha.operator@contoso.example');
  const messages = await inbox(request);
  expect(
    messages.some((m) => m.to.some((t) => t.address === 'aisha.operator@contoso.example') && /test/i.test(m.subject)),
  ).toBe(true);
});
