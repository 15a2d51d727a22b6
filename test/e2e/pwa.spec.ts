import { test, expect } from './fixtures';
import { withProfile } from './pwa-profile';
import { E2E_PORTS } from '../../playwright.config';

const APP = `http://localhost:${E2E_PORTS.app}`;

test('the shell reloads offline from the service worker', async ({ page, context }) => {
  await page.goto('/');
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) =>
        navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }),
      );
    }
  });
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
  // Signed out, the shell's one page is the sign-in page.
  await expect(page.getByRole('heading', { name: 'Sign in to Keyward' })).toBeVisible();
  await context.setOffline(false);
});

test('the manifest is served and complete', async ({ request }) => {
  const res = await request.get('/manifest.webmanifest');
  expect(res.ok()).toBe(true);
  const manifest = await res.json();
  expect(manifest).toMatchObject({ name: 'Keyward', start_url: '/', display: 'standalone' });
  const purposes = manifest.icons.map((i: { sizes: string; purpose: string }) => `${i.sizes}/${i.purpose}`);
  expect(purposes).toEqual(['192x192/any', '512x512/any', '512x512/maskable']);
  for (const icon of manifest.icons)
    expect((await request.get(`/${icon.src}`)).headers()['content-type']).toBe('image/png');
});

test('Chromium reports no installability errors', async () => {
  await withProfile(APP, async (context, page) => {
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
  });
});

test('the app installs, launches as an app, and the operator signs in from it', async () => {
  await withProfile(APP, async (context, page) => {
    const cdp = await context.newCDPSession(page);
    const manifestId = `${APP}/`;
    await cdp.send('PWA.install', { manifestId });
    const launched = context.waitForEvent('page');
    await cdp.send('PWA.launch', { manifestId });
    const app = await launched;
    await app.waitForLoadState();
    expect(app.url()).toBe(`${APP}/`);
    const popup = context.waitForEvent('page');
    await app.getByRole('button', { name: 'Sign in' }).click();
    await (await popup).getByRole('button', { name: /Aisha Operator/ }).click();
    await expect(app.getByTestId('operator')).toContainText('Aisha Operator');
  });
});

test('the app is served with the isolation and CSP headers an Isolated Web App needs', async ({ request }) => {
  const headers = (await request.get('/')).headers();
  expect(headers['cross-origin-opener-policy']).toBe('same-origin');
  expect(headers['cross-origin-embedder-policy']).toBe('require-corp');
  expect(headers['content-security-policy']).toContain("require-trusted-types-for 'script'");
  expect(headers['content-security-policy']).toContain("script-src 'self'");
});
