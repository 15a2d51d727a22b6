/**
 * Never half-issue (issue 16): the card of the report, and a refusal per precondition, each before
 * write-chuid. The report: a PIV applet answering GET VERSION 5.7.0 was given an AES-192 management key
 * by family; its SET MANAGEMENT KEY refused it (6A80) after the CHUID naming the holder was written, and
 * the card kept its factory management key. Through the real relay (PGlite) and the virtual card behind
 * the real CCID driver.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { isAppError, type AppError } from '../../app-error';
import { freshChuid, openPivSession } from '../../cards/card';
import { DEFAULT_MANAGEMENT_KEY } from '../../piv/management-key';
import { cardLines, lastUnfinishedRun } from '../../store/journal';
import { createSimulatorTransport } from '../../simulator/simulator-transport';
import { createVirtualPivCard } from '../../simulator/piv-card/virtual-piv-card';
import {
  auditRows,
  CARD_CHANGES,
  cardInReader,
  cardSnapshot,
  commandsAnswered,
  portsOf,
  testTemplate,
  USER,
  useLifecycleWorld,
} from '../../../test/lifecycle/lifecycle-fixtures';
import type { CardTransport } from '../../transport/card-transport';
import { issueCard } from './issue';
import type { StepEvent } from './types';

const world = useLifecycleWorld();

/** Issues to a holder of its own; the error (or summary) and the step events. */
async function attempt(transport: CardTransport, templateId = 'tpl-1') {
  const events: StepEvent[] = [];
  const user = { ...USER, id: crypto.randomUUID() };
  const outcome = await issueCard({
    transport,
    templateId,
    user,
    ports: portsOf(world()),
    onStep: (e) => events.push(e),
  }).catch((e: unknown) => e as AppError);
  return { outcome, events, user };
}

/** Checks the run was closed as rolled back with no card step after authenticate, and nothing recorded. */
async function closedUntouched(cardId: string): Promise<void> {
  expect((await cardLines(cardId)).map((l) => `${l.step}:${l.phase}`)).toEqual([
    'detect:before',
    'detect:after',
    'authenticate:before',
    'end:rolled-back',
  ]);
  expect(await lastUnfinishedRun(cardId)).toBeUndefined();
  expect(await portsOf(world()).registry.card(cardId)).toBeNull();
}

describe('the card of the report (reports 5.7.0, takes 3DES only, serial 0)', () => {
  it('refuses AES-192 after a CHUID write when asked the old way: the half-issue as reported', async () => {
    const { transport } = await cardInReader('piv-partial');
    const p = await openPivSession(transport);
    await p.authenticate(DEFAULT_MANAGEMENT_KEY, 'TDES');
    await p.writeChuid(freshChuid(USER.id));
    const refused = await p.setManagementKey('AES192', DEFAULT_MANAGEMENT_KEY.slice()).catch((e: unknown) => e);
    // Now distinguishable from any other failure, where it was COMMAND_FAILED.
    expect(refused).toMatchObject({ layer: 'piv', code: 'ALGORITHM_NOT_SUPPORTED', fields: { sw: 0x6a80 } });
    expect((await p.readChuid()).guid).toBe(USER.id);
    await p.authenticate(DEFAULT_MANAGEMENT_KEY, 'TDES'); // the factory key still opens it: half-issued
    await transport.close();
  });

  it('is now asked first: AES-192 refused at the probe, 3DES taken, every SET MANAGEMENT KEY before the first write', async () => {
    const { card, transport } = await cardInReader('piv-partial');
    const { outcome, events } = await attempt(transport);
    expect(isAppError(outcome)).toBe(false);
    const auth = events.find((e) => e.step === 'authenticate' && e.phase === 'done');
    expect(auth?.detail).toMatchObject({ keyState: 'default', algorithm: 'TDES', target: 'TDES' });
    const answered = commandsAnswered(card);
    const firstWrite = answered.findIndex((c) => c.ins === 0xdb);
    const sets = answered.flatMap((c, i) => (c.ins === 0xff ? [[i, c.sw] as const] : []));
    expect(sets.map(([, sw]) => sw)).toEqual([0x6a80, 0x9000, 0x9000]); // probe AES-192, probe 3DES, derived 3DES
    expect(sets[1]![0]).toBeLessThan(firstWrite);
    await transport.close();
  });
});

describe('a refusal per precondition, before write-chuid', () => {
  it('a template key algorithm the card lacks: refused before the card is touched', async () => {
    await world().publish('card', testTemplate({ id: 'tpl-p384', name: 'P-384 in 9A', issue: p384Issue() }));
    const { card, transport } = await cardInReader('yubikey-neo'); // the NEO has no P-384
    const before = card.log.length;
    const { outcome, events } = await attempt(transport, 'tpl-p384');
    expect(outcome).toMatchObject({
      layer: 'workflows',
      code: 'KEY_ALGORITHM_UNSUPPORTED',
      fields: { algorithm: 'ECCP384', available: 'RSA1024, RSA2048, ECCP256' },
    });
    expect(events).toEqual([]);
    const answered = commandsAnswered(card).slice(before / 2);
    expect(answered.filter((c) => CARD_CHANGES.has(c.ins) || c.ins === 0x87)).toEqual([]);
    await transport.close();
  });

  it('AES and 3DES both refused by SET MANAGEMENT KEY: MANAGEMENT_KEY_ALGORITHM_REFUSED, the card as it was', async () => {
    const card = createVirtualPivCard({ profile: 'piv-partial' });
    const refusing = {
      atr: card.atr,
      handleApdu: async (apdu: Uint8Array) => (apdu[1] === 0xff ? Uint8Array.of(0x6a, 0x80) : card.handleApdu(apdu)),
    };
    const transport = await createSimulatorTransport({ card: refusing });
    const before = await cardSnapshot(transport);
    const { outcome, events } = await attempt(transport);
    expect(outcome).toMatchObject({
      layer: 'cards',
      code: 'MANAGEMENT_KEY_ALGORITHM_REFUSED',
      fields: { refused: 'AES192,TDES', cardId: expect.stringMatching(/^chuid:/) },
    });
    expect(events.filter((e) => e.phase === 'done').map((e) => e.step)).toEqual(['detect']);
    expect(commandsAnswered(card).filter((c) => CARD_CHANGES.has(c.ins) && c.sw === 0x9000)).toEqual([]);
    expect(await cardSnapshot(transport)).toEqual(before);
    await closedUntouched((outcome as AppError).fields.cardId as string);
    await transport.close();
  });

  it.each(['yubikey-5.7', 'yubikey-4'] as const)(
    'a %s on its factory management key with a PUK changed elsewhere: PUK_NOT_FACTORY, nothing written',
    async (profile) => {
      const { card, transport } = await cardInReader(profile);
      await (await openPivSession(transport)).changePuk('12345678', '87654321');
      const before = await cardSnapshot(transport);
      const { outcome, user } = await attempt(transport);
      expect(outcome).toMatchObject({ layer: 'cards', code: 'PUK_NOT_FACTORY' });
      const cardId = (outcome as AppError).fields.cardId as string;
      expect(cardId).toMatch(profile === 'yubikey-4' ? /^chuid:/ : /^serial:/);
      expect(commandsAnswered(card).filter((c) => c.ins === 0xdb)).toEqual([]);
      expect(await cardSnapshot(transport)).toEqual(before);
      await closedUntouched(cardId);
      const rows = (await auditRows(world())).filter((r) => r.target.id === cardId);
      expect(rows).toMatchObject([
        { action: 'card.issue', outcome: 'refused', target: { label: expect.stringContaining(user.displayName) } },
      ]);
      await transport.close();
    },
  );
});

describe('cards reporting serial 0', () => {
  it('two of them issued to one holder get two ids and two management keys', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { transport } = await cardInReader('yubikey-5.7', 0);
      const s = await issueCard({
        transport,
        templateId: 'tpl-1',
        user: USER,
        ports: portsOf(world()),
      });
      ids.push(s.cardId);
      await transport.close();
    }
    expect(ids[0]).toMatch(/^chuid:[0-9a-f]{50}$/);
    expect(ids[1]).toMatch(/^chuid:[0-9a-f]{50}$/);
    expect(ids[0]).not.toBe(ids[1]);
    expect(ids.some((id) => id.includes('serial'))).toBe(false);
  });
});

/** The test template's issuance, enrolling ECC P-384 in 9A. */
function p384Issue() {
  const issue = testTemplate().issue;
  return { ...issue, certificate: { ...issue.certificate!, algorithm: 'ECCP384' as const } };
}
