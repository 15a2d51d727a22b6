/**
 * Each Keyward role against the demo (DESIGN.md "Users and roles"), as its seeded Entra emulator account:
 * the console shows only what the role may do, a screen reached by its address says which role it needs,
 * and the relay refuses the same work when asked directly with the person's own token (the one the page
 * sends, caught on its way to `/api/whoami`).
 */
import type { APIRequestContext, Page } from '@playwright/test';
import { E2E_PORTS } from '../../playwright.config';
import { test, expect, signInAs } from './fixtures';

const RELAY = `http://localhost:${E2E_PORTS.relay}`;

/** Every screen of the console (src/state/router.svelte.ts ROUTES). */
const SCREENS = [
  '/lifecycle',
  '/templates',
  '/options/connections/entra',
  '/options/connections/smtp',
  '/options/connections/data-export',
  '/options/security',
  '/actions/unblock',
  '/actions/batch-tap',
  '/audit',
];

/**
 * Opens `at` and signs in there as `account`; returns the relay token the page itself sent with its whoami
 * request.
 */
async function signInForToken(page: Page, account: RegExp, at = '/'): Promise<string> {
  await page.goto(at);
  const whoami = page.waitForRequest((r) => r.url() === `${RELAY}/api/whoami`);
  await signInAs(page, account);
  const header = (await whoami).headers()['authorization'] ?? '';
  expect(header).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
  return header;
}

/** The relay's answer (status and error code) to `method path` with `authorization` (or none). */
async function relayAnswer(
  request: APIRequestContext,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  authorization: string | null,
  data: unknown = {},
): Promise<[number, string | undefined]> {
  const res = await request.fetch(`${RELAY}${path}`, {
    method,
    headers: authorization ? { Authorization: authorization } : {},
    ...(method === 'GET' ? {} : { data }),
  });
  const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
  return [res.status(), body.error?.code];
}

const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

test('an operator does not see Templates, is told which role they need, and the relay refuses her publish', async ({
  page,
  request,
  consoleProblems,
}) => {
  const token = await signInForToken(page, /Priya Privileged/);
  await expect(page).toHaveURL(/#\/lifecycle$/);
  await expect(nav(page).getByRole('link')).toHaveText(['Lifecycle', 'Smart Card Unblock', 'Batch TAP']);

  await page.goto('/#/templates');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Templates needs the Keyward.Administrator role');
  await expect(page.getByTestId('access-denied')).toContainText('ask your administrator');
  await expect(page.getByRole('button', { name: 'New card template' })).toHaveCount(0);

  const publish = { expectedVersion: 0, body: { id: 'rogue', name: 'Rogue template' } };
  expect(await relayAnswer(request, 'PUT', '/api/templates/card/rogue', token, publish)).toEqual([403, 'ROLE_MISSING']);
  expect(consoleProblems).toEqual([]);
});

test('an auditor lands on Audit, verifies the chain, and cannot issue', async ({ page, request }) => {
  const token = await signInForToken(page, /Grace Reader/);
  await expect(page).toHaveURL(/#\/audit$/);
  await expect(nav(page).getByRole('link')).toHaveText(['Audit']);
  await page.getByRole('button', { name: 'Verify chain' }).click();
  await expect(page.getByTestId('chain-verdict')).toHaveText(
    /^(The chain is intact: all \d+ rows? checks? out|The trail is empty)/,
  );
  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  expect(csv.suggestedFilename()).toMatch(/^keyward-audit-\d{4}-\d\d-\d\d\.csv$/);

  await page.goto('/#/lifecycle');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Lifecycle needs the Keyward.Operator role');
  await expect(page.getByRole('button', { name: /Issue/ })).toHaveCount(0);
  const issue = { transition: 'issue', expectedVersion: 0 };
  expect(await relayAnswer(request, 'POST', '/api/cards/serial:1/transitions', token, issue)).toEqual([
    403,
    'ROLE_MISSING',
  ]);
});

test('an administrator without the operator role cannot request a Temporary Access Pass', async ({ page, request }) => {
  const token = await signInForToken(page, /Ada Admin/);
  await expect(page).toHaveURL(/#\/templates$/);
  await expect(nav(page).getByRole('link', { name: 'Smart Card Unblock' })).toHaveCount(0);
  await expect(nav(page).getByRole('link', { name: 'Lifecycle' })).toHaveCount(0);
  await expect(nav(page).getByRole('link', { name: 'Security' })).toBeVisible();

  await page.goto('/#/actions/unblock');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    'Smart Card Unblock needs the Keyward.Operator role',
  );
  await expect(page.getByRole('searchbox', { name: 'Search users' })).toHaveCount(0);
  // The pass's email goes through the relay, which refuses her too.
  expect(await relayAnswer(request, 'POST', '/api/mail', token)).toEqual([403, 'ROLE_MISSING']);
});

test('signed out, every screen is the sign-in page (with the demo reader) and the relay answers nothing', async ({
  page,
  request,
}) => {
  for (const screen of SCREENS) {
    await page.goto(`/#${screen}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in to Keyward');
    await expect(nav(page).getByRole('link')).toHaveCount(0);
  }
  await page.getByRole('button', { name: 'Virtual reader' }).click();
  await expect(page.getByTestId('card-presence')).toHaveText('Card present');

  for (const [method, path] of [
    ['GET', '/api/audit'],
    ['GET', '/api/cards'],
    ['PUT', '/api/templates/card/rogue'],
    ['POST', '/api/mail'],
  ] as const)
    expect(await relayAnswer(request, method, path, null)).toEqual([401, 'TOKEN_MISSING']);
});

test('an account with no Keyward role sees the no-role page everywhere and cannot issue a card', async ({
  page,
  request,
}) => {
  const token = await signInForToken(page, /Nina NoRole/, '/#/lifecycle');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your account has no Keyward role');
  await expect(page.getByTestId('no-role').getByRole('link', { name: 'holder page' })).toHaveAttribute(
    'href',
    '/self-service/',
  );
  await expect(nav(page).getByRole('link')).toHaveCount(0);
  await expect(page.getByTestId('operator-roles')).toHaveText('No Keyward role');
  await expect(page.getByRole('button', { name: /Issue/ })).toHaveCount(0);
  await page.goto('/#/audit');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your account has no Keyward role');

  const issue = { transition: 'issue', expectedVersion: 0 };
  expect(await relayAnswer(request, 'POST', '/api/cards/serial:1/transitions', token, issue)).toEqual([
    403,
    'ROLE_MISSING',
  ]);
});
