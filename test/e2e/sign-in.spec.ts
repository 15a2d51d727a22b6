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

  test('an account without a Keyward role is told so, where card holders go, and whom to ask', async ({
    page,
    signInAs,
  }) => {
    await page.goto('/');
    await signInAs(/Nina NoRole/);
    await expect(page.getByTestId('operator')).toContainText('Nina NoRole');
    await expect(page.getByTestId('operator-roles')).toHaveText('No Keyward role');
    const noRole = page.getByTestId('no-role');
    await expect(noRole).toContainText('holds none of their roles');
    await expect(noRole).toContainText('ask your administrator to assign you a Keyward role');
    // Operator notices (the TAP directory role) are for operators; she is none.
    await expect(page.getByTestId('operator-problems')).toHaveCount(0);
  });

  test('the signed-in operator is remembered across reloads and can sign out', async ({ page, signInAs }) => {
    await page.goto('/');
    await signInAs(/Priya Privileged/);
    await expect(page.getByTestId('operator-roles')).toHaveText(
      'Privileged Authentication Administrator, Keyward.Operator',
    );
    await page.reload();
    await expect(page.getByTestId('operator')).toContainText('Priya Privileged');
    // MSAL keeps the tokens in this tab's sessionStorage (the deployment's default), none in localStorage.
    const tokenKeys = () =>
      page.evaluate(() =>
        [sessionStorage, localStorage].map((s) =>
          Array.from({ length: s.length }, (_, i) => s.key(i)!).filter((k) => /refreshtoken|accesstoken/i.test(k)),
        ),
      );
    const [inSession, inLocal] = await tokenKeys();
    expect(inSession.length).toBeGreaterThan(0);
    expect(inLocal).toEqual([]);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  });
});
