import { expect, it } from 'vitest';
import { describeStore } from '../../test/support/describe-store';
import { createFakeTenant } from '../../test/support/fake-tenant';
import { bearerFor, buildTestApp, PEOPLE, type Person } from '../../test/support/relay-app';

const { olivia: OLIVIA, priya: PRIYA, audrey: AUDREY, nina: NINA } = PEOPLE;
type Who = Person;

const issueBen = (expectedVersion: number) => ({
  transition: 'issue',
  expectedVersion,
  issue: {
    holderOid: 'oid-ben',
    holderName: 'Ben Member',
    templateId: 'tpl-standard',
    templateVersion: 2,
    credentialType: 'yubikey',
    chuidGuid: '8d0c6f1e-0000-4000-8000-000000000001',
  },
});

describeStore('/api/cards', (target) => {
  async function world() {
    const fresh = await target.fresh();
    const tenant = await createFakeTenant();
    // Two relay instances on one database, as behind a load balancer.
    const apps = [fresh.database, await fresh.another()].map(
      (database) => buildTestApp({ fetch: tenant.fetch, database }).app,
    );
    const get = async (app: number, who: Who, id: string) =>
      apps[app]!.request(`/api/cards/${id}`, { headers: await bearerFor(tenant, who) });
    const act = async (app: number, who: Who, id: string, body: unknown) =>
      apps[app]!.request(`/api/cards/${id}/transitions`, {
        method: 'POST',
        headers: { ...(await bearerFor(tenant, who)), 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    return { get, act };
  }

  it('shows a card issued by one operator to another, and refuses a second issue with the holder', async () => {
    const { get, act } = await world();
    expect((await get(1, PRIYA, 'yk:5001')).status).toBe(404);
    const issued = await act(0, OLIVIA, 'yk:5001', issueBen(0));
    expect(issued.status).toBe(200);
    expect(await issued.json()).toMatchObject({ state: 'issued', version: 1, issuedBy: 'oid-olivia' });
    expect(await (await get(1, PRIYA, 'yk:5001')).json()).toMatchObject({
      state: 'issued',
      holder: { name: 'Ben Member' },
      template: { id: 'tpl-standard', version: 2 },
    });
    // Priya read the card before Olivia issued it (version 0): refused, with the card as it is now.
    const again = await act(1, PRIYA, 'yk:5001', issueBen(0));
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({
      error: { code: 'CARD_CHANGED_ELSEWHERE', current: { state: 'issued', holder: { name: 'Ben Member' } } },
    });
    const notAllowed = await act(1, PRIYA, 'yk:5001', issueBen(1));
    expect(notAllowed.status).toBe(409);
    expect(await notAllowed.json()).toMatchObject({ error: { code: 'TRANSITION_NOT_ALLOWED' } });
    // A lost report in one place is seen everywhere.
    expect((await act(1, PRIYA, 'yk:5001', { transition: 'retire', expectedVersion: 1 })).status).toBe(200);
    expect(await (await get(0, OLIVIA, 'yk:5001')).json()).toMatchObject({ state: 'retired', version: 2 });
  });

  it('needs the operator role, and a body inside the schema', async () => {
    const { get, act } = await world();
    for (const who of [AUDREY, NINA]) {
      expect((await act(0, who, 'yk:1', issueBen(0))).status).toBe(403);
      expect((await get(0, who, 'yk:1')).status).toBe(403);
    }
    const withPin = await act(0, OLIVIA, 'yk:1', { ...issueBen(0), pin: '123456' });
    expect(withPin.status).toBe(400);
    expect(await withPin.json()).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
    expect((await act(0, OLIVIA, 'yk:1', { transition: 'issue', expectedVersion: 0 })).status).toBe(400);
    expect((await act(0, OLIVIA, 'yk:1', { transition: 'explode', expectedVersion: 0 })).status).toBe(400);
    expect((await get(0, OLIVIA, 'yk:1')).status).toBe(404);
  });
});
