/**
 * The Graph client (graph-adapter + users, tap, tap-policy) through real https against the Entra
 * emulator: the seam below it is the Graph HTTP API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EntraEmulator } from '../../demo/entra-emulator/index';
import { startTestEntra } from '../../test/support/test-entra';
import { rejectionOf } from '../../test/support/rejection';
import { testTls } from '../../test/support/test-tls';
import { AppError } from '../app-error';
import { createGraphTransport, type GraphTransport } from './graph-adapter';
import { createTap, deleteTap, listTaps, tapExpiry } from './tap';
import { readTapPolicy } from './tap-policy';
import { getUser, nextUsers, searchUsers } from './users';

const SCOPES = ['User.Read.All', 'UserAuthMethod-TAP.ReadWrite.All', 'Policy.Read.AuthenticationMethod'];
let emulator: EntraEmulator & { port: number };

beforeAll(async () => {
  emulator = await startTestEntra(testTls());
});
afterAll(() => emulator.close());

const id = (name: string) => emulator.tenant.byDisplayName(name).id;

function graphAs(name: string, opts: { scopes?: string[]; audience?: 'graph' | 'relay' } = {}): GraphTransport {
  return createGraphTransport({
    baseUrl: emulator.graphBaseUrl,
    getToken: () =>
      emulator.control.mintAccessToken({
        userId: id(name),
        audience: opts.audience ?? 'graph',
        scopes: opts.scopes ?? SCOPES,
      }),
  });
}

describe('users', () => {
  it('searches with ConsistencyLevel and pages with nextLink', async () => {
    const graph = graphAs('Aisha Operator');
    const first = await searchUsers(graph, 'e', 3);
    expect(first.users).toHaveLength(3);
    expect(first.nextLink).toMatch(/^https:\/\/localhost:\d+\/graph\/v1\.0\/users/);
    const second = await nextUsers(graph, first.nextLink!);
    expect(second.users.map((u) => u.id)).not.toContain(first.users[0]!.id);
    expect(first.users[0]).toHaveProperty('otherMails');
  });

  it('finds a user by name and reads one by id', async () => {
    const graph = graphAs('Aisha Operator');
    const { users } = await searchUsers(graph, 'Ben Mem');
    expect(users.map((u) => u.displayName)).toEqual(['Ben Member']);
    const ben = await getUser(graph, users[0]!.id);
    expect(ben).toMatchObject({ mail: 'ben.member@contoso.example', userType: 'Member', accountEnabled: true });
  });

  it('refuses an empty search before calling Graph', async () => {
    expect((await rejectionOf(searchUsers(graphAs('Aisha Operator'), ' "" '))).code).toBe('SEARCH_EMPTY');
  });

  it('lets a sign-in failure through as itself, not as "Graph could not be reached"', async () => {
    const consent = new AppError('entra', 'CONSENT_REQUIRED', 'Sign-in failed (consent_required).', {
      msalCode: 'consent_required',
    });
    const graph = createGraphTransport({ baseUrl: emulator.graphBaseUrl, getToken: () => Promise.reject(consent) });
    expect(await rejectionOf(searchUsers(graph, 'Ben'))).toBe(consent);
    expect(await rejectionOf(graph.next(`${emulator.graphBaseUrl}/v1.0/users?$skiptoken=x`))).toBe(consent);
  });

  it('maps a token for the wrong audience to GRAPH_UNAUTHORIZED', async () => {
    const e = await rejectionOf(
      getUser(graphAs('Aisha Operator', { audience: 'relay', scopes: ['Mail.Send'] }), id('Ben Member')),
    );
    expect(e.code).toBe('GRAPH_UNAUTHORIZED');
    expect(e.fields.status).toBe(401);
  });
});

describe('temporary access passes', () => {
  it('creates with a code, lists without it, replaces, and deletes', async () => {
    const graph = graphAs('Aisha Operator');
    const ben = id('Ben Member');
    const created = await createTap(graph, ben, { lifetimeInMinutes: 60, isUsableOnce: true });
    expect(created.temporaryAccessPass).toMatch(/^\S{8,48}$/);
    expect(emulator.control.tapFor(ben)?.temporaryAccessPass).toBe(created.temporaryAccessPass);
    expect(tapExpiry(created).getTime() - Date.parse(created.startDateTime)).toBe(60 * 60_000);
    const [listed] = await listTaps(graph, ben);
    expect(listed).toMatchObject({ id: created.id, temporaryAccessPass: null, isUsableOnce: true });
    const replaced = await createTap(graph, ben, {});
    expect(replaced.id).not.toBe(created.id);
    expect((await listTaps(graph, ben)).map((t) => t.id)).toEqual([replaced.id]);
    await deleteTap(graph, ben, replaced.id);
    expect(await listTaps(graph, ben)).toEqual([]);
  });

  it("reports a lifetime outside the tenant policy with Graph's own words", async () => {
    const e = await rejectionOf(
      createTap(graphAs('Aisha Operator'), id('Carla Mendes'), { lifetimeInMinutes: 40_000 }),
    );
    expect(e.code).toBe('GRAPH_BAD_REQUEST');
    expect(e.message).toMatch(/Invalid LifetimeInMinutes/);
    expect(e.fields.retrySafe).toBe(true);
  });

  it("refuses a lifetime outside Graph's absolute bounds without calling Graph", async () => {
    expect(
      (await rejectionOf(createTap(graphAs('Aisha Operator'), id('Carla Mendes'), { lifetimeInMinutes: 5 }))).code,
    ).toBe('TAP_LIFETIME_OUT_OF_RANGE');
  });

  it('maps refusals: guest, admin target, self', async () => {
    const aisha = graphAs('Aisha Operator');
    expect((await rejectionOf(createTap(aisha, id('Gary Guest'), {}))).code).toBe('GRAPH_BAD_REQUEST');
    expect((await rejectionOf(createTap(aisha, id('Ada Admin'), {}))).code).toBe('GRAPH_FORBIDDEN');
    expect((await rejectionOf(createTap(aisha, id('Aisha Operator'), {}))).code).toBe('GRAPH_FORBIDDEN');
  });

  it('retries a throttled GET after Retry-After, but never a throttled create', async () => {
    const graph = graphAs('Aisha Operator');
    emulator.control.inject429(1, 1);
    const started = Date.now();
    expect(Array.isArray(await listTaps(graph, id('Dmitri Volkov')))).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);

    emulator.control.inject429(1, 7);
    const e = await rejectionOf(createTap(graph, id('Dmitri Volkov'), {}));
    expect(e.code).toBe('GRAPH_THROTTLED');
    expect(e.fields.retryAfterSeconds).toBe(7);
    expect(emulator.control.tapFor(id('Dmitri Volkov'))).toBeUndefined();
    // The injected 429 was used by the create: the next call goes through.
    expect(await listTaps(graph, id('Dmitri Volkov'))).toEqual([]);
  });
});

describe('the TAP policy', () => {
  it('is read where the role allows it', async () => {
    const result = await readTapPolicy(graphAs('Ada Admin'));
    expect(result.readable).toBe(true);
    if (result.readable) expect(result.policy).toMatchObject({ state: 'enabled', defaultLength: expect.any(Number) });
  });

  it('is reported unreadable, not failed, for an Authentication Administrator', async () => {
    expect(await readTapPolicy(graphAs('Aisha Operator'))).toEqual({ readable: false, reason: 'FORBIDDEN' });
  });
});
