import { readFile, writeFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { importCardMasterKey, masterKeyFingerprint } from '../../src/cards/admin-secrets';
import { sealKeyFile } from '../../src/workflows/master-key-file';
import { formatFingerprint } from '../../src/workflows/master-key';
import { test, expect, saveTemplate, signInAs } from './fixtures';
import { relayAs } from './relay-as';

const PASSPHRASE = 'correct horse battery staple';

async function download(page: Page, button: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
  return (await file.path())!;
}

test.describe('Options > Security', () => {
  test("an administrator sees the relay's card master key; a key file from an older Keyward goes into the relay only while its key issued nothing", async ({
    page,
    consoleProblems,
  }, testInfo) => {
    // The relay's key has released a secret (issued a card): from then on it is never replaced.
    const aisha = await relayAs('aisha.operator@contoso.example');
    await aisha.releasePuk(`serial:${35_000_000 + (Date.now() % 1_000_000)}`, 'issue');
    await aisha.dispose();
    const ada = await relayAs('ada.admin@contoso.example');
    const relayKey = await ada.cardMasterKey();
    await ada.dispose();
    expect(relayKey.used).toBe(true);

    await page.goto('/');
    await signInAs(page, /Ada Admin/);
    await page.goto('/#/options/security');
    await expect(page.getByTestId('relay-key-fingerprint')).toHaveText(formatFingerprint(relayKey.fingerprint));
    await expect(page.getByTestId('relay-key')).toContainText('cards were issued under it');
    await expect(page.getByTestId('browser-key')).toHaveCount(0); // no browser keeps a key of its own

    // A key file an older Keyward exported.
    const raw = crypto.getRandomValues(new Uint8Array(32));
    const fingerprint = await masterKeyFingerprint(await importCardMasterKey(raw));
    const keyFile = testInfo.outputPath('older-keyward-key.json');
    await writeFile(keyFile, await sealKeyFile(raw, PASSPHRASE, fingerprint));
    const form = page.getByRole('form', { name: 'Import a key file into the relay' });
    await form.getByRole('button', { name: 'Import into the relay' }).click();
    await expect(form.getByRole('alert')).toHaveText('Choose the key file first.');
    await form.getByLabel('Key file', { exact: true }).setInputFiles(keyFile);
    await form.getByLabel('Key file passphrase').fill('not the passphrase at all');
    await form.getByRole('button', { name: 'Import into the relay' }).click();
    await expect(page.getByRole('alert')).toContainText('The passphrase does not open this key file');
    await form.getByLabel('Key file passphrase').fill(PASSPHRASE);
    await form.getByRole('button', { name: 'Import into the relay' }).click();
    await expect(page.getByRole('alert')).toContainText('Nothing was changed; compare the fingerprints');
    await expect(page.getByTestId('relay-key-fingerprint')).toHaveText(formatFingerprint(relayKey.fingerprint));
    expect(consoleProblems).toEqual([]);
  });

  test('an operator who is not an administrator is told the screen needs that role, and sees no key or import', async ({
    page,
  }) => {
    await page.goto('/');
    await signInAs(page, /Priya Privileged/);
    await page.goto('/#/options/security');
    await expect(page.getByRole('heading', { name: 'Security needs the Keyward.Administrator role' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Card master key' })).toHaveCount(0);
    await expect(page.getByTestId('relay-key')).toHaveCount(0);
    await expect(page.getByRole('form', { name: 'Import a key file into the relay' })).toHaveCount(0);
  });

  test('a configuration backup imports into another browser; a broken one changes nothing', async ({
    operatorPage: page,
    browser,
    baseURL,
  }, testInfo) => {
    await page.goto('/#/templates');
    await page.getByRole('button', { name: 'New card template' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Backed-up PIV');
    await saveTemplate(page, 'Saved "Backed-up PIV".');
    await page.getByRole('link', { name: 'Security' }).click();
    const backup = await download(page, 'Export configuration');
    const text = await readFile(backup, 'utf8');
    expect(text).not.toContain('keyward-card-master-key');
    const broken = testInfo.outputPath('broken.json');
    await writeFile(broken, text.replace('"version": 1', '"version": 2'));

    const other = await browser.newContext({ baseURL });
    const second = await other.newPage();
    await second.goto('/#/options/security');
    await signInAs(second, /Aisha Operator/);
    await second.getByLabel('Configuration file').setInputFiles(broken);
    await second.getByRole('button', { name: 'Import configuration' }).click();
    await expect(second.getByRole('alert')).toContainText('version must be 1');
    // Templates are the service's: the other browser already reads the one published in the first.
    await second.getByRole('link', { name: 'Templates' }).click();
    await expect(second.getByRole('button', { name: 'Backed-up PIV' })).toBeVisible();
    await second.getByRole('link', { name: 'Security' }).click();
    await second.getByLabel('Configuration file').setInputFiles(backup);
    await second.getByRole('button', { name: 'Import configuration' }).click();
    // Nothing in the backup differs from what is published: nothing is published again, nothing conflicts.
    await expect(
      second
        .getByRole('status')
        .filter({ hasText: /Published 0 templates; [1-9]\d* were already published as they are; 0 could not/ }),
    ).toBeVisible();
    await other.close();
  });
});

test('a tab left open when another tab upgrades the database is told to reload', async ({
  operatorPage: page,
  context,
}) => {
  await page.goto('/#/options/security');
  await expect(page.getByRole('heading', { name: 'Card master key' })).toBeVisible();
  // A "newer Keyward" in a second tab: opening the database at a higher version asks older tabs to close.
  const newer = await context.newPage();
  await newer.goto('/#/lifecycle');
  await newer.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const req = indexedDB.open('keyward', 1000);
        req.onsuccess = () => {
          req.result.close();
          resolve();
        };
        req.onerror = () => reject(new Error(req.error?.name));
      }),
  );
  await expect(page.getByRole('alert')).toContainText(
    'Keyward was updated in another tab; reload this page to keep working.',
  );
});
