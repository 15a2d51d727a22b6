import { expect, it } from 'vitest';
import { describeStore } from '../../test/support/describe-store';
import { createApp } from '../app';
import { loadConfig } from '../config';
import {
  AUTHORITY_HOST,
  createFakeTenant,
  mintToken,
  operatorClaims,
  RELAY_CLIENT_ID,
  TENANT_ID,
} from '../../test/support/fake-tenant';
import { createJwksKeySource } from '../jwks';
import { createLogger } from '../log';
import { createTokenVerifier } from '../token';

const config = loadConfig({
  TENANT_ID,
  RELAY_CLIENT_ID,
  AUTHORITY_HOST,
  ALLOWED_ORIGINS: 'http://localhost:5173',
  DEMO: '1',
});

const OLIVIA = { oid: 'oid-olivia', name: 'Olivia Operator', roles: ['Keyward.Operator'] };
const PRIYA = { oid: 'oid-priya', name: 'Priya Operator', roles: ['Keyward.Operator'] };
const AUDREY = { oid: 'oid-audrey', name: 'Audrey Auditor', roles: ['Keyward.Auditor'] };
const NINA = { oid: 'oid-nina', name: 'Nina NoRole', roles: [] };
type Who = typeof OLIVIA;

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
    const apps = await Promise.all(
      [fresh.database, await fresh.another()].map((database) => {
        const verifier = createTokenVerifier({
          issuer: config.issuer,
          audience: config.relayClientId,
          tenantId: config.tenantId,
          requiredScope: config.requiredScope,
          getKey: createJwksKeySource({ issuer: config.issuer, fetch: tenant.fetch }),
        });
        return createApp({ config, verifier, log: createLogger({ sink: () => {} }), database });
      }),
    );
    const auth = async (who: Who) => `Bearer ${await mintToken(tenant.key, { ...operatorClaims(), ...who })}`;
    const get = async (app: number, who: Who, id: string) =>
      apps[app]!.request(`/api/cards/${id}`, { headers: { Authorization: await auth(who) } });
    const act = async (app: number, who: Who, id: string, body: unknown) =>
      apps[app]!.request(`/api/cards/${id}/transitions`, {
        method: 'POST',
        headers: { Authorization: await auth(who), 'Content-Type': 'application/json' },
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
