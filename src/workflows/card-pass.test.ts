/**
 * The pass Keyward created for a card, recorded and removed through the real seams: Graph through the
 * real client against the Entra emulator (https), the registry and the audit trail through the real relay
 * in-process, the card work on a virtual YubiKey behind the simulator reader.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntraEmulator, TenantUser } from '../../demo/entra-emulator/index';
import { issueToBen } from '../../relay/cards/card-fixture';
import {
  auditRows,
  OPERATOR,
  portsOf,
  useLifecycleWorld,
  issuedInReader,
} from '../../test/lifecycle/lifecycle-fixtures';
import { PEOPLE } from '../../test/support/relay-world';
import { startTestEntra, tapGraphAs } from '../../test/support/test-entra';
import { testTls } from '../../test/support/test-tls';
import { createTap } from '../entra/tap';
import type { DirectoryUser } from '../entra/users';
import { transitionCard } from '../relay-api/cards';
import { requestCardTap, revokeCardPass } from './card-pass';
import { retireCard } from './lifecycle/retire';
import { reportCardLost } from './lost-card';
import type { Card } from './ports';
import type { TapContext } from './request-tap';

const world = useLifecycleWorld();
let emulator: EntraEmulator & { port: number };
beforeAll(async () => {
  emulator = await startTestEntra(testTls());
}, 60_000);
afterAll(() => emulator?.close());

/** Graph as a seeded operator (Aisha: Authentication Administrator; Priya: Privileged Authentication Administrator). */
function graphAs(name: 'Aisha Operator' | 'Priya Privileged') {
  return tapGraphAs(emulator, name);
}

function context(name: 'Aisha Operator' | 'Priya Privileged' = 'Aisha Operator'): TapContext {
  const sendMail = () => Promise.reject(new Error('no mail in this test'));
  return { graph: graphAs(name), operator: OPERATOR, audit: portsOf(world()).audit, sendMail };
}

const directoryUser = (u: TenantUser): DirectoryUser =>
  ({ id: u.id, displayName: u.displayName, userPrincipalName: u.userPrincipalName }) as DirectoryUser;

let serial = 70_000;
/** Registers an active card of `user` in the service (the card work is not the point here). */
async function activeCardOf(user: TenantUser): Promise<Card> {
  const olivia = world().endpoint(PEOPLE.olivia);
  const cardId = `serial:${++serial}`;
  const details = { holderOid: user.id, holderName: user.displayName, templateId: 'tpl-1', serial, chuidGuid: user.id };
  await transitionCard(olivia, cardId, issueToBen(0, details));
  return transitionCard(olivia, cardId, { transition: 'activate', expectedVersion: 1 });
}

/** A pass requested under `card`'s template, shown only: recorded against the card. */
async function passFor(user: TenantUser, card: Card, ctx = context()) {
  const plan = { request: {}, deliverWith: null };
  return requestCardTap(ctx, portsOf(world()).registry, directoryUser(user), card, plan);
}

const revokeRows = async (user: TenantUser) =>
  (await auditRows(world())).filter((r) => r.action === 'tap.revoke' && r.target.id === user.id);

describe('the pass Keyward created for a card', () => {
  it('is recorded by its id when requested under the card, and removed when the card is retired', async () => {
    const ben = emulator.tenant.byDisplayName('Ben Member');
    const user = { id: ben.id, upn: ben.userPrincipalName, displayName: ben.displayName };
    const { transport, ports, issued } = await issuedInReader(world(), { user });
    const card = (await ports.registry.card(issued.cardId))!;
    const { tap, unrecorded } = await passFor(ben, card);
    expect(unrecorded).toBeNull();
    expect(await ports.registry.pass(card.cardId)).toMatchObject({ tapId: tap.id, userOid: ben.id });

    const steps: string[] = [];
    const passContext = { graph: context().graph, audit: ports.audit };
    const retired = await retireCard({ transport, ports, passContext, onStep: (e) => steps.push(e.step) });
    await transport.close();
    expect(retired.pass).toEqual({ status: 'revoked', tapId: tap.id });
    expect(emulator.control.tapFor(ben.id)).toBeUndefined();
    expect(retired.steps.at(-1)).toMatchObject({ step: 'revoke-tap', phase: 'done', detail: { pass: 'revoked' } });
    expect(steps.slice(-2)).toEqual(['revoke-tap', 'revoke-tap']);
    expect(await ports.registry.card(card.cardId)).toMatchObject({ state: 'retired' });
    await expect
      .poll(() => revokeRows(ben))
      .toMatchObject([
        { outcome: 'succeeded', actor: { name: PEOPLE.olivia.name }, target: { type: 'user', label: 'Ben Member' } },
      ]);
  });

  it('is reported gone, not removed, when the user has another pass now; the other is left alone', async () => {
    const carla = emulator.tenant.byDisplayName('Carla Mendes');
    const card = await activeCardOf(carla);
    const { tap } = await passFor(carla, card);
    const newer = await createTap(graphAs('Aisha Operator'), carla.id, {});
    const ports = portsOf(world());
    const report = await reportCardLost(ports, card, { graph: context().graph, audit: ports.audit });
    expect(report.card).toMatchObject({ state: 'retired', lostAt: expect.any(String) });
    expect(report.pass).toEqual({ status: 'gone', tapId: tap.id });
    expect(emulator.control.tapFor(carla.id)?.id).toBe(newer.id);
    expect(await revokeRows(carla)).toEqual([]);
  });

  it('stays when Graph refuses (403, or 429 past the retries): the lost report stands, the refusal is said and audited', async () => {
    const ports = portsOf(world());
    // Ada holds an administrator role: Priya may give her a pass, Aisha may not touch it.
    const ada = emulator.tenant.byDisplayName('Ada Admin');
    const adasCard = await activeCardOf(ada);
    const { tap } = await passFor(ada, adasCard, context('Priya Privileged'));
    const refused = await reportCardLost(ports, adasCard, { graph: context().graph, audit: ports.audit });
    expect(refused.card.state).toBe('retired');
    expect(refused.pass).toMatchObject({ status: 'failed', tapId: tap.id, error: { code: 'GRAPH_FORBIDDEN' } });
    expect(emulator.control.tapFor(ada.id)?.id).toBe(tap.id);
    await expect
      .poll(() => revokeRows(ada))
      .toMatchObject([{ outcome: 'refused', reason: /Privileged Authentication/ }]);

    const elena = emulator.tenant.byDisplayName('Elena Rossi');
    const elenasCard = await activeCardOf(elena);
    const elenasPass = (await passFor(elena, elenasCard)).tap;
    emulator.control.inject429(3, 0);
    const throttled = await reportCardLost(ports, elenasCard, { graph: context().graph, audit: ports.audit });
    expect(throttled.card.state).toBe('retired');
    expect(throttled.pass).toMatchObject({ status: 'failed', error: { code: 'GRAPH_THROTTLED' } });
    expect(emulator.control.tapFor(elena.id)?.id).toBe(elenasPass.id);
    await expect.poll(() => revokeRows(elena)).toMatchObject([{ outcome: 'failed', reason: /Too many requests/ }]);
  });

  it('is none when Keyward created no pass for the card, and is not recorded against a card no longer in hands', async () => {
    const farid = emulator.tenant.byDisplayName('Farid Haddad');
    const ports = portsOf(world());
    const card = await activeCardOf(farid);
    expect(await revokeCardPass(context(), ports.registry, card)).toEqual({ status: 'none' });
    const lost = (await reportCardLost(ports, card, context())).card;
    // A pass requested under a lost card's template (to let the holder sign in meanwhile) is not the card's.
    const meanwhile = await passFor(farid, lost);
    expect(meanwhile.unrecorded).toBeNull();
    expect(await ports.registry.pass(card.cardId)).toBeNull();
    expect(emulator.control.tapFor(farid.id)?.id).toBe(meanwhile.tap.id);
    // Without a signed-in operator nothing can be removed, and the outcome says so.
    const hana = emulator.tenant.byDisplayName('Hana Sato');
    const hanasCard = await activeCardOf(hana);
    await passFor(hana, hanasCard);
    expect(await revokeCardPass(undefined, ports.registry, hanasCard)).toMatchObject({
      status: 'failed',
      error: { code: 'PASS_CONTEXT_MISSING' },
    });
  });
});
