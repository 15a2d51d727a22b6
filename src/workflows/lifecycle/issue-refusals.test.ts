/**
 * Issuance that cannot go through: a generic PIV card whose management key cannot change is refused before
 * anything is written, and an interrupted YubiKey issuance is rolled back to blank.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPivSession } from '../../cards/card';
import type { AppError } from '../../app-error';
import { DEFAULT_MANAGEMENT_KEY } from '../../piv/management-key';
import type { PivSession } from '../../piv/session';
import { cardLines, lastUnfinishedRun } from '../../store/journal';
import type { CardTransport } from '../../transport/card-transport';
import {
  CARD_CHANGES,
  cardInReader,
  cardSnapshot,
  commandsAnswered,
  portsOf,
  auditRows,
  testMasterKey,
  testTemplate,
  USER,
} from '../../../test/lifecycle/lifecycle-fixtures';
import { PEOPLE, startRelayWorld, type RelayWorld } from '../../../test/support/relay-world';
import { issueCard } from './issue';
import type { StepEvent } from './types';

const session = (t: CardTransport): Promise<PivSession> => openPivSession(t);

let world: RelayWorld;
beforeAll(async () => {
  world = await startRelayWorld();
  await world.publish('card', testTemplate());
  await world.publish(
    'card',
    testTemplate({ id: 'tpl-nocert', issue: { ...testTemplate().issue, certificate: null } }),
  );
}, 60_000);
afterAll(() => world?.close());

describe('issueCard refusals and roll-back', () => {
  it('refuses a generic PIV card that cannot change its management key, before writing anything to it', async () => {
    const { card, transport } = await cardInReader('piv-generic');
    const user = { ...USER, id: crypto.randomUUID() };
    const cardIds: string[] = [];
    const before = await cardSnapshot(transport);
    for (let attempt = 0; attempt < 2; attempt++) {
      const events: StepEvent[] = [];
      const error = await issueCard({
        transport,
        templateId: 'tpl-1',
        user,
        ports: portsOf(world),
        onStep: (e) => events.push(e),
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({
        layer: 'cards',
        code: 'MANAGEMENT_KEY_FIXED',
        fields: { algorithm: 'TDES', kind: 'piv', cardId: expect.stringMatching(/^chuid:[0-9a-f]+$/) },
      });
      const cardId = (error as AppError).fields.cardId as string;
      cardIds.push(cardId);
      expect(events.filter((e) => e.phase === 'done').map((e) => e.step)).toEqual(['detect']);
      expect(await cardSnapshot(transport)).toEqual(before);
      expect(await lastUnfinishedRun(cardId)).toBeUndefined(); // closed, so a retry starts clean
    }
    // The card was asked (SET MANAGEMENT KEY → 6D00) and nothing that changes a card ever succeeded.
    const answered = commandsAnswered(card);
    expect(answered.filter((c) => c.ins === 0xff).map((c) => c.sw)).toEqual([0x6d00, 0x6d00]);
    expect(answered.filter((c) => CARD_CHANGES.has(c.ins) && c.sw === 0x9000)).toEqual([]);
    // Journal: per attempt, detect done, authenticate begun, closed as rolled back; no card step after it.
    // (A card without a CHUID gets a fresh FASC-N planned per attempt: nothing was written, so nothing ties them.)
    for (const cardId of cardIds) {
      const lines = await cardLines(cardId);
      expect(lines.map((l) => `${l.step}:${l.phase}`)).toEqual([
        'detect:before',
        'detect:after',
        'authenticate:before',
        'end:rolled-back',
      ]);
      expect(await portsOf(world).registry.card(cardId)).toBeNull();
      // The service never saw the card, so the refusal is in the trail only because the browser recorded it.
      const rows = (await auditRows(world)).filter((r) => r.target.id === cardId);
      expect(rows).toMatchObject([
        { action: 'card.issue', outcome: 'refused', target: { label: `${cardId} (${user.displayName})` } },
      ]);
    }
    expect(await portsOf(world).registry.cardsOf(user.id)).toEqual([]);
    // The factory secrets still work.
    const p = await session(transport);
    await p.authenticate(DEFAULT_MANAGEMENT_KEY, 'TDES');
    await p.verifyPin('123456');
    await p.changePuk('12345678', '12345678');
    await transport.close();
  });

  it("asks the relay for the card's secrets before the first write: refused, the card is as it was", async () => {
    const { card, transport } = await cardInReader('yubikey-5.7');
    const before = await cardSnapshot(transport);
    // The registry and templates as an operator, the card keys as an auditor: the relay releases nothing.
    const ports = { ...portsOf(world), secrets: portsOf(world, PEOPLE.audrey).secrets };
    const error = await issueCard({ transport, templateId: 'tpl-1', user: USER, ports }).catch((e: unknown) => e);
    expect(error).toMatchObject({ layer: 'relay-api', code: 'ROLE_MISSING' });
    // Only the change probe ran (SET MANAGEMENT KEY to the factory key's own value), as in every issuance.
    const changes = commandsAnswered(card).filter((c) => CARD_CHANGES.has(c.ins) && c.sw === 0x9000);
    expect(changes.map((c) => c.ins)).toEqual([0xff]);
    expect(await cardSnapshot(transport)).toEqual(before);
    const releases = async () => (await auditRows(world)).filter((r) => r.action === 'key.release');
    expect(await releases()).toEqual([]);
    // The run stays open at `authenticate`; the operator's next attempt resumes it and issues, each secret
    // released to her for this card and audited.
    const issued = await issueCard({ transport, templateId: 'tpl-1', user: USER, ports: portsOf(world) });
    expect(issued).toMatchObject({ resumed: true, rolledBack: false });
    const released = (await releases()).map((r) => [r.outcome, r.actor.name, r.target.id, r.target.label]);
    expect(released.sort()).toEqual([
      ['succeeded', PEOPLE.olivia.name, issued.cardId, 'PUK for issue'],
      ['succeeded', PEOPLE.olivia.name, issued.cardId, 'management key for issue'],
    ]);
    await transport.close();
  });

  it('rolls an interrupted YubiKey issuance back to blank when its secrets cannot be reproduced', async () => {
    const { transport } = await cardInReader();
    const keyA = await testMasterKey();
    // The card is pulled at CHANGE REFERENCE DATA for the PUK, after the management key was changed.
    let n = 0;
    const failing: CardTransport = {
      kind: 'simulator',
      readerName: 'wrapped',
      atr: transport.atr,
      capabilities: transport.capabilities,
      close: async () => undefined,
      transmit: async (apdu: Uint8Array) => {
        n += 1;
        if (apdu[1] === 0x24 && apdu[3] === 0x81) throw new Error('pulled');
        return transport.transmit(apdu);
      },
    };
    await expect(
      issueCard({
        transport: failing,
        templateId: 'tpl-nocert',
        user: USER,
        ports: portsOf(world, PEOPLE.olivia, keyA),
      }),
    ).rejects.toThrow('pulled');
    expect(n).toBeGreaterThan(5);
    const keyB = await testMasterKey();
    const s = await issueCard({
      transport,
      templateId: 'tpl-nocert',
      user: USER,
      ports: portsOf(world, PEOPLE.olivia, keyB),
    });
    expect(s.rolledBack).toBe(true);
    expect((await portsOf(world).registry.card(s.cardId))?.state).toBe('issued');
    await (await session(transport)).verifyPin(s.activationPin!);
    await transport.close();
  });
});
