/**
 * Never half-issue (issue 16): for each card step of issuance from the first write on, the virtual card
 * refuses it with a status word once the step begins (simulator refusals.ts), and the run must end
 * `rolled-back` with the card as it was: its CHUID (or none), the factory management key, PUK and PIN, no
 * certificate, read as Blank, nothing issued in the service; the next Issue then starts afresh. Through
 * the real CCID driver, the real relay (PGlite) and IndexedDB (fake-indexeddb).
 */
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '../../app-error';
import type { CardRefusal } from '../../simulator/piv-card/virtual-piv-card';
import { cardLines } from '../../store/journal';
import { auditRows, commandsAnswered, useLifecycleWorld } from '../../../test/lifecycle/lifecycle-fixtures';
import {
  cardAsFound,
  expectAsFound,
  issued,
  issueRefused,
  ROLLBACK_PROFILES,
  ROLLBACK_TEMPLATE,
  type RollbackProfile,
} from '../../../test/lifecycle/rollback-fixtures';
import type { StepId } from './steps';

const world = useLifecycleWorld();
beforeAll(() => world().publish('card', ROLLBACK_TEMPLATE));

/** One row per card step after the first write begins: the step, what the card refuses, and the code raised. */
const ROWS: readonly { step: StepId; what: string; refuse: CardRefusal; code: string }[] = [
  {
    step: 'write-chuid',
    what: 'PUT DATA of the CHUID, 6A84 (no room)',
    refuse: { ins: 0xdb, sw: 0x6a84 },
    code: 'COMMAND_FAILED',
  },
  {
    step: 'set-management-key',
    what: 'SET MANAGEMENT KEY, 6A80 (the algorithm, after the probe took it)',
    refuse: { ins: 0xff, sw: 0x6a80 },
    code: 'ALGORITHM_NOT_SUPPORTED',
  },
  {
    step: 'set-puk',
    what: 'CHANGE REFERENCE DATA of the PUK, 6982',
    refuse: { ins: 0x24, p2: 0x81, sw: 0x6982 },
    code: 'SECURITY_STATUS',
  },
  {
    step: 'set-pin',
    what: 'the activation PIN (CHANGE REFERENCE DATA or RESET RETRY COUNTER), 6A80',
    refuse: { ins: [0x24, 0x2c], p2: 0x80, sw: 0x6a80 },
    code: 'INCORRECT_DATA',
  },
  {
    step: 'generate-key',
    what: 'GENERATE in 9A, 6A80 (an algorithm the card lacks)',
    refuse: { ins: 0x47, p2: 0x9a, sw: 0x6a80 },
    code: 'ALGORITHM_NOT_SUPPORTED',
  },
  {
    step: 'generate-key',
    what: 'the CSR signature by 9A (GENERAL AUTHENTICATE), 6982',
    refuse: { ins: 0x87, p2: 0x9a, sw: 0x6982 },
    code: 'SECURITY_STATUS',
  },
  {
    step: 'generate-card-auth-key',
    what: 'GENERATE in 9E, 6A80',
    refuse: { ins: 0x47, p2: 0x9e, sw: 0x6a80 },
    code: 'ALGORITHM_NOT_SUPPORTED',
  },
];

const CASES = (Object.keys(ROLLBACK_PROFILES) as RollbackProfile[]).flatMap((profile) =>
  ROWS.map((row) => ({ profile, ...row })),
);

describe('a card refusal mid-way through issuance is rolled back', () => {
  it.each(CASES)('$profile refuses $step: $what', async ({ profile, step, refuse, code }) => {
    const found = await cardAsFound(profile);
    const { card, transport } = found;
    const { outcome, events, user } = await issueRefused(world(), transport, {
      armed: { card, step, refuse: [refuse] },
    });
    expect(outcome).toMatchObject({
      layer: 'workflows',
      code: 'REFUSED_ROLLED_BACK',
      fields: { step, sw: refuse.sw, refused: code },
      cause: { layer: 'piv', code, fields: { sw: refuse.sw } },
    });
    const { cardId } = (outcome as AppError).fields as { cardId: string };
    // The card answered the refused command with the status word; the first write had begun before.
    const refused = (c: { ins: number; sw: number }) => [refuse.ins].flat().includes(c.ins) && c.sw === refuse.sw;
    expect(commandsAnswered(card).some(refused)).toBe(true);
    expect(events.some((e) => e.step === 'write-chuid' && e.phase === 'start')).toBe(true);
    const done = events.filter((e) => e.phase === 'done').map((e) => e.step);
    expect(done).toContain('authenticate');
    expect(done).not.toContain(step);
    await expectAsFound(world(), found, ROLLBACK_PROFILES[profile], { cardId, userId: user.id });
    const end = (await cardLines(cardId)).at(-1);
    expect(end?.detail).toMatchObject({ reason: code, step, sw: refuse.sw.toString(16).toUpperCase() });
    const rows = (await auditRows(world())).filter((r) => r.target.id === cardId && r.action === 'card.issue');
    expect(rows).toMatchObject([{ action: 'card.issue', outcome: 'refused' }]);

    // The refusal gone, Issue starts afresh (not a resume) and goes through: under the same card id, but
    // for a card known by a CHUID it did not have before (the undo deleted it), under a new FASC-N.
    card.clearRefusals();
    const again = issued((await issueRefused(world(), transport, { user })).outcome);
    expect(again).toMatchObject({ resumed: false, rolledBack: false });
    expect(again.cardId === cardId).toBe(profile !== 'piv-partial');
    expect(again.steps.find((e) => e.step === 'write-chuid')?.phase).toBe('done');
    await transport.close();
  });
});
