import { test, expect, publishDefaultExportTemplate, saveTemplate } from './fixtures';

test.describe('Options > Connections > Data Export', () => {
  // Each test starts on the screen, where an administrator publishes the default TAP template when none is,
  // so issuance has something to deliver with.
  test.beforeEach(({ operatorPage }) => publishDefaultExportTemplate(operatorPage));

  test('an administrator publishes an email template with the variable picker, previews it, and withdraws it', async ({
    operatorPage: page,
    consoleProblems,
  }) => {
    await expect(page.getByRole('heading', { name: 'Data Export', level: 1 })).toBeVisible();
    await page.getByRole('button', { name: 'Temporary Access Pass', exact: true }).click();
    await expect(page.getByTestId('publication')).toHaveText(/^Version \d+, published by Aisha Operator on /);

    await page.getByRole('button', { name: 'New template' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Card activation');
    await expect(page.getByLabel('Target')).toHaveValue('Email (export to email)');
    await expect(page.getByLabel('Send email automatically')).toBeChecked();
    await expect(page.getByLabel('SMTP connector')).toHaveValue('Keyward relay');
    await expect(page.getByRole('link', { name: 'Options > Connections > SMTP' })).toHaveAttribute(
      'href',
      '#/options/connections/smtp',
    );
    await expect(page.getByLabel('To', { exact: true })).toHaveValue('${Mail}');
    await page.getByLabel('Cc', { exact: true }).fill('helpdesk@contoso.example');
    await page.getByLabel('Subject').fill('Your card is ready, ${GivenName}');

    // Put the caret before the "!" and insert the code there through the picker.
    const text = page.getByLabel('Text body');
    await text.fill('Hello ${DisplayName}, your pass: !');
    await text.press('End');
    await text.press('ArrowLeft');
    await page.getByRole('button', { name: /^\$\{AadTapCode\}/ }).click();
    await expect(text).toHaveValue('Hello ${DisplayName}, your pass: ${AadTapCode}!');
    // Focus and caret come back just after the placeholder.
    await page.keyboard.type(' (once)');
    await expect(text).toHaveValue('Hello ${DisplayName}, your pass: ${AadTapCode} (once)!');
    await page.getByLabel('HTML body').fill('<p>Code: <b>${AadTapCode}</b></p>');

    await expect(page.getByTestId('preview-to')).toHaveText('sample.user@example.invalid');
    await expect(page.getByTestId('preview-cc')).toHaveText('helpdesk@contoso.example');
    await expect(page.getByTestId('preview-subject')).toHaveText('Your card is ready, Sample');
    await expect(page.getByTestId('preview-text')).toHaveText('Hello Sample User, your pass: SAMPLE-CODE (once)!');
    await expect(page.getByTestId('preview-html')).toHaveText('<p>Code: <b>SAMPLE-CODE</b></p>');

    // An unknown variable is flagged as it is typed, and saving is refused at the field.
    const subject = page.getByLabel('Subject');
    await subject.fill('Your card is ready, ${Bogus}');
    await expect(page.getByRole('status', { name: 'Unknown variables' })).toContainText(
      'Subject: ${Bogus} is not a variable.',
    );
    await expect(page.getByText('This template cannot be previewed yet.')).toBeVisible();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByRole('alert')).toContainText('Not saved: fix the fields marked above.');
    await expect(subject).toHaveAttribute('aria-invalid', 'true');
    await expect(subject).toHaveAccessibleDescription(/\$\{Bogus\} is not a variable\./);
    await expect(page.getByRole('button', { name: 'Card activation' })).toHaveCount(0);

    await subject.fill('Your card is ready, ${GivenName}');
    await expect(subject).not.toHaveAttribute('aria-invalid', 'true');
    // A fixed To is said at save too: the relay writes only to the user's own address.
    const to = page.getByLabel('To', { exact: true });
    await to.fill('helpdesk@contoso.example');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(to).toHaveAccessibleDescription(/would refuse "helpdesk@contoso\.example"/);
    await expect(page.getByRole('button', { name: 'Card activation' })).toHaveCount(0);
    await to.fill('${Mail}');
    // The relay writes only to the user's own address, so a fixed Cc could never be sent: said at save.
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const cc = page.getByLabel('Cc', { exact: true });
    await expect(cc).toHaveAccessibleDescription(/would refuse "helpdesk@contoso\.example"/);
    await expect(page.getByRole('button', { name: 'Card activation' })).toHaveCount(0);
    await cc.fill('');
    await saveTemplate(page, 'Saved "Card activation". Version 1 is published for every operator.');

    await page.reload();
    await page.getByRole('button', { name: 'Card activation' }).click();
    await expect(page.getByLabel('Subject')).toHaveValue('Your card is ready, ${GivenName}');
    await expect(page.getByLabel('Text body')).toHaveValue('Hello ${DisplayName}, your pass: ${AadTapCode} (once)!');
    await expect(page.getByTestId('preview-text')).toHaveText('Hello Sample User, your pass: SAMPLE-CODE (once)!');

    // Withdrawing asks first; cancelling keeps the template.
    await page.getByRole('button', { name: 'Withdraw', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Withdraw "Card activation"?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Card activation' })).toBeVisible();
    await page.getByRole('button', { name: 'Withdraw', exact: true }).click();
    await dialog.getByRole('button', { name: 'Withdraw template' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Withdrew "Card activation"' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Card activation' })).toHaveCount(0);
    await page.reload();
    await expect(page.getByRole('button', { name: 'Temporary Access Pass', exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Card activation' })).toHaveCount(0);

    expect(consoleProblems).toEqual([]);
  });

  test('switching templates with unsaved edits asks before discarding them', async ({ operatorPage: page }) => {
    await page.getByRole('button', { name: 'Temporary Access Pass', exact: true }).click();
    await expect(page.getByLabel('To', { exact: true })).toHaveValue('${Mail}');
    await page.getByLabel('Subject').fill('Edited subject');
    await expect(page.getByText('(unsaved changes)')).toBeVisible();
    await page.getByRole('button', { name: 'New template' }).click();
    const dialog = page.getByRole('dialog', { name: 'Discard unsaved changes?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByLabel('Subject')).toHaveValue('Edited subject');
    await page.getByRole('button', { name: 'New template' }).click();
    await dialog.getByRole('button', { name: 'Discard changes' }).click();
    await expect(page.getByLabel('Name', { exact: true })).toHaveValue('');
    await page.getByRole('button', { name: 'Temporary Access Pass', exact: true }).click();
    await expect(page.getByLabel('Subject')).toHaveValue('Your Temporary Access Pass');
  });
});
