/**
 * Cross-cutting Graph behaviour over https: bearer-token validation (401 InvalidAuthenticationToken,
 * including a relay token sent to Graph), the 429 switch, CORS for the SPA origin, unknown routes, and
 * logs that never carry tokens.
 */
import { SignJWT, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { DEMO_RELAY_CLIENT_ID } from './index';
import { corsPreflight } from './test-https';
import { errorOf, SPA_ORIGIN, useGraphFixture } from './test-graph-client';

const fx = useGraphFixture();

describe('bearer tokens', () => {
  it('answers 401 "Access token is empty." without a token', async () => {
    const res = await fx().graph('/v1.0/me', { token: null });
    expect(res.status).toBe(401);
    expect(errorOf(res)).toMatchObject({ code: 'InvalidAuthenticationToken', message: 'Access token is empty.' });
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('refuses a relay token (wrong audience) with 401', async () => {
    const token = await fx().mint('Aisha Operator', 'relay', ['Mail.Send']);
    const res = await fx().graph('/v1.0/me', { token });
    expect(res.status).toBe(401);
    expect(errorOf(res)).toMatchObject({
      code: 'InvalidAuthenticationToken',
      message: 'Access token validation failure. Invalid audience.',
    });
  });

  it('refuses an expired token', async () => {
    const token = await fx().mint('Aisha Operator', 'graph', ['User.Read'], -120);
    const res = await fx().graph('/v1.0/me', { token });
    expect(res.status).toBe(401);
    expect(errorOf(res).message).toBe('Lifetime validation failed, the token is expired.');
  });

  it('refuses a token signed by another key', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const good = await fx().mint('Aisha Operator', 'graph', ['User.Read']);
    const claims = JSON.parse(atob(good.split('.')[1] ?? '')) as Record<string, unknown>;
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(privateKey);
    const res = await fx().graph('/v1.0/me', { token: forged });
    expect(res.status).toBe(401);
    expect(errorOf(res).code).toBe('InvalidAuthenticationToken');
  });

  it("mints relay tokens in Entra's shape", async () => {
    const token = await fx().mint('Priya Privileged', 'relay', ['Mail.Send']);
    const [header, payload] = token
      .split('.')
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>);
    expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toMatchObject({
      aud: DEMO_RELAY_CLIENT_ID,
      iss: fx().emulator.issuer,
      ver: '2.0',
      scp: 'Mail.Send',
      roles: ['Keyward.Operator'],
      oid: fx().idOf('Priya Privileged'),
      name: 'Priya Privileged',
      preferred_username: 'priya.privileged@contoso.example',
    });
  });
});

describe('429 switch', () => {
  it('throttles the next N requests with Retry-After and TooManyRequests, readable cross-origin', async () => {
    fx().emulator.control.inject429(2, 7);
    for (let i = 0; i < 2; i += 1) {
      const res = await fx().graph('/v1.0/me', { headers: { origin: SPA_ORIGIN } });
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBe('7');
      expect(errorOf(res).code).toBe('TooManyRequests');
      expect(res.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
      expect(String(res.headers['access-control-expose-headers'])).toMatch(/Retry-After/i);
    }
    expect((await fx().graph('/v1.0/me')).status).toBe(200);
  });
});

describe('CORS and routing', () => {
  it("answers the SPA origin's preflight with the headers Graph clients send", async () => {
    const res = await corsPreflight(
      `${fx().emulator.graphBaseUrl}/v1.0/users`,
      fx().ca,
      SPA_ORIGIN,
      'GET',
      'authorization,consistencylevel,client-request-id,content-type',
    );
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
    const allowed = String(res.headers['access-control-allow-headers']).toLowerCase();
    for (const h of ['authorization', 'consistencylevel', 'client-request-id', 'content-type'])
      expect(allowed).toContain(h);
  });

  it('gives no CORS grant to another origin', async () => {
    const res = await fx().graph('/v1.0/me', { headers: { origin: 'https://evil.example' } });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers 400 BadRequest for an unknown segment, in the envelope', async () => {
    const res = await fx().graph('/v1.0/nonsense');
    expect(res.status).toBe(400);
    expect(errorOf(res).code).toBe('BadRequest');
  });

  it('never logs tokens', async () => {
    const token = await fx().mint('Aisha Operator', 'graph', ['User.Read']);
    await fx().graph('/v1.0/me', { token });
    expect(fx().logLines.some((l) => l.includes('GET /graph/v1.0/me 200'))).toBe(true);
    expect(fx().logLines.join('\n')).not.toContain(token.slice(0, 40));
  });
});
