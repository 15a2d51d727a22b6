/**
 * The card holder's self-service page as an app (issue 13): served at /self-service/ with the console's
 * CSP and isolation headers and no violation of them, nothing but sign-in while signed out, a member's
 * real MSAL sign-in (Graph `User.Read` only), its own installable manifest, and an offline reload from
 * the service worker. The holder's actions are in self-service-flows.spec.ts.
 */
import { test, expect } from './fixtures';
import { withProfile } from './pwa-profile';
import { E2E_APP_ORIGIN } from '../../playwright.config';

const PAGE = '/self-service/';

test('signed out, the page offers nothing but sign-in, under the console’s CSP and isolation', async ({
  page,
  request,
  consoleProblems,
}) => {
  const headers = (await request.get(PAGE)).headers();
  expect(headers['content-security-policy']).toContain("require-trusted-types-for 'script'");
  expect(headers['content-security-policy']).toContain("script-src 'self'");
  expect(headers['cross-origin-opener-policy']).toBe('same-origin');
  expect(headers['cross-origin-embedder-policy']).toBe('require-corp');

  await page.goto(PAGE);
  await expect(page.getByRole('heading', { name: 'Sign in to manage your card' })).toBeVisible();
  await expect(page.getByRole('button')).toHaveText(['Sign in']);
  await expect(page.getByRole('textbox')).toHaveCount(0);
  expect(consoleProblems).toEqual([]);
});

test('a member signs in with their work account (asking Graph for User.Read only) and sees their own name', async ({
  page,
  consoleProblems,
}) => {
  // What the page asks the authority for (what Entra grants is the tenant's consent, not the page's choice).
  const asked: string[] = [];
  page.context().on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname.endsWith('/authorize') || url.pathname.endsWith('/token'))
      asked.push(url.searchParams.get('scope') ?? new URLSearchParams(r.postData() ?? '').get('scope') ?? '');
  });
  await page.goto(PAGE);
  const popupPromise = page.context().waitForEvent('page');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const popup = await popupPromise;
  await popup.getByRole('button', { name: /Lena Novak/ }).click();
  await expect(page.getByTestId('holder')).toContainText('Lena Novak', { timeout: 30_000 });
  await expect(page.getByRole('heading', { name: 'My cards' })).toBeVisible();
  const scopes = new Set(asked.join(' ').split(' ').filter(Boolean));
  expect(scopes).toContain('https://graph.microsoft.com/User.Read');
  expect([...scopes].filter((s) => s.startsWith('https://graph.microsoft.com/'))).toEqual([
    'https://graph.microsoft.com/User.Read',
  ]);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  expect(consoleProblems).toEqual([]);
});

test('its own manifest: scope and start URL /self-service/, the console’s icons', async ({ request }) => {
  const html = await (await request.get(PAGE)).text();
  expect(html).toContain('<link rel="manifest" href="/self-service/manifest.webmanifest">');
  expect(html).not.toContain('href="/manifest.webmanifest"');
  const manifest = await (await request.get('/self-service/manifest.webmanifest')).json();
  expect(manifest).toMatchObject({ id: PAGE, scope: PAGE, start_url: PAGE, display: 'standalone' });
  for (const icon of manifest.icons) expect((await request.get(icon.src)).headers()['content-type']).toBe('image/png');
});

test('Chromium finds it installable, and it installs and launches as an app of its own', async () => {
  await withProfile(`${E2E_APP_ORIGIN}${PAGE}`, async (context, page) => {
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
    const manifestId = `${E2E_APP_ORIGIN}${PAGE}`;
    await cdp.send('PWA.install', { manifestId });
    const launched = context.waitForEvent('page');
    await cdp.send('PWA.launch', { manifestId });
    const app = await launched;
    await app.waitForLoadState();
    expect(app.url()).toBe(manifestId);
    await expect(app.getByRole('heading', { name: 'Sign in to manage your card' })).toBeVisible();
  });
});

test('it reloads offline from the service worker as the self-service page, not the console', async ({
  page,
  context,
}) => {
  await page.goto(PAGE);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller)
      await new Promise((resolve) =>
        navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }),
      );
  });
  await context.setOffline(true);
  await page.reload();
  await expect(page).toHaveTitle('Keyward · My cards');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await context.setOffline(false);
});
