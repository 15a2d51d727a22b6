import { defineConfig } from '@playwright/test';
import { e2ePorts } from './test/e2e/e2e-ports';
import { e2eIwaOrigin } from './test/e2e/iwa-id';

/**
 * End-to-end tests in Debian's Chromium against the embedded default (demo/main.ts): the built app,
 * the relay, the Entra emulator and the SMTP catcher, on free ports chosen once per run (or set with
 * KEYWARD_E2E_PORTS, see test/e2e/e2e-ports.ts), so neither a running demo nor another run is disturbed.
 */
export const E2E_PORTS = e2ePorts();

/** The app's origin in the e2e run (the origin a bridge started by a spec must allow). */
export const E2E_APP_ORIGIN = `http://localhost:${E2E_PORTS.app}`;

/** The origin the installed app (dev-proxy IWA, test/e2e/iwa.spec.ts) gets in this run. */
export const E2E_IWA_ORIGIN = e2eIwaOrigin();

/** Everything the demo's services log during the e2e run (searched for secrets by the tests). */
export const E2E_SERVICE_LOG = '.e2e-build/services.log';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export default defineConfig({
  testDir: 'test/e2e',
  globalSetup: './test/e2e/global-setup.ts',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: E2E_APP_ORIGIN,
    ignoreHTTPSErrors: true,
    launchOptions: { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS },
    trace: 'retain-on-failure',
  },
  webServer: {
    command: 'npx tsx demo/main.ts',
    url: `${E2E_APP_ORIGIN}/keyward.config.json`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    env: {
      KEYWARD_PORT: String(E2E_PORTS.app),
      KEYWARD_IDP_PORT: String(E2E_PORTS.idp),
      KEYWARD_RELAY_PORT: String(E2E_PORTS.relay),
      KEYWARD_SMTP_PORT: String(E2E_PORTS.smtp),
      KEYWARD_INBOX_PORT: String(E2E_PORTS.inbox),
      KEYWARD_BRIDGE_PORT: String(E2E_PORTS.bridge),
      KEYWARD_EMULATOR_CONTROL: '1',
      // Batch TAP's resume test uploads a CSV of these ("Load Starter0001"…, in no group).
      KEYWARD_EMULATOR_LOAD_MEMBERS: '30',
      KEYWARD_IWA_ORIGIN: E2E_IWA_ORIGIN,
      // One relay database per run, shared by its specs (cards they leave behind do not outlive the run).
      KEYWARD_DATA_DIR: ':memory:',
      KEYWARD_LOG_FILE: E2E_SERVICE_LOG,
    },
  },
});
