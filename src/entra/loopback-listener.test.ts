import { describe, expect, it } from 'vitest';
import { formatResponse, parseRequestHead } from './loopback-listener';
import { authorizeUrl, pkceChallenge } from './loopback-sign-in';

describe('the loopback listener HTTP/1.1 (RFC 9112)', () => {
  it('reads the request line once the head is complete, and only an origin-form HTTP/1.x one', () => {
    expect(parseRequestHead('GET /?code=a&state=b HTTP/1.1\r\nHost: localhost:5000\r\n')).toBeUndefined();
    expect(parseRequestHead('GET /?code=a&state=b HTTP/1.1\r\nHost: localhost:5000\r\n\r\n')).toEqual({
      method: 'GET',
      target: '/?code=a&state=b',
    });
    expect(parseRequestHead('GET http://evil/ HTTP/1.1\r\n\r\n')).toBeUndefined();
    expect(parseRequestHead('\u0016\u0003\u0001 TLS hello\r\n\r\n')).toBeUndefined();
  });

  it('answers with a length, no script or referrer, no caching, and closes', () => {
    const text = new TextDecoder().decode(formatResponse(200, '<p>é</p>'));
    const [head, body] = text.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head).toContain('Content-Length: 9'); // bytes, not characters
    expect(head).toContain("Content-Security-Policy: default-src 'none'");
    expect(head).toContain('Referrer-Policy: no-referrer');
    expect(head).toContain('Cache-Control: no-store');
    expect(head).toContain('Connection: close');
    expect(body).toBe('<p>é</p>');
  });
});

describe('the authorization request', () => {
  it('computes the S256 challenge of RFC 7636 Appendix B', async () => {
    expect(await pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('asks for a code by query to the loopback redirect URI, with PKCE, state, nonce and prompt', () => {
    const url = new URL(
      authorizeUrl('https://login.microsoftonline.com/t/oauth2/v2.0/authorize', {
        clientId: 'c',
        redirectUri: 'http://localhost:51000/',
        scope: 'openid profile offline_access',
        state: 's',
        nonce: 'n',
        challenge: 'x',
        prompt: 'select_account',
      }),
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'c',
      response_type: 'code',
      response_mode: 'query',
      redirect_uri: 'http://localhost:51000/',
      scope: 'openid profile offline_access',
      state: 's',
      nonce: 'n',
      code_challenge: 'x',
      code_challenge_method: 'S256',
      prompt: 'select_account',
    });
  });
});
