/**
 * Shared Playwright fixtures for Keyward's end-to-end tests.
 */
import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test';
import { SMART_CARD_SHIM_FILE, USB_SHIM_FILE } from './global-setup';
import type { SmartCardShimConfig } from './smart-card-shim/entry';
import { E2E_PORTS, E2E_SERVICE_LOG } from '../../playwright.config';
import type { UsbShimConfig } from './usb-shim/entry';

import { corpusEntry } from '../../src/simulator/fake-corpus';
import { DEFAULT_TEMPLATE, DEFAULT_TEMPLATE_ID } from '../../src/workflows/export-templates';
import { relayAs } from './relay-as';

/** Real reader descriptors from test/fixtures/ccid-readers.json, by source file name. */
export { corpusEntry as corpusReader };

export interface KeywardFixtures {
  /** Console messages and page errors seen so far (CSP and Trusted Types violations land here). */
  consoleProblems: string[];
  /** Every console line the page printed, of any level (searched for secrets). */
  consoleLines: string[];
  /** Test controls of the Entra emulator (KEYWARD_EMULATOR_CONTROL=1 in the e2e demo server). */
  emulator: EmulatorControl;
  /**
   * Signs in through the real MSAL popup against the Entra emulator, choosing the seeded account whose
   * button matches `account`, and waits until the app shows the signed-in operator.
   */
  signInAs: (account: RegExp) => Promise<void>;
  /** The page, opened at `/` and signed in as Aisha Operator (Authentication Administrator, Keyward.Operator and Keyward.Administrator). */
  operatorPage: Page;
  /** Installs a `navigator.usb` whose devices are virtual CCID readers; call before `page.goto`. */
  installUsbShim: (config: UsbShimConfig) => Promise<void>;
  /**
   * Installs a `navigator.smartCard` (the Web Smart Card API of the Isolated Web App on ChromeOS) with one
   * reader holding a virtual PIV card; call before `page.goto`.
   */
  installSmartCardShim: (config: SmartCardShimConfig) => Promise<void>;
}

/** The emulator's HTTP controls (demo/emulator-control.ts). */
export interface EmulatorControl {
  userId(upn: string): Promise<string>;
  tapFor(userId: string): Promise<{ id: string; temporaryAccessPass: string } | null>;
  /** The next `count` Graph requests (of `method` only, when given) answer 429 with `Retry-After`. */
  throttle(count: number, retryAfterSeconds: number, method?: string): Promise<void>;
  /** Withholds the tenant's admin consent for these delegated permissions; `[]` restores full consent. */
  withholdConsent(permissions: string[]): Promise<void>;
  /** The next `count` `$batch` items answer 429 with `Retry-After` (their batch answers 200). */
  throttleItems(count: number, retryAfterSeconds: number): Promise<void>;
  /** Resizes the identity write quota (Graph's is 3,000 writes per 150,000 ms per app). */
  writeQuota(limit: number, windowMs: number): Promise<void>;
  /** The next pass create for `userId` lands, then answers 504 (its answer is lost). */
  timeoutAfterCreate(userId: string): Promise<void>;
}

export const test = base.extend<KeywardFixtures>({
  consoleLines: async ({ page }, use) => {
    const lines: string[] = [];
    page.on('console', (m) => lines.push(m.text()));
    await use(lines);
  },
  emulator: async ({ playwright }, use) => {
    const api = await playwright.request.newContext({
      baseURL: `https://localhost:${E2E_PORTS.idp}`,
      ignoreHTTPSErrors: true,
    });
    await use({
      userId: async (upn) =>
        ((await (await api.get(`/_emulator/user/${encodeURIComponent(upn)}`)).json()) as { id: string }).id,
      tapFor: async (userId) =>
        (await (await api.get(`/_emulator/tap/${encodeURIComponent(userId)}`)).json()) as {
          id: string;
          temporaryAccessPass: string;
        } | null,
      throttle: async (count, retryAfterSeconds, method) => {
        await api.post('/_emulator/throttle', { data: { count, retryAfterSeconds, method } });
      },
      throttleItems: async (count, retryAfterSeconds) => {
        await api.post('/_emulator/throttle-items', { data: { count, retryAfterSeconds } });
      },
      writeQuota: async (limit, windowMs) => {
        await api.post('/_emulator/write-quota', { data: { limit, windowMs } });
      },
      timeoutAfterCreate: async (userId) => {
        await api.post('/_emulator/timeout-after-create', { data: { userId } });
      },
      withholdConsent: async (permissions) => {
        const res = await api.post('/_emulator/consent', { data: { withheld: permissions } });
        if (!res.ok()) throw new Error(`withholdConsent failed: ${res.status()} ${await res.text()}`);
      },
    });
    await api.dispose();
  },
  consoleProblems: async ({ page }, use) => {
    const problems: string[] = [];
    page.on('console', (m) => {
      // HTTP error statuses the app handles (e.g. a 403 on the TAP policy) are logged by Chrome; not problems.
      if (m.text().startsWith('Failed to load resource: the server responded with a status')) return;
      if (m.type() === 'error' || /Content Security Policy|TrustedHTML|TrustedScriptURL/.test(m.text()))
        problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await use(problems);
  },
  signInAs: async ({ page }, use) => {
    await use((account) => signInAs(page, account));
  },
  operatorPage: async ({ page }, use) => {
    await page.goto('/');
    await signInAs(page, /Aisha Operator/);
    await use(page);
  },
  installUsbShim: async ({ page }, use) => {
    await use((config) => installShim(page, '__keywardUsbShim', config, USB_SHIM_FILE));
  },
  installSmartCardShim: async ({ page }, use) => {
    await use((config) => installShim(page, '__keywardSmartCardShim', config, SMART_CARD_SHIM_FILE));
  },
});

/** Puts `config` where a shim's entry reads it (`window[global]`), then the shim built at `file`, ahead of the page. */
async function installShim(page: Page, global: string, config: unknown, file: string): Promise<void> {
  await page.addInitScript(
    ({ name, value }) => {
      (window as unknown as Record<string, unknown>)[name] = value;
    },
    { name: global, value: config },
  );
  await page.addInitScript({ path: file });
}

/**
 * Signs `page` in through the real MSAL popup as the seeded account whose button matches `account` (for
 * pages other than the `page` fixture, e.g. a second browser context); waits for the signed-in operator.
 */
export async function signInAs(page: Page, account: RegExp): Promise<void> {
  // COOP same-origin severs the popup from its opener, so watch the context, not the page.
  const popupPromise = page.context().waitForEvent('page');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const popup = await popupPromise;
  await popup.getByRole('button', { name: account }).click();
  // The popup's 'close' can be missed (COOP swaps its browsing context group), so wait on the app instead.
  await expect(page.getByTestId('operator')).toBeVisible({ timeout: 30_000 });
}

/**
 * Makes sure the relay publishes the default data-export template ("Temporary Access Pass"), which the
 * delivery steps use: on the Data Export screen, an administrator publishes it when none is published yet
 * (the relay's database lives for the whole run, so an earlier test may have published it already).
 */
export async function publishDefaultExportTemplate(page: Page): Promise<void> {
  await page.goto('/#/options/connections/data-export');
  const existing = page.getByRole('button', { name: 'Temporary Access Pass', exact: true });
  const offer = page.getByRole('button', { name: 'Publish the default template' });
  const listed = page.getByRole('region', { name: 'Email templates' }).getByRole('listitem');
  await expect(existing.or(offer).or(listed).first()).toBeVisible();
  if (await offer.isVisible()) {
    await offer.click();
    await expect(page.getByRole('status').filter({ hasText: 'Published "Temporary Access Pass"' })).toBeVisible();
  } else if (!(await existing.isVisible())) {
    // An earlier spec published an email of its own, so the screen offers no default (it does only while
    // none is published): publish the same default through the relay, as an administrator.
    const ada = await relayAs('ada.admin@contoso.example');
    const record = { ...DEFAULT_TEMPLATE, id: DEFAULT_TEMPLATE_ID, target: 'email', connector: 'relay' };
    await ada.publish('export', DEFAULT_TEMPLATE_ID, { ...record, updatedAt: new Date().toISOString() });
    await ada.dispose();
    await page.reload();
  }
  await expect(existing).toBeVisible();
}

/** Clicks Save on the template being edited and waits for the status that says `saved` ('Saved "…".' and on). */
export async function saveTemplate(page: Page, saved: string): Promise<void> {
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: saved })).toBeVisible();
}

/** A message the demo's SMTP catcher (demo/smtp-catcher) caught. */
export interface InboxMessage {
  to: { address: string }[];
  subject: string;
  text: string;
}

/** Every message the SMTP catcher holds, through its API. */
export async function inbox(request: APIRequestContext): Promise<InboxMessage[]> {
  return (await (await request.get(`http://127.0.0.1:${E2E_PORTS.inbox}/api/messages`)).json()) as InboxMessage[];
}

/** Searches the directory on the current page for `search` and picks the user whose button matches `name`. */
export async function chooseUser(page: Page, search: string, name: RegExp): Promise<void> {
  await page.getByRole('searchbox', { name: 'Search users' }).fill(search);
  await page.getByRole('list', { name: 'Users found' }).getByRole('button', { name }).click();
}

/** One corpus reader (by source file name) holding `card`, which the person picks in Chrome's chooser. */
function oneReader(file: string, card: UsbShimConfig['readers'][number]['card']): UsbShimConfig {
  return { readers: [{ entry: corpusEntry(file), card, unrestricted: false }], choose: 0 };
}

/** A smart-card-class (0x0B) USB reader with a generic PIV card: WebUSB refuses it on an ordinary page. */
export const REFUSED_READER: UsbShimConfig = oneReader('ACS_ACR39U_ICC_Reader.txt', 'piv-generic');

/** A vendor-class (0xFF) USB reader, which an ordinary page may claim, holding `card`. */
export const vendorClassReader = (card: UsbShimConfig['readers'][number]['card']): UsbShimConfig =>
  oneReader('DUALi_DE-ABCM6.txt', card);

export { expect };

/** The services' log files the e2e demo server writes (relay, demo server, Entra emulator), for secrecy scans. */
export const SERVICE_LOGS: Readonly<Record<string, string>> = {
  'the services log (relay, demo server, emulator)': E2E_SERVICE_LOG,
};
