import { test, expect } from './fixtures';

test.describe('operator sign-in through MSAL against the Entra emulator', () => {
  test('an Authentication Administrator sees their name, tenant and roles', async ({
    operatorPage: page,
    consoleProblems,
  }) => {
    const operator = page.getByTestId('operator');
    await expect(operator).toContainText('Aisha Operator');
    await expect(operator).toContainText(/tenant [0-9a-f-]{36}/);
    await expect(page.getByTestId('operator-roles')).toHaveText(
      'Authentication Administrator, Keyward.Operator, Keyward.Administrator',
    );
    await expect(page.getByTestId('operator-problems')).toHaveCount(0);
    expect(consoleProblems).toEqual([]);
  });

  test('an operator without a role is told what is missing and whom to ask', async ({ page, signInAs }) => {
    await page.goto('/');
    await signInAs(/Nina NoRole/);
    await expect(page.getByTestId('operator')).toContainText('Nina NoRole');
    await expect(page.getByTestId('operator-roles')).toHaveText('No operator role: ask your Entra ID administrator');
    const problems = page.getByTestId('operator-problems');
    await expect(problems).toContainText(
      'neither the Authentication Administrator nor the Privileged Authentication Administrator role',
    );
    await expect(problems).toContainText('does not list you as an operator');
  });

  test('the signed-in operator is remembered across reloads and can sign out', async ({ page, signInAs }) => {
    await page.goto('/');
    await signInAs(/Priya Privileged/);
    await expect(page.getByTestId('operator-roles')).toHaveText(
      'Privileged Authentication Administrator, Keyward.Operator',
    );
    await page.reload();
    await expect(page.getByTestId('operator')).toContainText('Priya Privileged');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  });
});
