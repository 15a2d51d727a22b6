/**
 * Browser side of msal-browser.test.ts: real MSAL v5 configured as the Keyward SPA will be
 * (ProtocolMode.OIDC, knownAuthorities, Keyward's redirect bridge page), exposed as `window.signInAndCall`.
 */
import { createStandardPublicClientApplication, ProtocolMode } from '@azure/msal-browser';

/** What the test passes in. */
export interface FixtureInput {
  authority: string;
  knownAuthority: string;
  clientId: string;
  graphScopes: string[];
  relayScopes: string[];
  graphBaseUrl: string;
}

async function signInAndCall(input: FixtureInput) {
  const pca = await createStandardPublicClientApplication({
    auth: {
      clientId: input.clientId,
      authority: input.authority,
      knownAuthorities: [input.knownAuthority],
      redirectUri: `${location.origin}/auth-redirect.html`,
    },
    system: { protocolMode: ProtocolMode.OIDC },
    cache: { cacheLocation: 'sessionStorage' },
  });
  const login = await pca.loginPopup({ scopes: input.graphScopes });
  const account = login.account;
  const relay = await pca.acquireTokenSilent({ scopes: input.relayScopes, account });
  const graph = await pca.acquireTokenSilent({ scopes: ['https://graph.microsoft.com/User.Read.All'], account });
  const search = await fetch(
    `${input.graphBaseUrl}/v1.0/users?$search=${encodeURIComponent('"displayName:wa"')}&$select=displayName`,
    {
      headers: {
        Authorization: `Bearer ${graph.accessToken}`,
        ConsistencyLevel: 'eventual',
        'client-request-id': crypto.randomUUID(),
      },
    },
  );
  return {
    username: account.username,
    idTokenClaims: login.idTokenClaims,
    graphToken: login.accessToken,
    relayToken: relay.accessToken,
    searchStatus: search.status,
    searchBody: (await search.json()) as unknown,
  };
}

(window as unknown as { signInAndCall: typeof signInAndCall }).signInAndCall = signInAndCall;
