/**
 * The whole vSEC:CMS "Using Microsoft Temporary Access Pass" workflow (DESIGN.md steps 1–4) in one run,
 * on the demo's virtual YubiKey: data-export template, card template, master key, Issue with operator
 * re-authentication, Activate with the shown activation PIN, the TAP email, and a new TAP on Smart Card
 * Unblock. Each set-up step goes through the UI here, so this spec passes on its own. The whole workflow and
 * the secrecy scan that ends it (the PINs, the passes, and the PUK and management key the page received
 * from the relay) are lifecycle-workflow.ts's.
 */
import { toHex } from '../../src/bytes';
import { E2E_APP_ORIGIN as APP_ORIGIN, E2E_PORTS } from '../../playwright.config';
import { expect, chooseUser, vendorClassReader } from './fixtures';
import {
  blockPinElsewhere,
  createCardTemplate,
  issueAndActivate,
  NEW_PIN,
  startIssueTo,
  unblockOnPage,
} from './lifecycle-steps';
import { bridgeYubiKey, shimReaderCard, SMART_CARD_READER, smartCardYubiKey, virtualYubiKey } from './blank-cards';
import {
  activationSecrets,
  derivedCardSecrets,
  expectNothingKept,
  lastIssuedCardId,
  test,
  UNBLOCKED_PIN,
} from './lifecycle-workflow';
import { relayAs } from './relay-as';
import { startBridgeRig, type BridgeRig } from '../bridge/bridge-rig';

test('the whole workflow on a YubiKey 5.4 (3DES) in a vendor-class USB reader: templates, master key, Issue, Activate, the TAP email, a new TAP on Smart Card Unblock', async ({
  wholeWorkflow,
  installUsbShim,
}) => {
  test.setTimeout(180_000);
  await installUsbShim(vendorClassReader('yubikey-5.4'));
  await wholeWorkflow(shimReaderCard, /YubiKey 5 · PIV · firmware 5\.4\.3/);
});

test('the whole workflow on a blank YubiKey 5.7 through the Web Smart Card API (navigator.smartCard shim)', async ({
  page,
  wholeWorkflow,
  installSmartCardShim,
}) => {
  test.setTimeout(180_000);
  await installSmartCardShim({ reader: SMART_CARD_READER, card: 'yubikey-5.7' });
  await wholeWorkflow(smartCardYubiKey, /YubiKey/);
  // The runs went through PC/SC transactions; those that verified a PIN or authenticated the management key
  // ended by resetting the card, so no other program sharing it finds that status set.
  const dispositions = await page.evaluate(() =>
    (
      window as unknown as { __keywardSmartCard: { dispositions: { at: string; disposition: string }[] } }
    ).__keywardSmartCard.dispositions.map((d) => `${d.at}:${d.disposition}`),
  );
  expect(dispositions).toContain('transaction:leave');
  expect(dispositions).toContain('transaction:reset');
});

/**
 * Issue 16: the fleet's older and foreign shapes, each asked rather than assumed, through issue, activate,
 * unblock (its PIN blocked by another program after activation) and retire, in a vendor-class USB reader.
 * YubiKey 4 and NEO: 3DES only, no metadata, no serial in PIV (known by their CHUID); 5.2: 3DES only, no
 * metadata, a serial; another vendor's applet reporting 5.7.0 and serial 0 that refuses AES-192 (probed
 * before anything is written, so 3DES); a YubiKey 5.7 reporting serial 0 (known by its CHUID). A card known
 * by its CHUID reads Blank after Retire (its binding is gone), one known by its serial Retired.
 */
const PROFILES: readonly {
  readonly card: Parameters<typeof vendorClassReader>[0];
  readonly serial?: number;
  readonly credential: RegExp;
  readonly retiredAs: string;
}[] = [
  { card: 'yubikey-4', credential: /YubiKey 4 · PIV · firmware 4\.3\.7/, retiredAs: 'is Blank' },
  { card: 'yubikey-neo', credential: /YubiKey NEO · PIV/, retiredAs: 'is Blank' },
  {
    card: 'yubikey-5.2',
    serial: 63_000_001,
    credential: /YubiKey 5 · PIV · firmware 5\.2\.7/,
    retiredAs: 'is Retired.',
  },
  { card: 'piv-partial', credential: /PIV card · reports firmware 5\.7\.0/, retiredAs: 'is Blank' },
  { card: 'yubikey-5.7', serial: 0, credential: /YubiKey 5 · PIV · firmware 5\.7\.2/, retiredAs: 'is Blank' },
];
for (const { card, serial, credential, retiredAs } of PROFILES) {
  test(`the whole workflow with Unblock on a ${card}${serial === 0 ? ' reporting serial 0' : ''} in a vendor-class USB reader, asked rather than assumed`, async ({
    wholeWorkflow,
    installUsbShim,
  }) => {
    test.setTimeout(240_000);
    const config = vendorClassReader(card);
    await installUsbShim({
      ...config,
      readers: config.readers.map((r) => ({ ...r, ...(serial === undefined ? {} : { serial }) })),
    });
    await wholeWorkflow(shimReaderCard, credential, {
      retiredAs,
      blockPin: async (page) => expect(await blockPinElsewhere(page)).toEqual(['63c2', '63c1', '6983']),
    });
  });
}

test('Issue refuses a generic PIV card that cannot change its factory management key, and leaves it Blank', async ({
  page,
  signInAs,
  consoleProblems,
  installUsbShim,
}) => {
  test.setTimeout(120_000);
  await installUsbShim(vendorClassReader('piv-generic'));
  await page.goto('/');
  await signInAs(/Aisha Operator/);
  await createCardTemplate(page);
  await page.goto('/#/lifecycle');
  await shimReaderCard(page);
  const state = page.getByTestId('card-state');
  await expect(state).toContainText('is Blank');
  await startIssueTo(page);
  await expect(page.getByRole('alert')).toContainText(
    "This card's management key is the factory default and the card offers no command to change it, so Keyward will not issue it",
    { timeout: 30_000 },
  );
  await expect(page.getByRole('dialog', { name: 'Card issued' })).toHaveCount(0);
  const progress = page.getByTestId('progress');
  await expect(progress.locator('[data-status="done"]')).toHaveText([/Detect the credential/]);
  await expect(progress.locator('[data-status="failed"]')).toHaveText([/Authenticate with the management key/]);
  // The page reads the card again after every operation: still blank, nothing bound, so only Issue is offered.
  await expect(state).toContainText('is Blank');
  await expect(page.getByTestId('state-diagram').getByRole('button')).toHaveText(['Issue']);
  expect(consoleProblems).toEqual([]);
});

test('the whole workflow on the demo Virtual reader with a blank YubiKey 5.7', async ({ wholeWorkflow }) => {
  test.setTimeout(180_000);
  await wholeWorkflow(virtualYubiKey, /YubiKey/);
});

test.describe('over the local PC/SC bridge', () => {
  let rig: BridgeRig;
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    rig = await startBridgeRig('yubikey-5.7', [APP_ORIGIN], { args: ['--port', String(E2E_PORTS.bridge)] }); // the port the app's config names
  });
  test.afterAll(async () => rig?.stop());

  test('the whole workflow on a blank YubiKey 5.7 reached through the bridge, pcscd and vpcd', async ({
    wholeWorkflow,
  }) => {
    test.setTimeout(240_000);
    const before = rig.commandCount();
    // The whole workflow's secrecy scan reads the bridge's log too.
    await wholeWorkflow(bridgeYubiKey(rig), /YubiKey/, { logs: { 'the bridge log': rig.logs } });
    // Every card command went through the bridge, which logged lengths and status words only.
    const transmits = rig.logs.filter((r) => typeof r.commandLength === 'number');
    expect(rig.commandCount() - before).toBeGreaterThan(20);
    expect(transmits.length).toBeGreaterThanOrEqual(rig.commandCount() - before);
  });

  test('a PIN blocked by another program reads Locked, Unblock sets a new PIN with the derived PUK, and a lost report retires the card without it', async ({
    operatorPage: page,
    emulator,
    consoleLines,
    consoleProblems,
  }) => {
    test.setTimeout(240_000);
    const activationPin = await issueAndActivate(page, bridgeYubiKey(rig), /YubiKey/);
    const cardSecrets = await derivedCardSecrets(await lastIssuedCardId());
    const tap = await emulator.tapFor(await emulator.userId('ben.member@contoso.example'));

    // The holder mistypes the PIN in another PC/SC program until the card blocks it (SP 800-73-4 VERIFY, 9000/63Cx/6983).
    const other = await rig.openPaired();
    let card = await other.connectCard(rig.harness.reader);
    const verify = (pin: string) => {
      const padded = new Uint8Array(8).fill(0xff); // PIN padding, SP 800-73-4 Part 2 §3.2.1
      padded.set(new TextEncoder().encode(pin));
      return Uint8Array.of(0x00, 0x20, 0x00, 0x80, 0x08, ...padded);
    };
    const sw = async (pin: string) => toHex((await card.transmit(verify(pin))).slice(-2), { lower: true });
    const select = Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x05, 0xa0, 0x00, 0x00, 0x03, 0x08);
    await card.transmit(select);
    const answers: string[] = [];
    for (let i = 0; i < 3; i++) answers.push(await sw('00000000'));
    expect(answers).toEqual(['63c2', '63c1', '6983']);

    // Choosing the reader again reads the card afresh, with the card to itself: not while the other program is connected.
    const readerButton = page.getByRole('list', { name: 'Readers' }).getByRole('button', { name: rig.harness.reader });
    await readerButton.click();
    await expect(page.getByTestId('card-state')).toContainText(
      'The card could not be read: Another program is using that card',
    );
    await card.close();
    await readerButton.click();
    await expect(page.getByTestId('card-state')).toContainText(
      /is Locked, issued to Ben Member under template “[^”]+” version \d+\. The PIN is blocked\./,
    );
    await unblockOnPage(page, UNBLOCKED_PIN);
    const serial = (await page.getByTestId('card-state').textContent())?.match(/serial (\d+)/)?.[1];
    expect(serial).toMatch(/^\d+$/);

    // The new PIN works in the other program; the old one does not.
    card = await other.connectCard(rig.harness.reader);
    await card.transmit(select);
    expect(await sw(UNBLOCKED_PIN)).toBe('9000');
    expect(await sw(NEW_PIN)).toMatch(/^63c/);
    await card.close();
    other.close();

    // Then Ben loses the card: Smart Card Unblock lists it and retires it without it.
    await page.getByRole('link', { name: 'Smart Card Unblock' }).click();
    await chooseUser(page, 'Ben', /Ben Member/);
    // Earlier specs may have left Ben other cards in the run's shared relay: this one is known by its serial.
    const cards = page
      .getByRole('list', { name: 'Cards in the registry' })
      .getByRole('listitem')
      .filter({
        hasText: new RegExp(`YubiKey ${serial}\\b`),
      });
    await expect(cards).toHaveCount(1);
    await expect(cards.getByTestId('card-registry-state')).toHaveText('Active');
    await cards.getByRole('button', { name: 'Report lost…' }).click();
    const confirm = page.getByRole('dialog', { name: 'Report this card lost?' });
    await expect(confirm).toContainText('of Ben Member is retired now, without the card');
    await confirm.getByRole('button', { name: 'Report the card lost' }).click();
    await expect(cards.getByTestId('card-registry-state')).toHaveText('Retired, reported lost');
    await expect(cards.getByRole('button', { name: 'Report lost…' })).toHaveCount(0);
    // Found again, it reads as retired, and only Issue is offered.
    await page.getByRole('link', { name: 'Lifecycle' }).click();
    await page.getByRole('list', { name: 'Readers' }).getByRole('button', { name: rig.harness.reader }).click();
    await expect(page.getByTestId('card-state')).toContainText('is Retired (reported lost).');
    await expect(page.getByTestId('state-diagram').getByRole('button')).toHaveText(['Issue']);
    // Aisha holds no Keyward.Auditor role, so the Audit screen is not hers: the service's trail is read by an
    // auditor (roles.spec.ts).
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' })).toHaveCount(0);
    // The service recorded the lost report of Ben's card, by Aisha.
    const auditor = await relayAs('grace.reader@contoso.example');
    const [lost] = await auditor.audit({ action: 'card.lost' });
    await auditor.dispose();
    expect(lost).toMatchObject({ actor: { name: 'Aisha Operator' }, outcome: 'succeeded' });
    expect(lost!.target.label).toContain('Ben Member');

    const secrets = [
      ...activationSecrets(activationPin, tap!),
      { name: 'the PIN set at Unblock', value: UNBLOCKED_PIN },
      ...(await cardSecrets.afterRetire()),
    ];
    await expectNothingKept(page, secrets, consoleLines, { 'the bridge log': rig.logs });
    expect(consoleProblems).toEqual([]);
  });
});
