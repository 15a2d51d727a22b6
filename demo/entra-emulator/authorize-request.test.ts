/**
 * The authorization-request adaptation (why: see authorize-request.ts).
 */
import { describe, expect, it } from 'vitest';
import { adaptAuthorizationRequest, adaptEndSessionRequest } from './authorize-request';
import { DEMO_RELAY_CLIENT_ID, DEMO_SPA_CLIENT_ID, DEMO_TENANT_ID } from './tenant';

const ids = {
  issuer: 'https://localhost:1/x/v2.0',
  tenantId: DEMO_TENANT_ID,
  spaClientId: DEMO_SPA_CLIENT_ID,
  relayClientId: DEMO_RELAY_CLIENT_ID,
};

function adapt(query: Record<string, string>): URLSearchParams {
  return new URL(adaptAuthorizationRequest(ids, `/auth?${new URLSearchParams(query)}`), 'https://h').searchParams;
}

describe('adaptAuthorizationRequest', () => {
  it("adds the SPA's consented Graph and relay permissions and keeps the requested ones", () => {
    const scopes = (adapt({ scope: 'openid https://graph.microsoft.com/User.ReadBasic.All' }).get('scope') ?? '').split(
      ' ',
    );
    expect(scopes).toEqual(
      expect.arrayContaining([
        'openid',
        'https://graph.microsoft.com/User.ReadBasic.All',
        'https://graph.microsoft.com/User.Read',
        'https://graph.microsoft.com/UserAuthMethod-TAP.ReadWrite.All',
        `api://${DEMO_RELAY_CLIENT_ID}/Mail.Send`,
      ]),
    );
  });

  it('leaves out permissions whose admin consent is withheld, unless the request names them itself', () => {
    const withheld = new Set(['UserAuthMethod-TAP.ReadWrite.All']);
    const tap = 'https://graph.microsoft.com/UserAuthMethod-TAP.ReadWrite.All';
    const query = (scope: string) => `/auth?${new URLSearchParams({ scope })}`;
    const signIn = new URL(adaptAuthorizationRequest(ids, query('openid offline_access'), withheld), 'https://h')
      .searchParams;
    const scopes = (signIn.get('scope') ?? '').split(' ');
    expect(scopes).not.toContain(tap);
    expect(scopes).toEqual(
      expect.arrayContaining(['https://graph.microsoft.com/User.Read.All', `api://${DEMO_RELAY_CLIENT_ID}/Mail.Send`]),
    );
    const naming = new URL(adaptAuthorizationRequest(ids, query(`openid ${tap}`), withheld), 'https://h').searchParams;
    expect((naming.get('scope') ?? '').split(' ')).toContain(tap);
  });

  it('asks for consent when offline_access is requested interactively, and maps select_account to login', () => {
    expect(adapt({ scope: 'openid offline_access' }).get('prompt')).toBe('consent');
    expect(adapt({ scope: 'openid offline_access', prompt: 'select_account' }).get('prompt')).toBe('login consent');
    expect(adapt({ scope: 'openid', prompt: 'select_account' }).get('prompt')).toBe('login');
  });

  it('leaves prompt=none alone (silent requests)', () => {
    expect(adapt({ scope: 'openid offline_access', prompt: 'none' }).get('prompt')).toBe('none');
  });
});

describe('adaptEndSessionRequest', () => {
  const endSession = (q: Record<string, string>) =>
    new URL(adaptEndSessionRequest(ids, `/session/end?${new URLSearchParams(q)}`), 'https://h').searchParams;

  it('names the SPA client when MSAL sends only post_logout_redirect_uri', () => {
    expect(endSession({ post_logout_redirect_uri: 'http://localhost:8080/' }).get('client_id')).toBe(
      DEMO_SPA_CLIENT_ID,
    );
  });

  it('keeps requests that identify the client themselves', () => {
    expect(
      endSession({ post_logout_redirect_uri: 'http://localhost:8080/', id_token_hint: 'x' }).has('client_id'),
    ).toBe(false);
    expect(endSession({}).has('client_id')).toBe(false);
  });
});
