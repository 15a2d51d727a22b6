/**
 * Batch TAP's Graph surface over https with minted tokens: `$batch` (per-item status, headers and body;
 * the 20-request limit), the identity write quota (429 with Retry-After per item and per request),
 * per-item throttling, a create that lands and then times out, transitive group members with paging
 * and `$select`, and a user's directory roles.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GRAPH_WRITE_QUOTA, HAS_PASS_MEMBER, NO_MAIL_MEMBER, ONBOARDING_GROUP_ID } from './index';
import { errorOf, startGraphFixture, type GraphFixture } from './test-graph-client';

let fx: GraphFixture;
beforeAll(async () => {
  fx = await startGraphFixture();
});
afterAll(async () => {
  await fx.close();
});
afterEach(() => {
  fx.emulator.control.setWriteQuota(GRAPH_WRITE_QUOTA);
});

interface ItemResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: Record<string, unknown> & { error?: { code: string; message: string } };
}

const tapUrl = (userId: string) => `/users/${userId}/authentication/temporaryAccessPassMethods`;
const create = (id: string, userId: string) => ({
  id,
  method: 'POST',
  url: tapUrl(userId),
  headers: { 'Content-Type': 'application/json' },
  body: {},
});

async function batch(requests: unknown[]): Promise<{ status: number; responses: ItemResponse[]; raw: unknown }> {
  const res = await fx.graph('/v1.0/$batch', {
    method: 'POST',
    body: { requests },
    headers: { 'x-ms-throttle-priority': 'high' },
  });
  return { status: res.status, responses: (res.json.responses ?? []) as ItemResponse[], raw: res.json };
}

const byId = (responses: ItemResponse[], id: string) => responses.find((r) => r.id === id)!;

describe('$batch', () => {
  it('answers 200 with each item’s own status, headers and body', async () => {
    const ben = fx.idOf('Ben Member');
    const { status, responses } = await batch([
      create('1', ben),
      { id: '2', method: 'GET', url: tapUrl(fx.idOf('Carla Mendes')) },
      { id: '3', method: 'GET', url: '/users/nobody@contoso.example' },
    ]);
    expect(status).toBe(200);
    expect(responses.map((r) => r.id).sort()).toEqual(['1', '2', '3']);
    const created = byId(responses, '1');
    expect(created.status).toBe(201);
    expect(created.headers['Content-Type']).toMatch(/^application\/json/);
    expect(created.body?.temporaryAccessPass).toBe(fx.emulator.control.tapFor(ben)!.temporaryAccessPass);
    expect(byId(responses, '2')).toMatchObject({ status: 200, body: { value: [] } });
    expect(byId(responses, '3').status).toBe(404);
    expect(byId(responses, '3').body?.error?.code).toBe('Request_ResourceNotFound');
  });

  it('refuses more than 20 requests, duplicate ids and a body without Content-Type as a whole', async () => {
    const many = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/me' }));
    const tooMany = await batch(many);
    expect(tooMany.status).toBe(400);
    expect((tooMany.raw as { error: { message: string } }).error.message).toContain('limit is 20');
    expect(
      (
        await batch([
          { id: 'a', method: 'GET', url: '/me' },
          { id: 'a', method: 'GET', url: '/me' },
        ])
      ).status,
    ).toBe(400);
    const untyped = await batch([{ id: '1', method: 'POST', url: tapUrl(fx.idOf('Ben Member')), body: {} }]);
    expect(untyped.status).toBe(400);
    expect(fx.emulator.control.writeStats().accepted).toBe(0);
  });

  it('throttles single items with Retry-After while the batch itself answers 200', async () => {
    fx.emulator.control.inject429Items(2, 3);
    const ids = ['Ben Member', 'Carla Mendes', 'Dmitri Volkov'].map((n) => fx.idOf(n));
    const { status, responses } = await batch(ids.map((u, i) => ({ id: String(i), method: 'GET', url: tapUrl(u) })));
    expect(status).toBe(200);
    expect(responses.map((r) => r.status)).toEqual([429, 429, 200]);
    expect(responses[0]!.headers['Retry-After']).toBe('3');
    expect(responses[0]!.body?.error?.code).toBe('TooManyRequests');
  });

  it('lands a create whose answer then times out (504): the pass exists', async () => {
    const elena = fx.idOf('Elena Rossi');
    fx.emulator.control.timeoutAfterCreate(elena);
    const { responses } = await batch([create('1', elena), create('2', fx.idOf('Farid Haddad'))]);
    expect(byId(responses, '1').status).toBe(504);
    expect(byId(responses, '1').body?.error?.code).toBe('GatewayTimeout');
    expect(JSON.stringify(byId(responses, '1'))).not.toContain(fx.emulator.control.tapFor(elena)!.temporaryAccessPass);
    expect(byId(responses, '2').status).toBe(201);
    expect(fx.emulator.control.tapFor(elena)).toBeDefined();
  });
});

describe('identity write quota', () => {
  it('lets `limit` writes through per window, then answers 429 with Retry-After per item and per request', async () => {
    fx.emulator.control.setWriteQuota({ limit: 5, windowMs: 1500 });
    const users = fx.emulator.tenant.users.filter((u) => u.department === 'Onboarding').slice(0, 8);
    const { status, responses } = await batch(users.map((u, i) => create(String(i), u.id)));
    expect(status).toBe(200);
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    const refused = responses.filter((r) => r.status === 429);
    expect(refused).toHaveLength(3);
    for (const r of refused) {
      expect(Number(r.headers['Retry-After'])).toBeGreaterThanOrEqual(1);
      expect(Number(r.headers['Retry-After'])).toBeLessThanOrEqual(2);
      expect(fx.emulator.control.tapFor(users[Number(r.id)]!.id)).toBeUndefined();
    }
    const single = await fx.graph(`/v1.0${tapUrl(users[7]!.id)}`, { method: 'POST', body: {} });
    expect(single.status).toBe(429);
    expect(errorOf(single).code).toBe('TooManyRequests');
    const wait = Number(single.headers['retry-after']);
    expect(wait).toBeGreaterThanOrEqual(1);
    // Reads are not writes.
    expect((await fx.graph(`/v1.0${tapUrl(users[0]!.id)}`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, wait * 1000));
    expect((await fx.graph(`/v1.0${tapUrl(users[7]!.id)}`, { method: 'POST', body: {} })).status).toBe(201);
    expect(fx.emulator.control.writeStats()).toEqual({ accepted: 6, refused: 4 });
  });
});

describe('groups and roles', () => {
  it('lists 60 transitive members of the onboarding group in pages, with $select', async () => {
    const seen: Record<string, unknown>[] = [];
    let path: string | undefined =
      `/v1.0/groups/${ONBOARDING_GROUP_ID}/transitiveMembers/microsoft.graph.user?$select=id,displayName,mail,userType,accountEnabled&$top=25`;
    let pages = 0;
    while (path) {
      const res = await fx.graph(path);
      expect(res.status).toBe(200);
      seen.push(...(res.json.value as Record<string, unknown>[]));
      const next = res.json['@odata.nextLink'] as string | undefined;
      path = next?.slice(fx.emulator.graphBaseUrl.length);
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(new Set(seen.map((u) => u.id)).size).toBe(60);
    expect(Object.keys(seen[0]!).sort()).toEqual([
      '@odata.type',
      'accountEnabled',
      'displayName',
      'id',
      'mail',
      'userType',
    ]);
    const named = (n: string) => seen.find((u) => u.displayName === n)!;
    expect(named(NO_MAIL_MEMBER).mail).toBeNull();
    expect(named('Gary Guest').userType).toBe('Guest');
    expect(named('Ivan Petrov').accountEnabled).toBe(false);
    const withGroups = await fx.graph(`/v1.0/groups/${ONBOARDING_GROUP_ID}/transitiveMembers?$top=999`);
    const types = (withGroups.json.value as { '@odata.type': string }[]).map((v) => v['@odata.type']);
    expect(types.filter((t) => t === '#microsoft.graph.group')).toHaveLength(1);
  });

  it('refuses group reads without a group permission, and tells a user’s directory roles', async () => {
    const denied = await fx.graph(`/v1.0/groups/${ONBOARDING_GROUP_ID}/transitiveMembers`, {
      scopes: ['User.Read.All'],
    });
    expect(denied.status).toBe(403);
    expect(errorOf(denied).message).toContain('GroupMember.Read.All');
    const roles = await fx.graph(
      `/v1.0/users/${fx.idOf('Ada Admin')}/transitiveMemberOf/microsoft.graph.directoryRole`,
    );
    expect((roles.json.value as { displayName: string }[]).map((r) => r.displayName)).toEqual(['Global Administrator']);
    const none = await fx.graph(
      `/v1.0/users/${fx.idOf('Ben Member')}/transitiveMemberOf/microsoft.graph.directoryRole`,
    );
    expect(none.json.value).toEqual([]);
  });

  it('finds groups by display name with an advanced query, and refuses one without its header', async () => {
    const eventual = { ConsistencyLevel: 'eventual' };
    const found = await fx.graph(`/v1.0/groups?$search=${encodeURIComponent('"displayName:onboarding wave"')}`, {
      headers: eventual,
    });
    expect(found.status).toBe(200);
    expect((found.json.value as { id: string; displayName: string }[]).map((g) => g.displayName)).toEqual([
      'Onboarding wave 1',
      'Onboarding wave 1 contractors',
    ]);
    const none = await fx.graph(`/v1.0/groups?$search=${encodeURIComponent('"displayName:finance"')}`, {
      headers: eventual,
    });
    expect(none.json.value).toEqual([]);
    const plain = await fx.graph(`/v1.0/groups?$search=${encodeURIComponent('"displayName:onboarding"')}`);
    expect(plain.status).toBe(400);
    const denied = await fx.graph('/v1.0/groups', { scopes: ['User.Read.All'], headers: eventual });
    expect(denied.status).toBe(403);
  });

  it('seeds a pass for the member who already has one', () => {
    expect(fx.emulator.control.tapFor(fx.idOf(HAS_PASS_MEMBER))).toMatchObject({ lifetimeInMinutes: 480 });
  });
});
