import { test, expect, chooseUser, inbox, SERVICE_LOGS } from './fixtures';
import { scanPage } from '../support/secrecy-page';
import { relayAs } from './relay-as';
import type { Page } from '@playwright/test';
import type { CardTemplateRecord } from '../../src/store/db';
import { cardFor, publishSwitchTemplates, T } from './unblock-fixtures';
import { person, type Person } from './people';

test.beforeAll(() => publishSwitchTemplates());

/** Opens Smart Card Unblock on `who` (found by their given name). */
async function openUser(page: Page, who: Person): Promise<void> {
  await page.goto('/#/actions/unblock');
  await chooseUser(page, who.givenName, new RegExp(who.displayName));
  await expect(page.getByRole('heading', { name: who.displayName })).toBeVisible();
  await expect(page.getByTestId('existing-pass')).toBeVisible();
}

/** Registers a card of `who` under `template`, then opens Smart Card Unblock on them; returns the card's serial. */
async function openUserWithCard(page: Page, who: Person, template: CardTemplateRecord): Promise<number> {
  const serial = await cardFor(who, template);
  await openUser(page, who);
  return serial;
}

/** Asks for a pass (replacing one when asked); the caller waits for what the page then shows. */
async function requestPass(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Request TAP Code' }).click();
  const replace = page.getByRole('button', { name: 'Replace the pass' });
  if (await replace.isVisible().catch(() => false)) await replace.click();
}

/** One row of the switch table: the card template, the user, what the operator sees, what arrives. */
const TABLE = [
  { what: 'Operator may generate off', t: T.none, who: person('Farid Haddad'), shown: false, mail: 'none' },
  { what: 'Show code only', t: T.shown, who: person('Carla Mendes'), shown: true, mail: 'none' },
  { what: 'Deliver only, sent at once', t: T.mailed, who: person('Elena Rossi'), shown: false, mail: 'auto' },
  { what: 'Show code and Deliver', t: T.both, who: person('Ben Member'), shown: true, mail: 'auto' },
  { what: 'Deliver, not sent automatically', t: T.held, who: person('Hana Sato'), shown: false, mail: 'held' },
] as const;

test.describe('Smart Card Unblock: the card template governs the pass', () => {
  for (const row of TABLE) {
    test(`${row.what}: what the operator sees and what arrives`, async ({
      operatorPage: page,
      emulator,
      request,
      consoleLines,
    }) => {
      const upn = row.who.userPrincipalName;
      const cardSerial = await openUserWithCard(page, row.who, row.t);
      const request_ = page.getByRole('button', { name: 'Request TAP Code' });

      if (row.t === T.none) {
        await expect(page.getByTestId('tap-refusal')).toContainText(`“${row.t.name}” does not let operators generate`);
        await expect(request_).toHaveCount(0);
        return;
      }
      await expect(page.getByTestId('tap-rules')).toContainText(row.t.name);
      await requestPass(page);
      await expect(page.getByRole('heading', { name: 'Temporary Access Pass created' })).toBeVisible();
      const code = (await emulator.tapFor(row.who.id))!.temporaryAccessPass;
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
    const jonas = person('Jonas Weber');
    await openUserWithCard(page, jonas, T.mailed);
    await requestPass(page);
    await expect(page.getByTestId('delivery')).toHaveText(`Email sent to ${jonas.userPrincipalName}.`);
    const tap = (await emulator.tapFor(jonas.id))!;
    expect(tap).toMatchObject({ lifetimeInMinutes: 120, isUsableOnce: true });

    await page.getByRole('link', { name: 'Lifecycle' }).click();
    const auditor = await relayAs('grace.reader@contoso.example');
    const rows = await auditor.audit({ target: jonas.id });
    await auditor.dispose();
    const aisha = { actor: { name: 'Aisha Operator' }, target: { type: 'user', id: jonas.id, label: 'Jonas Weber' } };
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
  }) => {
    const ben = person('Ben Member');
    await cardFor(ben, T.shown);
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.clock.install();
    await page.goto('/');
    await signInAs(/Aisha Operator/);
    await openUser(page, ben);
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

  test('replacing an existing pass asks first', async ({ operatorPage: page }) => {
    await openUserWithCard(page, person('Kofi Mensah'), T.shown);
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
    await openUser(page, person('Gary Guest'));
    await expect(page.getByTestId('tap-refusal')).toContainText('guest account');
    await expect(page.getByRole('button', { name: 'Request TAP Code' })).toHaveCount(0);

    await openUserWithCard(page, person('Aisha Operator'), T.shown);
    await expect(page.getByTestId('tap-refusal')).toContainText('your own account');

    await openUserWithCard(page, person('Ada Admin'), T.shown);
    await requestPass(page);
    await expect(alert).toContainText('Privileged Authentication Administrator');

    // Aisha cannot read the tenant policy, so Graph judges the template's 5000 minutes.
    const dmitri = person('Dmitri Volkov');
    await openUserWithCard(page, dmitri, T.long);
    await requestPass(page);
    await expect(alert).toContainText('Invalid LifetimeInMinutes');

    const shown = await openUserWithCard(page, dmitri, T.shown);
    await page.getByLabel(/Card \(its template/).selectOption({ label: `YubiKey ${shown} · ${T.shown.name}` });
    // Only the create is throttled: the page reads the user's passes before it (a GET, which the Graph
    // client would retry after the Retry-After), and a throttled create must not be retried.
    await expect(page.getByRole('button', { name: 'Request TAP Code' })).toBeEnabled();
    await emulator.throttle(1, 9, 'POST');
    await requestPass(page);
    await expect(alert).toContainText('Wait 9 seconds');
    await expect(alert).toContainText('no pass was created');
    expect(await emulator.tapFor(dmitri.id)).toBeNull();
  });

  test('an invalid request is refused before the replace question, so the current pass survives', async ({
    operatorPage: page,
    emulator,
  }) => {
    const zoe = person('Zoe Walsh');
    await openUserWithCard(page, zoe, T.shown);
    await requestPass(page);
    await expect(page.getByRole('heading', { name: 'Temporary Access Pass created' })).toBeVisible();
    const current = (await emulator.tapFor(zoe.id))!;
    const orphan = await openUserWithCard(page, zoe, T.orphan);
    await page.getByLabel(/Card \(its template/).selectOption({ label: `YubiKey ${orphan} · ${T.orphan.name}` });
    await expect(page.getByTestId('tap-refusal')).toContainText('email template that is not published');
    await expect(page.getByRole('button', { name: 'Request TAP Code' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Replace the pass' })).toHaveCount(0);
    expect((await emulator.tapFor(zoe.id))?.id).toBe(current.id);
  });

  test('a new search puts the chosen user away at once', async ({ operatorPage: page }) => {
    await openUserWithCard(page, person('Lena Novak'), T.shown);
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
