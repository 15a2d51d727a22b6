import { describe, expect, it } from 'vitest';
import { matchRedirect, redemptionRefusal, type RegisteredRedirect } from './redirect-platforms';

const REGISTERED: RegisteredRedirect[] = [
  { uri: 'https://keyward.example.com/auth-redirect.html', platform: 'spa' },
  { uri: 'http://localhost', platform: 'publicClient' },
  { uri: 'http://127.0.0.1/callback', platform: 'spa' },
  { uri: 'https://keyward.example.com/signin-oidc', platform: 'web' },
];

describe('redirect URI matching (Entra: exact, loopback port ignored)', () => {
  it('matches an https redirect URI exactly and nothing else', () => {
    expect(matchRedirect(REGISTERED, 'https://keyward.example.com/auth-redirect.html')?.platform).toBe('spa');
    expect(matchRedirect(REGISTERED, 'https://keyward.example.com:8443/auth-redirect.html')).toBeUndefined();
    expect(matchRedirect(REGISTERED, 'https://keyward.example.com/Auth-Redirect.html')).toBeUndefined();
  });

  it('ignores the port of http://localhost, and a URI registered without a path is the path /', () => {
    expect(matchRedirect(REGISTERED, 'http://localhost:51234/')?.platform).toBe('publicClient');
    expect(matchRedirect(REGISTERED, 'http://localhost:8080')?.platform).toBe('publicClient');
    expect(matchRedirect(REGISTERED, 'http://localhost:51234/other')).toBeUndefined();
  });

  it('keeps localhost and 127.0.0.1 apart, and ignores the port of 127.0.0.1 too', () => {
    expect(matchRedirect(REGISTERED, 'http://127.0.0.1:40000/callback')?.platform).toBe('spa');
    expect(matchRedirect(REGISTERED, 'http://127.0.0.1:40000/')).toBeUndefined();
    expect(matchRedirect(REGISTERED, 'http://localhost:40000/callback')).toBeUndefined();
  });

  it('does not support the IPv6 loopback, and keeps the port for https://localhost', () => {
    const withV6: RegisteredRedirect[] = [
      { uri: 'http://[::1]/', platform: 'publicClient' },
      { uri: 'https://localhost/', platform: 'spa' },
    ];
    expect(matchRedirect(withV6, 'http://[::1]:5000/')).toBeUndefined();
    expect(matchRedirect(withV6, 'https://localhost:5000/')).toBeUndefined();
  });
});

describe('token redemption by platform (AADSTS9002326, AADSTS9002327, AADSTS7000218)', () => {
  const base = { clientCredential: false, allowPublicClientFlows: false };

  it('SPA: redeemed cross-origin only; without Origin AADSTS9002327', () => {
    expect(redemptionRefusal({ ...base, platform: 'spa', origin: 'isolated-app://abc' })).toBeUndefined();
    expect(redemptionRefusal({ ...base, platform: 'spa' })).toMatchObject({
      status: 400,
      error: 'invalid_request',
      code: 9002327,
    });
  });

  it('mobile and desktop (public client): redeemed without Origin; with Origin AADSTS9002326 naming it', () => {
    expect(redemptionRefusal({ ...base, platform: 'publicClient' })).toBeUndefined();
    const refused = redemptionRefusal({ ...base, platform: 'publicClient', origin: 'isolated-app://abc' });
    expect(refused).toMatchObject({ status: 400, error: 'invalid_request', code: 9002326 });
    expect(refused?.description).toContain("Request origin: 'isolated-app://abc'");
  });

  it('web: needs a client secret unless public client flows are allowed; never cross-origin', () => {
    expect(redemptionRefusal({ ...base, platform: 'web' })).toMatchObject({ status: 401, code: 7000218 });
    expect(redemptionRefusal({ ...base, platform: 'web', clientCredential: true })).toBeUndefined();
    expect(redemptionRefusal({ ...base, platform: 'web', allowPublicClientFlows: true })).toBeUndefined();
    expect(
      redemptionRefusal({ ...base, platform: 'web', allowPublicClientFlows: true, origin: 'http://localhost:3000' }),
    ).toMatchObject({ code: 9002326 });
  });
});
