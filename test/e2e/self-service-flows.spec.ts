/**
 * The card holder's self-service (issue 13), two browsers, one card: the operator (Aisha) issues a card
 * to a seeded member (Kofi Mensah) in one browser context; Kofi, in another, signs in on /self-service/
 * and activates it with the activation PIN that reached him by email; the Initiate Card email with his
 * pass arrives; Aisha's console reads the card Active. Then Kofi requests a pass under *Force
 * authentication* (the code is never in the page and arrives by email), and another card claiming the
 * same serial is refused. Then Kofi's PIN is blocked and he unblocks it himself (Unblock my PIN): the
 * card's 9E key proves it without the PIN, the relay releases the PUK it derives for that card only, and
 * the new PIN works on the card; another card claiming the serial is refused. After the flows, the
 * secrecy scanner searches both apps' storage and the logs.
 *
 * The card moves between the contexts the way a card moves between computers: it sits in the reader
 * behind the local PC/SC bridge (pcscd → vpcd → a virtual YubiKey in this process), which both pages
 * reach, one after the other. Templates and their emails are this run's own, published as Ada.
 *
 * Card keys: the relay holds the card master key. Aisha's console asks it for the card's secrets at
 * Issue; at the unblock the relay releases the PUK it derives for Kofi's card to Kofi's page alone.
 * (The one-time migration of an older browser's key is src/workflows/relay-master-key.test.ts.)
 */
import type { Page } from '@playwright/test';
import { E2E_APP_ORIGIN as APP_ORIGIN, E2E_PORTS } from '../../playwright.config';
import { test, expect, signInAs, SERVICE_LOGS } from './fixtures';
import { relayAs } from './relay-as';
import { chooseBridgeReader, startIssue } from './operator-steps';
import { fillActivationPins } from './lifecycle-steps';
import { blankYubiKey, impostorYubiKey, putCardInBridgeReader, type CardInReader } from './bridge-card';
import { startBridgeRig, type BridgeRig } from '../bridge/bridge-rig';
import { scanPage } from '../support/secrecy-page';
import {
  blockThePin,
  holderSignsIn,
  mailTo,
  otherComputer,
  pinOnCard,
  selfServiceTemplates,
  submitUnblock,
} from './self-service-steps';

const RUN = String(Date.now() % 1e7);
/** A serial no other spec's card has. */
const SERIAL = 60_000_000 + Number(RUN);
const KOFI = 'kofi.mensah@contoso.example';
const NEW_PIN = '70814253';
/** The PIN Kofi chooses when he unblocks his card. */
const UNBLOCKED_PIN = '58203716';

const { ACTIVATION_MAIL, PASS_MAIL, activationText, SELF_SERVICE_TEMPLATE } = selfServiceTemplates(RUN);

/** The holder's card in the list, by serial. */
const myCard = (page: Page) =>
  page.getByRole('list', { name: 'My cards' }).getByRole('listitem', { name: `Card ${SERIAL}` });

test.describe.serial('self-service', () => {
  let rig: BridgeRig;
  let inReader: CardInReader;
  /** Aisha's computer and Kofi's, each a browser context of its own. */
  let operator: Page;
  let holder: Page;
  let activationPin = '';

  /** Every console line of both pages (searched for secrets at the end). */
  const consoleLines: string[] = [];
  const consoleProblems: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (m) => {
      consoleLines.push(m.text());
      if (m.text().startsWith('Failed to load resource: the server responded with a status')) return;
      if (m.type() === 'error' || /Content Security Policy|TrustedHTML|TrustedScriptURL/.test(m.text()))
        consoleProblems.push(m.text());
    });
    page.on('pageerror', (e) => consoleProblems.push(e.message));
    return page;
  };

  test.beforeAll(async () => {
    test.setTimeout(300_000);
    rig = await startBridgeRig('yubikey-5.7', [APP_ORIGIN], { args: ['--port', String(E2E_PORTS.bridge)] });
    inReader = await putCardInBridgeReader(rig, blankYubiKey(SERIAL));
    const ada = await relayAs('ada.admin@contoso.example');
    await ada.publish('export', ACTIVATION_MAIL.id, { ...ACTIVATION_MAIL, text: activationText });
    await ada.publish('export', PASS_MAIL.id, { ...PASS_MAIL });
    await ada.publish('card', SELF_SERVICE_TEMPLATE.id, { ...SELF_SERVICE_TEMPLATE });
    await ada.dispose();
  });
  test.afterAll(async () => {
    await inReader?.client.stop();
    await rig?.stop();
  });

  test('the operator issues, the member activates on the self-service page, the pass is mailed, the console reads Active', async ({
    browser,
    emulator,
  }) => {
    test.setTimeout(240_000);
    // Aisha's computer: Issue to Kofi Mensah; the activation PIN goes to his mailbox, never to her screen.
    operator = watch(await otherComputer(browser));
    const page = operator;
    await page.goto('/');
    await signInAs(page, /Aisha Operator/);
    await page.goto('/#/lifecycle');
    await chooseBridgeReader(page, rig);
    await expect(page.getByTestId('card-state')).toContainText(/is Blank/);
    await startIssue(page, SELF_SERVICE_TEMPLATE.name, 'Kofi', /Kofi Mensah/);
    await page.getByRole('button', { name: 'Issue the card to Kofi Mensah' }).click();
    const summary = page.getByRole('dialog', { name: 'Card issued' });
    await expect(summary).toBeVisible({ timeout: 60_000 });
    await summary.getByRole('button', { name: 'Close' }).click();
    await expect(page.getByTestId('card-state')).toContainText('is Issued, issued to Kofi Mensah');
    await page.goto('/#/audit'); // lets go of the card: the holder's computer takes it next

    activationPin = /activation PIN: (\d{6,8})/.exec((await mailTo(page, KOFI, ACTIVATION_MAIL)).text)![1]!;

    // Kofi's computer: sign in, choose the card, type the emailed PIN and his own.
    holder = watch(await otherComputer(browser));
    await holderSignsIn(holder, /Kofi Mensah/);
    await expect(myCard(holder).getByTestId('my-card-state')).toHaveText('Issued');
    // What the card and its template do not allow is disabled, with the reason in words.
    await expect(myCard(holder).getByRole('button', { name: 'Request a Temporary Access Pass' })).toBeDisabled();
    await expect(myCard(holder)).toContainText('this needs a card that is active');
    await expect(myCard(holder).getByRole('button', { name: 'Unblock my PIN' })).toBeDisabled();
    await myCard(holder).getByRole('button', { name: 'Activate' }).click();
    await chooseBridgeReader(holder, rig);
    await fillActivationPins(holder, activationPin, NEW_PIN, `${NEW_PIN.slice(0, -1)}0`);
    await holder.getByRole('button', { name: 'Activate my card' }).click();
    await expect(holder.getByTestId('action-error')).toHaveText('The two new PINs differ. Type the same PIN twice.');
    await fillActivationPins(holder, activationPin, NEW_PIN);
    await holder.getByRole('button', { name: 'Activate my card' }).click();
    const outcome = holder.getByTestId('action-outcome');
    await expect(outcome).toContainText('Your card is active.', { timeout: 60_000 });
    await expect(outcome).toContainText('A Temporary Access Pass was created and sent to your email.');
    await expect(myCard(holder).getByTestId('my-card-state')).toHaveText('Active');

    // Initiate Card: the template's email with the pass Entra ID created for Kofi.
    const tap = await emulator.tapFor(await emulator.userId(KOFI));
    expect(tap).not.toBeNull();
    await mailTo(holder, KOFI, PASS_MAIL, tap!.temporaryAccessPass);
    expect(await holder.content()).not.toContain(tap!.temporaryAccessPass);
    await holder.getByRole('button', { name: 'Close' }).click();
    await holder.goto('/self-service/'); // lets go of the card

    // Aisha's console reads the card Active.
    await page.goto('/#/lifecycle');
    await chooseBridgeReader(page, rig);
    await expect(page.getByTestId('card-state')).toContainText('is Active, issued to Kofi Mensah');
    await page.goto('/#/audit');
  });

  test('Request a pass with Force authentication: by email only; another card with the same serial is refused', async ({
    emulator,
  }) => {
    test.setTimeout(180_000);
    const before = await emulator.tapFor(await emulator.userId(KOFI));
    await expect(myCard(holder).getByTestId('my-card-state')).toHaveText('Active');
    await myCard(holder).getByRole('button', { name: 'Request a Temporary Access Pass' }).click();
    await expect(
      holder.getByText('The pass is then sent to your email; it is never shown on this page.'),
    ).toBeVisible();
    await chooseBridgeReader(holder, rig);
    await holder.getByLabel('PIN', { exact: true }).fill(NEW_PIN);
    await holder.getByRole('button', { name: 'Request the pass' }).click();
    const outcome = holder.getByTestId('action-outcome');
    await expect(outcome).toHaveText('Your Temporary Access Pass was sent to your email.', { timeout: 60_000 });
    await expect(holder.getByTestId('tap-code')).toHaveCount(0);
    const tap = await emulator.tapFor(await emulator.userId(KOFI));
    expect(tap!.id).not.toBe(before!.id);
    await mailTo(holder, KOFI, PASS_MAIL, tap!.temporaryAccessPass);
    expect(await holder.content()).not.toContain(tap!.temporaryAccessPass);
    await holder.getByRole('button', { name: 'Close' }).click();

    // Another card claiming the same serial, its own key in 9A: the relay refuses its signature.
    const kofis = inReader;
    inReader = await putCardInBridgeReader(rig, await impostorYubiKey(SERIAL), inReader);
    await myCard(holder).getByRole('button', { name: 'Request a Temporary Access Pass' }).click();
    await expect(holder.getByTestId('card-presence')).toHaveText('Card present', { timeout: 30_000 });
    await holder.getByLabel('PIN', { exact: true }).fill('123456');
    await holder.getByRole('button', { name: 'Request the pass' }).click();
    await expect(holder.getByTestId('action-error')).toContainText(
      'The card in the reader is not the one registered to you (its key does not match).',
      { timeout: 30_000 },
    );
    expect(await emulator.tapFor(await emulator.userId(KOFI))).toMatchObject({ id: tap!.id });
    await holder.getByRole('button', { name: 'Close' }).click();
    inReader = await putCardInBridgeReader(rig, kofis.card, inReader);
  });

  test('Unblock my PIN: the PIN blocked, the card proves itself with 9E, the holder sets a new PIN that works', async () => {
    test.setTimeout(240_000);
    await blockThePin(inReader.card);
    inReader = await putCardInBridgeReader(rig, inReader.card, inReader); // the holder takes the card out and back
    await holder.goto('/self-service/');
    const card = myCard(holder);
    await expect(card.getByTestId('my-card-state')).toHaveText('Active', { timeout: 30_000 });
    await card.getByRole('button', { name: 'Unblock my PIN' }).click();
    const panel = holder.getByRole('region', { name: 'Unblock your PIN' });
    await chooseBridgeReader(holder, rig);
    // The template's PIN policy is enforced on the page before the relay or the card is asked.
    await expect(panel.getByTestId('pin-rule')).toHaveText('Your PIN: 7 to 8 digits, not 123456.');
    await submitUnblock(panel, '583920');
    await expect(panel.getByTestId('action-error')).toContainText('7 to 8');
    await submitUnblock(panel, UNBLOCKED_PIN, `${UNBLOCKED_PIN.slice(0, -1)}9`);
    await expect(panel.getByTestId('action-error')).toHaveText('The two new PINs differ. Type the same PIN twice.');

    // Another card claiming Kofi's serial, its own key in 9E: the relay refuses its signature, releases nothing.
    const kofis = inReader;
    inReader = await putCardInBridgeReader(rig, await impostorYubiKey(SERIAL, [0x9a, 0x9e]), inReader);
    await expect(panel.getByTestId('card-presence')).toHaveText('Card present', { timeout: 30_000 });
    await submitUnblock(panel, UNBLOCKED_PIN);
    await expect(panel.getByTestId('action-error')).toContainText(
      'The card in the reader is not the one registered to you (its key does not match).',
      { timeout: 30_000 },
    );
    inReader = await putCardInBridgeReader(rig, kofis.card, inReader);
    await expect(panel.getByTestId('card-presence')).toHaveText('Card present', { timeout: 30_000 });

    await submitUnblock(panel, UNBLOCKED_PIN);
    await expect(panel.getByTestId('action-outcome')).toContainText('Your PIN is unblocked.', { timeout: 60_000 });
    await expect(card.getByTestId('my-card-state')).toHaveText('Active');
    await holder.goto('/self-service/'); // lets go of the card
    // On the card itself: three tries again, the new PIN verifies, the old one no longer does.
    expect(await pinOnCard(inReader.card, UNBLOCKED_PIN)).toEqual({ left: 3, works: true });
    expect((await pinOnCard(inReader.card, NEW_PIN)).works).toBe(false);
    inReader = await putCardInBridgeReader(rig, inReader.card, inReader);
  });

  test('after the flows, neither app nor the services kept a PIN or a pass', async ({ emulator }) => {
    const tap = await emulator.tapFor(await emulator.userId(KOFI));
    // The card's PUK, as the relay derives it (asked here as an operator would be: audited).
    const aisha = await relayAs('aisha.operator@contoso.example');
    const puk = await aisha.releasePuk(`serial:${SERIAL}`, 'unblock');
    await aisha.dispose();
    const secrets = [
      { name: 'the activation PIN', value: activationPin },
      { name: 'the new PIN', value: NEW_PIN },
      { name: 'the PIN set by the unblock', value: UNBLOCKED_PIN },
      { name: "the card's PUK", value: puk },
      { name: 'the pass', value: tap!.temporaryAccessPass },
    ];
    const scan = { consoleLines, logFiles: SERVICE_LOGS, logs: { 'the bridge log': rig.logs } };
    expect(await scanPage(holder, secrets, scan)).toEqual([]);
    expect(await scanPage(operator, secrets, scan)).toEqual([]);
    expect(consoleProblems).toEqual([]);
  });
});
