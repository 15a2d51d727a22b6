import { test, expect, publishDefaultExportTemplate, saveTemplate } from './fixtures';

test.describe('Templates > Card Templates', () => {
  test('an administrator publishes a card template with TAP and Initiate Card, and finds it after a reload', async ({
    operatorPage: page,
    consoleProblems,
  }) => {
    await publishDefaultExportTemplate(page);
    await page.goto('/#/templates');
    await expect(page.getByRole('heading', { name: 'Card Templates', level: 1 })).toBeVisible();
    await page.getByRole('button', { name: 'New card template' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Helpdesk YubiKey');
    await page.getByLabel('Description').fill('YubiKey 5 for helpdesk staff');
    await expect(page.getByLabel('YubiKey', { exact: true })).toBeChecked();
    await expect(page.getByLabel('Assign user ID')).toBeChecked();

    // Options under a parent stay off until the parent is on.
    await expect(page.getByLabel('Operator may generate TAP codes')).toBeDisabled();
    await page.getByLabel('Enable', { exact: true }).check();
    await expect(page.getByLabel('Show code')).toBeDisabled();
    await page.getByLabel('Operator may generate TAP codes').check();
    await page.getByLabel('Show code').check();
    await page.getByLabel('Override lifetime defined in Entra ID').check();
    const lifetime = page.getByLabel('Lifetime (minutes)');
    await lifetime.fill('5');
    await page.getByLabel('Usable once').check();
    await page.getByLabel('System generate Entra ID TAP code').check();
    const exports = page.getByRole('group', { name: 'Data-export templates for the system-generated pass' });

    // Saving is refused with the problems at their fields.
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByRole('alert')).toContainText('Not saved: fix the fields marked above.');
    await expect(lifetime).toHaveAttribute('aria-invalid', 'true');
    await expect(lifetime).toHaveAccessibleDescription(/Must be 10\.\.43200\./);
    await expect(exports).toContainText('Must list at least one data-export template.');

    await lifetime.fill('120');
    await exports.getByLabel('Temporary Access Pass').check();
    await expect(lifetime).not.toHaveAttribute('aria-invalid', 'true');
    await saveTemplate(page, 'Saved "Helpdesk YubiKey". Version 1 is published for every operator.');
    await expect(page.getByTestId('publication')).toHaveText(/^Version 1, published by Aisha Operator on /);

    await page.reload();
    await page.getByRole('button', { name: 'Helpdesk YubiKey', exact: true }).click();
    await expect(page.getByTestId('publication')).toHaveText(/^Version 1, published by Aisha Operator on /);
    await expect(page.getByLabel('Description')).toHaveValue('YubiKey 5 for helpdesk staff');
    for (const label of [
      'Operator may generate TAP codes',
      'Show code',
      'Usable once',
      'System generate Entra ID TAP code',
    ]) {
      await expect(page.getByLabel(label)).toBeChecked();
    }
    await expect(page.getByLabel('Enable', { exact: true })).toBeChecked();
    await expect(page.getByLabel('User may request TAP via console')).not.toBeChecked();
    await expect(page.getByLabel('Lifetime (minutes)')).toHaveValue('120');
    await expect(
      page
        .getByRole('group', { name: 'Data-export templates for the system-generated pass' })
        .getByLabel('Temporary Access Pass'),
    ).toBeChecked();

    // Duplicate makes a free name; the name stays unique (any case).
    await page.getByRole('button', { name: 'Duplicate' }).click();
    await expect(page.getByRole('button', { name: 'Helpdesk YubiKey (copy)' })).toBeVisible();
    await page.getByLabel('Name', { exact: true }).fill('HELPDESK yubikey');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByLabel('Name', { exact: true })).toHaveAccessibleDescription(
      /Is already used by another card template\./,
    );
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await page.getByRole('button', { name: 'Withdraw', exact: true }).click();
    await page
      .getByRole('dialog', { name: 'Withdraw "Helpdesk YubiKey (copy)"?' })
      .getByRole('button', { name: 'Withdraw card template' })
      .click();
    await expect(page.getByRole('button', { name: 'Helpdesk YubiKey (copy)' })).toHaveCount(0);

    expect(consoleProblems).toEqual([]);
  });

  test('Detect reads the card in the open reader and offers its type', async ({ operatorPage: page }) => {
    await page.goto('/#/lifecycle');
    await page.getByRole('button', { name: 'Virtual reader' }).click();
    await expect(page.getByTestId('card-presence')).toHaveText('Card present');
    await page.getByRole('link', { name: 'Templates' }).click();
    await page.getByRole('button', { name: 'New card template' }).click();
    await page.getByLabel('PIV card').uncheck();
    await page.getByLabel('YubiKey', { exact: true }).uncheck();
    await page.getByRole('button', { name: 'Detect' }).click();
    await expect(page.getByText(/^Detected: /)).toBeVisible();
    const anyChecked =
      (await page.getByLabel('PIV card').isChecked()) ||
      (await page.getByLabel('YubiKey', { exact: true }).isChecked());
    expect(anyChecked).toBe(true);
  });
});
