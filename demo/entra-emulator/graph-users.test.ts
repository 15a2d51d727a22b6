/**
 * Graph users subset over https with minted tokens: /me, /users/{id|upn}, $search + ConsistencyLevel,
 * $select, paging, scope rules. Shapes follow Graph's user-list.md
 * (Examples 6 and 7) and concepts/aad-advanced-queries.md.
 */
import { describe, expect, it } from 'vitest';
import { errorOf, useGraphFixture } from './test-graph-client';

const fx = useGraphFixture();

const EVENTUAL = { consistencylevel: 'eventual' };

describe('GET /me and /users/{id | userPrincipalName}', () => {
  it('returns the caller with the default property set', async () => {
    const res = await fx().graph('/v1.0/me', { scopes: ['User.Read'] });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      displayName: 'Aisha Operator',
      mail: 'aisha.operator@contoso.example',
      id: fx().idOf('Aisha Operator'),
    });
    expect(res.json).not.toHaveProperty('accountEnabled');
    expect(res.json['@odata.context']).toBe(`${fx().emulator.graphBaseUrl}/v1.0/$metadata#users/$entity`);
  });

  it('finds a user by UPN (alternate key) with $select', async () => {
    const res = await fx().graph(
      `/v1.0/users/${encodeURIComponent('ben.member@contoso.example')}?$select=id,displayName,otherMails,userType,accountEnabled`,
    );
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      '@odata.context': expect.any(String),
      id: fx().idOf('Ben Member'),
      displayName: 'Ben Member',
      otherMails: ['ben.member@personal.example'],
      userType: 'Member',
      accountEnabled: true,
    });
  });

  it('leaves otherMails out with only User.ReadBasic.All', async () => {
    const res = await fx().graph(`/v1.0/users/${fx().idOf('Ben Member')}?$select=displayName,otherMails,mail`, {
      scopes: ['User.ReadBasic.All'],
    });
    expect(res.status).toBe(200);
    expect(res.json.displayName).toBe('Ben Member');
    expect(res.json.mail).toBe('ben.member@contoso.example');
    expect(res.json).not.toHaveProperty('otherMails');
  });

  it('answers 404 Request_ResourceNotFound for an unknown user', async () => {
    const res = await fx().graph('/v1.0/users/00000000-0000-0000-0000-000000000000');
    expect(res.status).toBe(404);
    expect(errorOf(res).code).toBe('Request_ResourceNotFound');
  });

  it('answers 400 for an unknown $select property', async () => {
    const res = await fx().graph('/v1.0/me?$select=shoeSize');
    expect(res.status).toBe(400);
    expect(errorOf(res)).toMatchObject({
      code: 'Request_BadRequest',
      message: "Could not find a property named 'shoeSize' on type 'microsoft.graph.user'.",
    });
  });

  it('refuses another user without a directory read scope (403 Authorization_RequestDenied naming the scopes)', async () => {
    const res = await fx().graph(`/v1.0/users/${fx().idOf('Ben Member')}`, { scopes: ['User.Read'] });
    expect(res.status).toBe(403);
    const err = errorOf(res);
    expect(err.code).toBe('Authorization_RequestDenied');
    expect(err.message).toContain('User.ReadBasic.All');
    expect(err.message).toContain('User.Read.All');
  });
});

describe('GET /users with $search', () => {
  it("refuses $search without ConsistencyLevel: eventual, in Graph's words and envelope", async () => {
    const res = await fx().graph('/v1.0/users?$search="displayName:wa"', {
      headers: { 'client-request-id': 'c0ffee00-0000-4000-8000-000000000001' },
    });
    expect(res.status).toBe(400);
    const err = errorOf(res);
    expect(err.code).toBe('Request_UnsupportedQuery');
    expect(err.message).toBe(
      "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
    );
    expect(Object.keys(err.innerError).sort()).toEqual(['client-request-id', 'date', 'request-id']);
    expect(err.innerError['client-request-id']).toBe('c0ffee00-0000-4000-8000-000000000001');
    expect(err.innerError.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(err.innerError['request-id']).toBe(res.headers['request-id']);
  });

  it('matches word prefixes with OR across properties and counts with $count', async () => {
    const q = encodeURIComponent('"displayName:wa" OR "mail:ada"');
    const res = await fx().graph(`/v1.0/users?$search=${q}&$count=true&$orderby=displayName&$select=displayName,mail`, {
      headers: EVENTUAL,
    });
    expect(res.status).toBe(200);
    const names = (res.json.value as { displayName: string }[]).map((u) => u.displayName);
    expect(names).toEqual(['Ada Admin', 'Oscar Ward', 'Wanda Adams', 'Zoe Walsh']);
    expect(res.json['@odata.count']).toBe(4);
    expect(res.json['@odata.context']).toBe(`${fx().emulator.graphBaseUrl}/v1.0/$metadata#users(displayName,mail)`);
  });

  it('finds the guest by its home mail', async () => {
    const q = encodeURIComponent('"mail:gary.guest@fabrikam"');
    const res = await fx().graph(`/v1.0/users?$search=${q}&$select=userPrincipalName,userType`, { headers: EVENTUAL });
    expect(res.json.value).toEqual([
      { userPrincipalName: 'gary.guest_fabrikam.example#EXT#@contoso.example', userType: 'Guest' },
    ]);
  });

  it('pages with $top and @odata.nextLink until every user was seen once', async () => {
    const seen: string[] = [];
    let path: string | undefined = '/v1.0/users?$top=7&$select=id';
    let pages = 0;
    while (path) {
      const res = await fx().graph(path);
      expect(res.status).toBe(200);
      pages += 1;
      seen.push(...(res.json.value as { id: string }[]).map((u) => u.id));
      const next = res.json['@odata.nextLink'] as string | undefined;
      if (next) expect(next.startsWith(`${fx().emulator.graphBaseUrl}/v1.0/users?`)).toBe(true);
      path = next?.slice(fx().emulator.graphBaseUrl.length);
    }
    expect(pages).toBe(Math.ceil(fx().emulator.tenant.users.length / 7));
    expect(new Set(seen).size).toBe(fx().emulator.tenant.users.length);
    expect(seen.length).toBe(fx().emulator.tenant.users.length);
  });

  it('rejects $top out of 1..999 and a forged skip token', async () => {
    expect(errorOf(await fx().graph('/v1.0/users?$top=1000')).code).toBe('Request_BadRequest');
    expect(errorOf(await fx().graph('/v1.0/users?$skiptoken=not-a-token')).code).toBe('Request_BadRequest');
  });
});
