/**
 * The Entra emulator as tests start it: the demo tenant and its app registrations, on https at a free
 * loopback port (the issuer names its port, so the emulator cannot simply listen on port 0).
 */
import {
  DEMO_RELAY_CLIENT_ID,
  DEMO_SPA_CLIENT_ID,
  DEMO_TENANT_ID,
  startEntraEmulator,
  type EntraEmulator,
  type EntraEmulatorOptions,
} from '../../demo/entra-emulator/index';
import type { LocalTls } from '../../demo/local-tls';
import { createGraphTransport, type GraphTransport } from '../../src/entra/graph-adapter';
import { freePort } from './free-port';

/** What a test may change; the tenant, the client ids and the origin are the emulator's defaults. */
export type TestEntraOptions = Partial<
  Pick<
    EntraEmulatorOptions,
    'spaRedirectUris' | 'publicClientRedirectUris' | 'webRedirectUris' | 'allowPublicClientFlows' | 'log'
  >
> & { host?: string };

/** Starts the emulator with `tls`'s server certificate; SPA redirect URI `http://localhost:8080/…` unless given. */
export async function startTestEntra(
  tls: LocalTls,
  options: TestEntraOptions = {},
): Promise<EntraEmulator & { port: number }> {
  const port = await freePort();
  return startEntraEmulator({
    origin: `https://localhost:${port}`,
    port,
    tenantId: DEMO_TENANT_ID,
    spaClientId: DEMO_SPA_CLIENT_ID,
    spaRedirectUris: ['http://localhost:8080/auth-redirect.html'],
    relayClientId: DEMO_RELAY_CLIENT_ID,
    ...options,
    tls: { cert: tls.certPem, key: tls.keyPem },
  });
}

/**
 * Graph through the real client against `emulator`, as the seeded operator `displayName` with the
 * delegated scopes the TAP work needs (reading users, creating and removing their passes).
 */
export function tapGraphAs(emulator: EntraEmulator, displayName: string): GraphTransport {
  const operator = emulator.tenant.byDisplayName(displayName);
  return createGraphTransport({
    baseUrl: emulator.graphBaseUrl,
    getToken: () =>
      emulator.control.mintAccessToken({
        userId: operator.id,
        audience: 'graph',
        scopes: ['User.Read.All', 'UserAuthMethod-TAP.ReadWrite.All'],
      }),
  });
}
