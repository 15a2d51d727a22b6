/**
 * The edges of the roll-back (issue-rollback.ts): an undo the card refuses too leaves the run open and
 * says what may be left; the next attempt, refused again, undoes from what the journal kept of the first
 * attempt (the CHUID it found, the factory key's algorithm); and a transport fault is not a refusal: the
 * run stays open and the next attempt resumes forward, as the fault sweep relies on.
 */
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { isAppError, type AppError } from '../../app-error';
import { openPivSession, readChuidOrNull } from '../../cards/card';
import { cardLines, lastUnfinishedRun } from '../../store/journal';
import type { CardTransport } from '../../transport/card-transport';
import { useLifecycleWorld } from '../../../test/lifecycle/lifecycle-fixtures';
import {
  cardAsFound,
  expectAsFound,
  issued,
  issueRefused,
  ROLLBACK_TEMPLATE,
} from '../../../test/lifecycle/rollback-fixtures';

const world = useLifecycleWorld();
beforeAll(() => world().publish('card', ROLLBACK_TEMPLATE));

/** GENERATE in 9A refused as an algorithm the card lacks (SP 800-73-4 Part 2 §3.3.2; 6A80). */
const GENERATE_REFUSED = { ins: 0x47, p2: 0x9a, sw: 0x6a80 } as const;

describe('when the undo itself is refused', () => {
  it('says what may be left, keeps the run open, and the next refused attempt undoes it from the journal', async () => {
    const found = await cardAsFound('yubikey-5.4');
    const { card, transport } = found;
    // The card refuses GENERATE, then SET MANAGEMENT KEY back to the factory key.
    const first = await issueRefused(world(), transport, {
      armed: { card, step: 'generate-key', refuse: [GENERATE_REFUSED, { ins: 0xff, sw: 0x6a84 }] },
    });
    expect(first.outcome).toMatchObject({
      layer: 'workflows',
      code: 'ROLLBACK_INCOMPLETE',
      fields: { step: 'generate-key', sw: 0x6a80, restored: 'pin,puk', left: 'management-key,chuid', keysLeft: '9a' },
      cause: { layer: 'piv', code: 'COMMAND_FAILED', fields: { sw: 0x6a84, operation: 'set-management-key' } },
    });
    const { cardId } = (first.outcome as AppError).fields as { cardId: string };
    expect(await lastUnfinishedRun(cardId)).toMatchObject({ operation: 'issue' });
    expect((await readChuidOrNull(await openPivSession(transport)))?.guid).toBe(first.user.id);

    // Same holder, the card still lacking the algorithm: the run is taken up and undone, down to the CHUID
    // the first attempt found (none), and the 3DES factory key the card had before the probe moved it to AES-192.
    const armed = { card, step: 'generate-key', refuse: [GENERATE_REFUSED] } as const;
    const second = await issueRefused(world(), transport, { armed, user: first.user });
    expect(second.outcome).toMatchObject({ code: 'REFUSED_ROLLED_BACK', fields: { cardId, keysLeft: '9a' } });
    expect(second.events.find((e) => e.step === 'set-management-key')?.phase).toBe('skipped'); // resumed: derived key found
    const runs = new Set((await cardLines(cardId)).map((l) => l.runId));
    expect(runs.size).toBe(1);
    await expectAsFound(world(), found, 'TDES', { cardId, userId: first.user.id });
    await transport.close();
  });

  it('the run left open by a failed undo is finished forward once the card stops refusing', async () => {
    const found = await cardAsFound('piv-generic+ff');
    const { card, transport } = found;
    // The activation PIN refused, then the undo's RESET RETRY COUNTER back to 123456.
    const refuse = [{ ins: [0x24, 0x2c], p2: 0x80, sw: 0x6a80, times: 2 }];
    const first = await issueRefused(world(), transport, { armed: { card, step: 'set-pin', refuse } });
    expect(first.outcome).toMatchObject({
      code: 'ROLLBACK_INCOMPLETE',
      fields: { restored: '', left: 'pin,puk,management-key,chuid' },
    });
    const done = issued((await issueRefused(world(), transport, { user: first.user })).outcome);
    expect(done).toMatchObject({ resumed: true, rolledBack: false });
    await (await openPivSession(transport)).verifyPin(done.activationPin!);
    await transport.close();
  });
});

describe('a transport fault is not a refusal', () => {
  it('a card pulled at GENERATE leaves the run open, and the next attempt resumes it forward', async () => {
    const { transport } = await cardAsFound('yubikey-5.4');
    const pulled: CardTransport = {
      kind: 'simulator',
      readerName: 'pulled at GENERATE',
      atr: transport.atr,
      capabilities: transport.capabilities,
      close: async () => undefined,
      transmit: async (apdu: Uint8Array) => {
        if (apdu[1] === 0x47) throw new Error('pulled');
        return transport.transmit(apdu);
      },
    };
    const { outcome, user } = await issueRefused(world(), pulled);
    expect(isAppError(outcome)).toBe(false);
    expect((outcome as Error).message).toBe('pulled');
    const chuid = await readChuidOrNull(await openPivSession(transport));
    expect(chuid?.guid).toBe(user.id); // nothing undone
    const again = issued((await issueRefused(world(), transport, { user })).outcome);
    expect(again).toMatchObject({ resumed: true, rolledBack: false });
    await transport.close();
  });
});
