/**
 * Issuance that cannot go through: a generic PIV card whose management key cannot change is refused before
 * anything is written, and an interrupted YubiKey issuance is rolled back to blank.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openPivSession } from '../../cards/card';
import type { AppError } from '../../app-error';
import { DEFAULT_MANAGEMENT_KEY } from '../../piv/management-key';
import type { PivSession } from '../../piv/session';
import { recentAudit } from '../../store/audit';
import { cardsOfUser, getCard } from '../../store/registry';
import { cardLines, lastUnfinishedRun } from '../../store/journal';
import type { CardTransport } from '../../transport/card-transport';
import {
  CARD_CHANGES,
  cardInReader,
  cardSnapshot,
  commandsAnswered,
  OPERATOR,
  testMasterKey,
  testTemplate,
  USER,
} from '../../../test/lifecycle/lifecycle-fixtures';
import { issueCard } from './issue';
import type { StepEvent } from './types';

const session = (t: CardTransport): Promise<PivSession> => openPivSession(t);

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
        masterKey: await testMasterKey(),
        template: testTemplate(),
        user,
        operator: OPERATOR,
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
      expect(await getCard(cardId)).toBeUndefined();
    }
    expect(await cardsOfUser(user.id)).toEqual([]);
    expect((await recentAudit()).filter((a) => a.target?.userId === user.id)).toEqual([]); // refusals are not audited, as CARD_BOUND
    // The factory secrets still work.
    const p = await session(transport);
    await p.authenticate(DEFAULT_MANAGEMENT_KEY, 'TDES');
    await p.verifyPin('123456');
    await p.changePuk('12345678', '12345678');
    await transport.close();
  });

  it('rolls an interrupted YubiKey issuance back to blank when its secrets cannot be reproduced', async () => {
    const { transport } = await cardInReader();
    const template = testTemplate({ issue: { ...testTemplate().issue, certificate: null } });
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
      issueCard({ transport: failing, masterKey: keyA, template, user: USER, operator: OPERATOR }),
    ).rejects.toThrow('pulled');
    expect(n).toBeGreaterThan(5);
    const keyB = await testMasterKey();
    const s = await issueCard({ transport, masterKey: keyB, template, user: USER, operator: OPERATOR });
    expect(s.rolledBack).toBe(true);
    expect((await getCard(s.cardId))?.state).toBe('issued');
    await (await session(transport)).verifyPin(s.activationPin!);
    await transport.close();
  });
});
