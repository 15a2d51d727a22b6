/**
 * The Isolated Web App's loopback sign-in against the Entra emulator over real https and real TCP: the
 * Direct Sockets listener (direct-sockets-listener.ts) runs on a `TCPServerSocket` stand-in over node:net
 * (the platform API only); PKCE, state, the redirect, the redemption and the refresh are the product's.
 * The "browser" follows the authorization URL through the emulator's sign-in page to the loopback address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import {
  DEMO_RELAY_CLIENT_ID,
  DEMO_SPA_CLIENT_ID,
  DEMO_TENANT_ID,
  type EntraEmulator,
} from '../../demo/entra-emulator/index';
import { OidcTestClient } from '../../demo/entra-emulator/test-oidc-client';
import { installNodeTcpServerSocket } from '../../test/support/node-tcp-server-socket';
import { rejectionOf } from '../../test/support/rejection';
import { startTestEntra } from '../../test/support/test-entra';
import { testTls } from '../../test/support/test-tls';
import { openDirectSocketsListener } from './direct-sockets-listener';
import { LoopbackTokenSource, type LoopbackDeps } from './loopback-token-source';
import { GRAPH_SCOPES } from './operator-roles';

const IWA_ORIGIN = 'isolated-app://f6gmkrva6n2sn5z4k2u7kayzdgszkkvuksbsyl2csasxxuwb2lcqaaac';

let uninstall: () => void;
let spaLoopback: EntraEmulator & { port: number };
let nativeLoopback: EntraEmulator & { port: number };

beforeAll(async () => {
  uninstall = installNodeTcpServerSocket();
  // The registration the installed app needs (README): http://localhost under single-page application.
  spaLoopback = await startTestEntra(testTls(), { spaRedirectUris: ['http://localhost'] });
  // The registration a desktop app would have: http://localhost under mobile and desktop applications.
  nativeLoopback = await startTestEntra(testTls(), {
    spaRedirectUris: [],
    publicClientRedirectUris: ['http://localhost'],
  });
});
afterAll(async () => {
  uninstall?.();
  await spaLoopback?.close();
  await nativeLoopback?.close();
});

/** `fetch` as the app's page makes it: cross-origin, so the browser adds the app's `Origin`. */
const pageFetch: typeof fetch = (input, init) =>
  fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), origin: IWA_ORIGIN } });

/** What the operator's browser tab does with the authorization URL; records what the loopback answered. */
function browserTab(
  account: RegExp,
  seen: { status?: number; page?: string; url?: string },
  action: 'choose' | 'cancel' = 'choose',
) {
  return (url: string) => {
    void (async () => {
      const tab = new OidcTestClient(testTls().caPem, 'http://localhost:');
      const toLogin = await tab.get(url);
      const loginUrl = new URL(String(toLogin.headers.location), url).href;
      const page = await tab.get(loginUrl);
      const chosen =
        action === 'choose'
          ? await tab.chooseAccount(loginUrl, page, account)
          : await tab.post(loginUrl, { action: 'cancel' });
      seen.url = await tab.followToRedirect(new URL(String(chosen.headers.location), loginUrl).href);
      // A stray request first (another state): answered, and the sign-in keeps waiting.
      const stray = new URL(seen.url);
      stray.searchParams.set('state', 'not-this-one');
      expect((await fetch(stray)).status).toBe(400);
      const res = await fetch(seen.url);
      seen.status = res.status;
      seen.page = await res.text();
    })();
  };
}

function source(
  emulator: EntraEmulator & { port: number },
  openBrowser: LoopbackDeps['openBrowser'],
  timeoutMs?: number,
) {
  const settings = {
    tenantId: DEMO_TENANT_ID,
    clientId: DEMO_SPA_CLIENT_ID,
    authorityHost: `localhost:${emulator.port}`,
    graphBaseUrl: emulator.graphBaseUrl,
    relayScope: `api://${DEMO_RELAY_CLIENT_ID}/Mail.Send`,
  };
  return new LoopbackTokenSource(settings, {
    openListener: openDirectSocketsListener,
    openBrowser,
    fetch: pageFetch,
    timeoutMs,
  });
}

describe('loopback sign-in with http://localhost registered as a single-page application', () => {
  it('signs Aisha in through the loopback redirect and gets Graph and relay tokens by refresh', async () => {
    const seen: { status?: number; page?: string; url?: string } = {};
    const tokens = source(spaLoopback, browserTab(/Aisha Operator/, seen));
    const account = await tokens.signIn();
    expect(account).toMatchObject({ name: 'Aisha Operator', tenantId: DEMO_TENANT_ID });
    expect(account.objectId).toBe(spaLoopback.tenant.byDisplayName('Aisha Operator').id);
    expect(seen.url).toMatch(/^http:\/\/localhost:\d+\/\?code=/);
    expect(seen.status).toBe(200);
    expect(seen.page).toContain('Close this tab');

    const graph = decodeJwt(await tokens.getAccessToken([GRAPH_SCOPES.USER_READ_ALL, GRAPH_SCOPES.TAP_READ_WRITE_ALL]));
    expect(graph.aud).toBe('https://graph.microsoft.com');
    expect(String(graph.scp).split(' ')).toContain('UserAuthMethod-TAP.ReadWrite.All');
    const relay = decodeJwt(await tokens.getAccessToken([`api://${DEMO_RELAY_CLIENT_ID}/Mail.Send`]));
    expect(relay.aud).toBe(DEMO_RELAY_CLIENT_ID);
    expect(tokens.currentAccount()?.username).toBe(account.username);

    await tokens.signOut();
    expect(tokens.currentAccount()).toBeNull();
    expect((await rejectionOf(tokens.getAccessToken(['User.Read']))).code).toBe('NOT_SIGNED_IN');
  });

  it('reports a cancelled sign-in as ACCESS_DENIED', async () => {
    const seen = {};
    const e = await rejectionOf(source(spaLoopback, browserTab(/Aisha/, seen, 'cancel')).signIn());
    expect(e).toMatchObject({ layer: 'entra', code: 'ACCESS_DENIED', fields: { oauthError: 'access_denied' } });
  });

  it('gives up when no redirect arrives, and frees the port', async () => {
    let opened = '';
    const e = await rejectionOf(source(spaLoopback, (url) => (opened = url), 300).signIn());
    expect(e).toMatchObject({ code: 'SIGN_IN_TIMED_OUT', fields: { timeoutSeconds: 0.3 } });
    const redirect = new URL(new URL(opened).searchParams.get('redirect_uri')!);
    expect(redirect.hostname).toBe('localhost');
    await expect(fetch(redirect)).rejects.toThrow();
  });
});

describe('loopback sign-in with http://localhost registered under mobile and desktop applications', () => {
  it("is refused at redemption with AADSTS9002326, because a page's fetch carries Origin", async () => {
    const seen = {};
    const e = await rejectionOf(source(nativeLoopback, browserTab(/Aisha Operator/, seen)).signIn());
    expect(e).toMatchObject({ layer: 'entra', code: 'LOOPBACK_REDIRECT_PLATFORM', fields: { aadsts: 9002326 } });
  });
});
