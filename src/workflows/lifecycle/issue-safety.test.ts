/**
 * Issue with the service as the system of record: a card bound in the service is refused with its
 * holder's name, a card whose CHUID names a holder the service has no record of is refused naming what
 * the card says, a lost race says who has the card now, and a relay that is down after the card work
 * leaves the run resumable until the service recorded it. Through the real relay (in-process, PGlite)
 * and the virtual card behind the real driver.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '../../app-error';
import { freshChuid, openPivSession } from '../../cards/card';
import { DEFAULT_MANAGEMENT_KEY } from '../../piv/management-key';
import { importCards, transitionCard } from '../../relay-api/cards';
import type { RelayEndpoint } from '../../relay-api/request';
import { lastUnfinishedRun } from '../../store/journal';
import { relayAuditLog, relayCardRegistry, type CardRegistry } from '../ports';
import { RelayTemplateStore } from '../template-store';
import {
  auditRows,
  cardInReader,
  cardSnapshot,
  portsOf,
  testTemplate,
  USER,
  type TestCardProfile,
} from '../../../test/lifecycle/lifecycle-fixtures';
import { PEOPLE, startRelayWorld, type RelayWorld } from '../../../test/support/relay-world';
import { issueCard } from './issue';
import type { LifecyclePorts } from './types';

const GRACE = { id: '7d1c6b9e-2a44-4c61-9f0e-5b3a8e21c0d4', upn: 'grace@contoso.example', displayName: 'Grace Hopper' };

let world: RelayWorld;
beforeAll(async () => {
  world = await startRelayWorld();
  await world.publish('card', testTemplate({ issue: { ...testTemplate().issue, certificate: null } }));
}, 60_000);
afterAll(() => world?.close());

describe('safety at Issue', () => {
  it("refuses a card the service knows as another holder's, naming them, and leaves the card untouched", async () => {
    const { transport } = await cardInReader();
    const issued = await issueCard({ transport, templateId: 'tpl-1', user: USER, ports: portsOf(world) });
    const before = await cardSnapshot(transport);
    // Priya, at another laptop, with the master key imported there too, tries to issue it to Grace.
    const refused = await issueCard({
      transport,
      templateId: 'tpl-1',
      user: GRACE,
      ports: portsOf(world, PEOPLE.priya),
    }).catch((e: unknown) => e as AppError);
    expect(refused).toMatchObject({
      layer: 'workflows',
      code: 'CARD_BOUND',
      fields: { cardId: issued.cardId, state: 'issued', holderName: USER.displayName, holderUpn: USER.upn },
    });
    expect(await cardSnapshot(transport)).toEqual(before);
    expect(await portsOf(world).registry.card(issued.cardId)).toMatchObject({ holder: { oid: USER.id }, version: 1 });
    const row = (await auditRows(world)).find((r) => r.action === 'card.issue' && r.outcome === 'refused');
    expect(row).toMatchObject({ actor: { name: PEOPLE.priya.name }, target: { type: 'card', id: issued.cardId } });
    expect(row!.reason).toContain(USER.displayName);
    await transport.close();
  });

  it.each(['yubikey-5.7', 'piv-generic+ff'] as const)(
    'refuses a %s whose CHUID names a holder the service has no record of, naming the GUID and FASC-N',
    async (profile: TestCardProfile) => {
      const { transport } = await cardInReader(profile);
      // Issued elsewhere (or by an older Keyward): a CHUID naming someone, written with the factory key.
      const session = await openPivSession(transport);
      await session.authenticate(DEFAULT_MANAGEMENT_KEY, profile === 'yubikey-5.7' ? 'AES192' : 'TDES');
      const chuid = freshChuid(crypto.randomUUID());
      await session.writeChuid(chuid);
      const before = await cardSnapshot(transport);
      const refused = await issueCard({
        transport,
        templateId: 'tpl-1',
        user: USER,
        ports: portsOf(world),
      }).catch((e: unknown) => e as AppError);
      expect(refused).toMatchObject({
        layer: 'workflows',
        code: 'CARD_BOUND_ELSEWHERE',
        fields: { guid: chuid.guid, fascn: expect.stringMatching(/^[0-9a-f]{50}$/) },
      });
      expect(await cardSnapshot(transport)).toEqual(before);
      expect(await portsOf(world).registry.card((refused as AppError).fields.cardId as string)).toBeNull();
      await transport.close();
    },
  );
});

/** The operator's registry, with Priya acting on the same card in the service just before the operator's transition. */
function priyaGetsThereFirst(ports: LifecyclePorts): LifecyclePorts {
  const priya = world.endpoint(PEOPLE.priya);
  const registry: CardRegistry = {
    ...ports.registry,
    async transition(cardId, body) {
      await transitionCard(priya, cardId, { ...body, issue: { ...body.issue!, holderName: GRACE.displayName } });
      return ports.registry.transition(cardId, body);
    },
  };
  return { ...ports, registry };
}

/** The relay as the operator reaches it, with the network gone for card transitions. */
function transitionsUnreachable(): RelayEndpoint {
  const relay = world.endpoint(PEOPLE.olivia);
  return {
    ...relay,
    fetch: async (input, init) => {
      if (String(input instanceof Request ? input.url : input).includes('/transitions'))
        throw new TypeError('Failed to fetch');
      return relay.fetch!(input, init);
    },
  };
}

describe('a generic card issued by an older Keyward', () => {
  it("is refused as its holder's when that browser's registry was uploaded (under the old GUID id)", async () => {
    const { transport } = await cardInReader('piv-generic+ff');
    const holder = crypto.randomUUID();
    const session = await openPivSession(transport);
    await session.authenticate(DEFAULT_MANAGEMENT_KEY, 'TDES');
    await session.writeChuid(freshChuid(holder));
    const legacyId = `chuid:${holder.replace(/-/g, '')}`;
    await importCards(world.endpoint(PEOPLE.adam), [
      {
        cardId: legacyId,
        state: 'active',
        credentialType: 'piv',
        serial: null,
        holderOid: holder,
        holderName: 'Grace Hopper',
        holderUpn: 'grace@contoso.example',
        templateId: 'tpl-1',
        issuedAt: '2025-06-01T00:00:00.000Z',
        lostAt: null,
      },
    ]);
    await expect(
      issueCard({
        transport,
        templateId: 'tpl-1',
        user: USER,
        ports: portsOf(world),
      }),
    ).rejects.toMatchObject({ code: 'CARD_BOUND', fields: { state: 'active', holderName: 'Grace Hopper' } });
    await transport.close();
  });
});

describe('recording the transition', () => {
  it('a lost race says who has the card now; the run stays unfinished', async () => {
    const { transport } = await cardInReader();
    const error = await issueCard({
      transport,
      templateId: 'tpl-1',
      user: USER,
      ports: priyaGetsThereFirst(portsOf(world)),
    }).then(
      () => null,
      (e: unknown) => e as AppError,
    );
    expect(error).toMatchObject({
      layer: 'relay-api',
      code: 'CARD_CHANGED_ELSEWHERE',
      fields: {
        current: { state: 'issued', holder: { name: GRACE.displayName }, issuedBy: { name: 'Priya Operator' } },
      },
    });
    const cardId = (error!.fields.current as { cardId: string }).cardId;
    expect((await lastUnfinishedRun(cardId))?.operation).toBe('issue');
    await transport.close();
  });

  it('the relay down after the card work: NOT_RECORDED, the run resumable; the next attempt records it', async () => {
    const { transport } = await cardInReader();
    const down = transitionsUnreachable();
    const ports = {
      registry: relayCardRegistry(down),
      audit: relayAuditLog(down),
      templates: new RelayTemplateStore(() => down),
      secrets: portsOf(world).secrets,
    };
    const error = await issueCard({ transport, templateId: 'tpl-1', user: USER, ports }).then(
      () => null,
      (e: unknown) => e as AppError,
    );
    expect(error).toMatchObject({ layer: 'workflows', code: 'NOT_RECORDED', fields: { operation: 'issue' } });
    expect(error!.cause).toMatchObject({ layer: 'relay-api', code: 'RELAY_UNREACHABLE' });
    const cardId = error!.fields.cardId as string;
    expect(await portsOf(world).registry.card(cardId)).toBeNull();
    expect((await lastUnfinishedRun(cardId))?.operation).toBe('issue');
    const failed = (await auditRows(world)).find((r) => r.target.id === cardId);
    expect(failed).toMatchObject({ action: 'card.issue', outcome: 'failed' });
    expect(failed!.reason).toMatch(/did not record it/);

    const again = await issueCard({ transport, templateId: 'tpl-1', user: USER, ports: portsOf(world) });
    expect(again).toMatchObject({ cardId, resumed: true });
    expect(await portsOf(world).registry.card(cardId)).toMatchObject({ state: 'issued', holder: { oid: USER.id } });
    expect(await lastUnfinishedRun(cardId)).toBeUndefined();
    await (await openPivSession(transport)).verifyPin(again.activationPin!);
    await transport.close();
  });
});
