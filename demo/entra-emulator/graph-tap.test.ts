/**
 * Temporary Access Pass routes over https with minted tokens: create / replace / read (code null) /
 * delete, lifetime bounds (Graph's 10..43200 and the policy's), policy defaults and state, guest
 * refusal, every role rule including self. Shapes follow examples.md §1–§4 and §7.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TAP_POLICY } from './index';
import { errorOf, useGraphFixture } from './test-graph-client';

const fx = useGraphFixture((f) => f.emulator.control.setTapPolicy({ ...DEFAULT_TAP_POLICY }));

const tapPath = (userId: string) => `/v1.0/users/${userId}/authentication/temporaryAccessPassMethods`;
const TAP_KEYS = [
  '@odata.context',
  '@odata.type',
  'createdDateTime',
  'id',
  'isUsable',
  'isUsableOnce',
  'lifetimeInMinutes',
  'methodUsabilityReason',
  'startDateTime',
  'temporaryAccessPass',
];

describe('TAP create, read, replace, delete', () => {
  it('creates a pass with the documented shape and policy defaults; the code is only in the POST response', async () => {
    const ben = fx().idOf('Ben Member');
    const created = await fx().graph(tapPath(ben), { method: 'POST', body: {} });
    expect(created.status).toBe(201);
    expect(Object.keys(created.json).sort()).toEqual(TAP_KEYS);
    expect(created.json).toMatchObject({
      '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
      lifetimeInMinutes: DEFAULT_TAP_POLICY.defaultLifetimeInMinutes,
      isUsableOnce: false,
      isUsable: true,
      methodUsabilityReason: 'EnabledByPolicy',
    });
    const code = created.json.temporaryAccessPass as string;
    expect(code).toMatch(/^[A-HJ-NP-Za-km-np-z2-9]{8}$/);
    expect(fx().emulator.control.tapFor(ben)).toMatchObject({ id: created.json.id, temporaryAccessPass: code });
    expect(fx().logLines.join('\n')).not.toContain(code);

    const list = await fx().graph(tapPath(ben));
    expect(list.status).toBe(200);
    expect(list.json['@odata.context']).toBe(
      `${fx().emulator.graphBaseUrl}/v1.0/$metadata#users('${ben}')/authentication/temporaryAccessPassMethods`,
    );
    const [item] = list.json.value as Record<string, unknown>[];
    expect(item).toMatchObject({ id: created.json.id, temporaryAccessPass: null, lifetimeInMinutes: 60 });
    const one = await fx().graph(`${tapPath(ben)}/${String(created.json.id)}`);
    expect(one.json.temporaryAccessPass).toBeNull();
  });

  it('replaces the existing pass on a second POST (one per user)', async () => {
    const carla = fx().idOf('Carla Mendes');
    const first = await fx().graph(tapPath(carla), { method: 'POST', body: { lifetimeInMinutes: 120 } });
    const second = await fx().graph(tapPath(carla), {
      method: 'POST',
      body: { lifetimeInMinutes: 90, isUsableOnce: true },
    });
    expect(second.status).toBe(201);
    expect(second.json.id).not.toBe(first.json.id);
    const list = await fx().graph(tapPath(carla));
    expect(list.json.value).toHaveLength(1);
    expect((list.json.value as Record<string, unknown>[])[0]).toMatchObject({
      id: second.json.id,
      lifetimeInMinutes: 90,
      isUsableOnce: true,
    });
    const stale = await fx().graph(`${tapPath(carla)}/${String(first.json.id)}`);
    expect(stale.status).toBe(404);
  });

  it('reports NotYetValid for a future start (examples.md §1)', async () => {
    const start = new Date(Date.now() + 3_600_000).toISOString();
    const res = await fx().graph(tapPath(fx().idOf('Dmitri Volkov')), {
      method: 'POST',
      body: { startDateTime: start, lifetimeInMinutes: 60 },
    });
    expect(res.json).toMatchObject({ startDateTime: start, isUsable: false, methodUsabilityReason: 'NotYetValid' });
  });

  it('deletes with 204 and then lists none', async () => {
    const elena = fx().idOf('Elena Rossi');
    const created = await fx().graph(tapPath(elena), { method: 'POST', body: {} });
    const del = await fx().graph(`${tapPath(elena)}/${String(created.json.id)}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect((await fx().graph(tapPath(elena))).json.value).toEqual([]);
    expect(fx().emulator.control.tapFor(elena)).toBeUndefined();
    expect((await fx().graph(`${tapPath(elena)}/${String(created.json.id)}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('refuses unknown body properties and wrong types', async () => {
    const farid = tapPath(fx().idOf('Farid Haddad'));
    expect(errorOf(await fx().graph(farid, { method: 'POST', body: { code: 'x' } })).code).toBe('badRequest');
    expect(errorOf(await fx().graph(farid, { method: 'POST', body: { lifetimeInMinutes: '60' } })).code).toBe(
      'badRequest',
    );
    expect(errorOf(await fx().graph(farid, { method: 'POST', body: { isUsableOnce: 'yes' } })).code).toBe('badRequest');
  });
});

describe('TAP lifetime and policy', () => {
  const hana = () => tapPath(fx().idOf('Hana Sato'));
  const lifetime = (n: number) => fx().graph(hana(), { method: 'POST', body: { lifetimeInMinutes: n } });

  it("enforces the policy bounds (60..480 by default) with Graph's message", async () => {
    for (const bad of [59, 481]) {
      const res = await lifetime(bad);
      expect(res.status).toBe(400);
      expect(errorOf(res)).toMatchObject({
        code: 'badRequest',
        message: 'Invalid LifetimeInMinutes specified. The valid range between 60 and 480.',
      });
    }
    expect((await lifetime(60)).status).toBe(201);
    expect((await lifetime(480)).status).toBe(201);
  });

  it("enforces Graph's absolute 10..43200 even when the policy is wider", async () => {
    fx().emulator.control.setTapPolicy({ minimumLifetimeInMinutes: 1, maximumLifetimeInMinutes: 100_000 });
    expect(errorOf(await lifetime(9)).message).toBe(
      'Invalid LifetimeInMinutes specified. The valid range between 10 and 43200.',
    );
    expect((await lifetime(43_201)).status).toBe(400);
    expect((await lifetime(10)).status).toBe(201);
    expect((await lifetime(43_200)).status).toBe(201);
  });

  it('applies defaultLength and a one-time-only policy', async () => {
    fx().emulator.control.setTapPolicy({ defaultLength: 12, isUsableOnce: true, defaultLifetimeInMinutes: 240 });
    const res = await fx().graph(hana(), { method: 'POST', body: {} });
    expect(res.json).toMatchObject({ isUsableOnce: true, lifetimeInMinutes: 240 });
    expect(String(res.json.temporaryAccessPass)).toHaveLength(12);
    expect(errorOf(await fx().graph(hana(), { method: 'POST', body: { isUsableOnce: false } })).code).toBe(
      'badRequest',
    );
  });

  it('refuses creation when the policy is disabled, and reports DisabledByPolicy', async () => {
    const created = await fx().graph(hana(), { method: 'POST', body: {} });
    expect(created.status).toBe(201);
    fx().emulator.control.setTapPolicy({ state: 'disabled' });
    expect(errorOf(await fx().graph(hana(), { method: 'POST', body: {} })).code).toBe('badRequest');
    const [item] = (await fx().graph(hana())).json.value as Record<string, unknown>[];
    expect(item).toMatchObject({ isUsable: false, methodUsabilityReason: 'DisabledByPolicy' });
  });

  it('serves the policy to a reader role with the documented shape', async () => {
    fx().emulator.control.setTapPolicy({ maximumLifetimeInMinutes: 600 });
    const res = await fx().graph(
      '/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/temporaryAccessPass',
      { as: 'Grace Reader' },
    );
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration',
      id: 'TemporaryAccessPass',
      state: 'enabled',
      defaultLifetimeInMinutes: 60,
      defaultLength: 8,
      minimumLifetimeInMinutes: 60,
      maximumLifetimeInMinutes: 600,
      isUsableOnce: false,
      includeTargets: [{ targetType: 'group', id: 'all_users', isRegistrationRequired: false }],
      excludeTargets: [],
    });
  });

  it('refuses the policy to an Authentication Administrator and to a token without the policy scope', async () => {
    const path = '/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/temporaryAccessPass';
    const aisha = await fx().graph(path, { as: 'Aisha Operator' });
    expect(aisha.status).toBe(403);
    expect(errorOf(aisha).code).toBe('accessDenied');
    const noScope = await fx().graph(path, { as: 'Ada Admin', scopes: ['User.Read'] });
    expect(noScope.status).toBe(403);
    expect(errorOf(noScope).message).toContain('Policy.Read.AuthenticationMethod');
    expect((await fx().graph(path, { as: 'Ada Admin' })).status).toBe(200);
  });
});

describe('TAP role rules (from tenant data of the caller)', () => {
  const create = (as: string, target: string) =>
    fx().graph(tapPath(fx().idOf(target)), { as, method: 'POST', body: {} });

  it('lets an Authentication Administrator act on non-admin members only', async () => {
    expect((await create('Aisha Operator', 'Jonas Weber')).status).toBe(201);
    for (const admin of ['Priya Privileged', 'Ada Admin', 'Grace Reader']) {
      const res = await create('Aisha Operator', admin);
      expect(res.status).toBe(403);
      expect(errorOf(res).code).toBe('accessDenied');
    }
  });

  it('lets a Privileged Authentication Administrator act on admins too', async () => {
    expect((await create('Priya Privileged', 'Aisha Operator')).status).toBe(201);
    expect((await create('Priya Privileged', 'Ada Admin')).status).toBe(201);
    expect((await create('Priya Privileged', 'Kofi Mensah')).status).toBe(201);
  });

  it('refuses everyone on themselves', async () => {
    for (const who of ['Aisha Operator', 'Priya Privileged', 'Ada Admin']) {
      const res = await create(who, who);
      expect(res.status).toBe(403);
      expect(errorOf(res).message).toContain('own Temporary Access Pass');
    }
  });

  it('refuses callers without an authentication admin role, even with the scope', async () => {
    expect((await create('Nina NoRole', 'Ben Member')).status).toBe(403);
    expect((await create('Grace Reader', 'Ben Member')).status).toBe(403);
    expect((await fx().graph(tapPath(fx().idOf('Ben Member')), { as: 'Grace Reader' })).status).toBe(200);
  });

  it('refuses a guest target with 400', async () => {
    const res = await create('Priya Privileged', 'Gary Guest');
    expect(res.status).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'badRequest' });
    expect(errorOf(res).message).toMatch(/guest/i);
    expect(fx().emulator.control.tapFor(fx().idOf('Gary Guest'))).toBeUndefined();
  });

  it('needs UserAuthMethod-TAP.ReadWrite.All (or UserAuthenticationMethod.ReadWrite.All) to write', async () => {
    const lena = tapPath(fx().idOf('Lena Novak'));
    const denied = await fx().graph(lena, {
      method: 'POST',
      body: {},
      scopes: ['User.Read', 'UserAuthMethod-TAP.Read.All'],
    });
    expect(denied.status).toBe(403);
    expect(errorOf(denied).code).toBe('accessDenied');
    expect(errorOf(denied).message).toContain('UserAuthMethod-TAP.ReadWrite.All');
    expect((await fx().graph(lena, { scopes: ['UserAuthMethod-TAP.Read.All'] })).status).toBe(200);
    expect(
      (await fx().graph(lena, { method: 'POST', body: {}, scopes: ['UserAuthenticationMethod.ReadWrite.All'] })).status,
    ).toBe(201);
  });
});
