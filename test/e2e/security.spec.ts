import { readFile, writeFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { test, expect, signInAs } from './fixtures';

const PASSPHRASE = 'correct horse battery staple';
const FINGERPRINT = /^[0-9a-f]{4}( [0-9a-f]{4}){3}$/;

async function download(page: Page, button: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
  return (await file.path())!;
}

test.describe('Options > Security', () => {
  test('a master key generated in one browser imports into another with the same fingerprint; a wrong passphrase is refused', async ({
    operatorPage: page,
    browser,
    baseURL,
    consoleProblems,
  }) => {
    await page.goto('/#/options/security');
    await expect(page.getByRole('heading', { name: 'Security', level: 1 })).toBeVisible();
    await expect(page.getByTestId('master-key-missing')).toBeVisible();
    await page.getByLabel('New passphrase').fill(PASSPHRASE);
    await page.getByLabel('Repeat passphrase').fill(`${PASSPHRASE}?`);
    await page.getByRole('button', { name: 'Generate master key' }).click();
    await expect(page.getByRole('alert')).toContainText('The two passphrases differ.');
    await page.getByLabel('Repeat passphrase').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Generate master key' }).click();
    const fingerprint = page.getByTestId('master-key-fingerprint');
    await expect(fingerprint).toHaveText(FINGERPRINT);
    const shown = await fingerprint.textContent();
    await expect(page.getByLabel('New passphrase')).toHaveValue('');

    const keyFile = await download(page, 'Export key file');
    const file = JSON.parse(await readFile(keyFile, 'utf8')) as {
      format: string;
      fingerprint: string;
      kdf: { iterations: number };
    };
    expect(file).toMatchObject({ format: 'keyward-card-master-key', kdf: { iterations: 600000 } });
    expect(file.fingerprint.replace(/(.{4})(?=.)/g, '$1 ')).toBe(shown);
    await page.reload();
    await expect(fingerprint).toHaveText(shown!);
    expect(consoleProblems).toEqual([]);

    // Another browser profile: nothing stored there yet.
    const other = await browser.newContext({ baseURL });
    const second = await other.newPage();
    await second.goto('/#/options/security');
    await signInAs(second, /Aisha Operator/);
    await expect(second.getByTestId('master-key-missing')).toBeVisible();
    await second.getByLabel('Key file', { exact: true }).setInputFiles(keyFile);
    await second.getByLabel('Key file passphrase').fill('not the passphrase at all');
    await second.getByRole('button', { name: 'Import key file' }).click();
    await expect(second.getByRole('alert')).toContainText('The passphrase does not open this key file');
    await expect(second.getByTestId('master-key-missing')).toBeVisible();
    await second.getByLabel('Key file passphrase').fill(PASSPHRASE);
    await second.getByRole('button', { name: 'Import key file' }).click();
    await expect(second.getByTestId('master-key-fingerprint')).toHaveText(shown!);
    await other.close();
  });

  test('a configuration backup imports into another browser; a broken one changes nothing', async ({
    operatorPage: page,
    browser,
    baseURL,
  }, testInfo) => {
    await page.goto('/#/templates');
    await page.getByRole('button', { name: 'New card template' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Backed-up PIV');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Saved "Backed-up PIV".' })).toBeVisible();
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
  await expect(page.getByTestId('master-key-missing')).toBeVisible();
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
