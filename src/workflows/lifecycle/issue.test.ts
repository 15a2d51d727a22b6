import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../bytes';
import { deriveAdminSecrets, type CardIdentity } from '../../cards/admin-secrets';
import { chuidIdentification, openPivSession } from '../../cards/card';
import type { PivSession } from '../../piv/session';
import { isAppError, type AppError } from '../../app-error';
import { KEY_REF, OBJECT_TAG, type ManagementKeyAlgorithm } from '../../piv/constants';
import { DEFAULT_MANAGEMENT_KEY } from '../../piv/management-key';
import { recentAudit } from '../../store/audit';
import { putExportTemplate } from '../../store/export-templates';
import { cardsOfUser, getCard, putCard, renameCard } from '../../store/registry';
import { cardLines, lastUnfinishedRun } from '../../store/journal';
import type { CardTransport } from '../../transport/card-transport';
import type { VirtualPivCard } from '../../transport/simulator/piv-card/virtual-piv-card';
import {
  cardInReader,
  ISSUE_STEPS_IN_ORDER,
  OPERATOR,
  testMasterKey,
  testTemplate,
  USER,
} from '../../../test/lifecycle/lifecycle-fixtures';
import type { SendMail } from './deliver-pin';
import { inspectCard } from './inspect';
import { issueCard } from './issue';
import type { StepEvent } from './types';

const session = (t: CardTransport): Promise<PivSession> => openPivSession(t);

/** Instructions that change a card: PUT DATA, CHANGE REFERENCE DATA, RESET RETRY COUNTER, GENERATE, and Yubico's IMPORT KEY, SET MANAGEMENT KEY, RESET, SET PIN RETRIES. */
const CARD_CHANGES = new Set([0xdb, 0x24, 0x2c, 0x47, 0xfe, 0xff, 0xfb, 0xfa]);

/** Each command the virtual card answered, with its status word (from the card's own redacted log). */
function commandsAnswered(card: VirtualPivCard): { ins: number; sw: number }[] {
  return card.log.flatMap((e, i) =>
    e.direction === 'command' && card.log[i + 1]?.direction === 'response'
      ? [{ ins: e.ins, sw: card.log[i + 1]!.sw! }]
      : [],
  );
}

/** What a host can read of a card: every PIV data object (bytes or the error code) and the PIN status. */
async function cardSnapshot(t: CardTransport): Promise<Record<string, unknown>> {
  const p = await session(t);
  const out: Record<string, unknown> = {};
  for (const [name, tag] of Object.entries(OBJECT_TAG))
    out[name] = await p.readObject(tag).then(toHex, (e: unknown) => (isAppError(e) ? e.code : String(e)));
  out['pin'] = await p.getPinStatus();
  return out;
}

describe('issueCard', () => {
  it("emails the activation PIN with the template's data export and returns no PIN", async () => {
    await putExportTemplate({
      id: 'exp-pin',
      name: 'Activation PIN',
      target: 'email',
      sendAutomatically: true,
      connector: 'relay',
      to: '${Mail}',
      cc: '',
      subject: 'Your card',
      text: 'PIN ${ActivationPin}',
      html: '',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    const sent: Record<string, string | undefined>[] = [];
    const sendMail: SendMail = async (request) => {
      sent.push(request.values);
      return { messageId: 'm', accepted: [USER.upn], requestId: 'r' };
    };
    const base = testTemplate();
    const template = {
      ...base,
      issue: {
        ...base.issue,
        certificate: null,
        activationPin: { delivery: 'email' as const, exportTemplateId: 'exp-pin' },
      },
    };
    const { transport } = await cardInReader();
    const s = await issueCard({
      transport,
      masterKey: await testMasterKey(),
      template,
      user: USER,
      operator: OPERATOR,
      sendMail,
    });
    expect(s.activationPin).toBeUndefined();
    expect(s.delivery).toMatchObject({ method: 'email', status: 'sent' });
    const pin = (sent[0] as Record<string, string>)['ActivationPin']!;
    expect(pin).toMatch(/^\d{8}$/);
    await (await session(transport)).verifyPin(pin);
    await transport.close();
  });

  it.each(['yubikey-5.7', 'yubikey-5.4', 'piv-generic+ff'] as const)(
    'issues a blank %s: binding, derived secrets, activation PIN, CSR, registry',
    async (profile) => {
      const { card, transport } = await cardInReader(profile);
      const masterKey = await testMasterKey();
      const events: StepEvent[] = [];
      const s = await issueCard({
        transport,
        masterKey,
        template: testTemplate(),
        user: USER,
        operator: OPERATOR,
        onStep: (e) => events.push(e),
      });
      expect(events.filter((e) => e.phase === 'done').map((e) => e.step)).toEqual([...ISSUE_STEPS_IN_ORDER]);
      expect(s.activationPin).toMatch(/^\d{8}$/); // the policy allows 6–8: the longest is used
      expect(s.csrPem).toContain('BEGIN CERTIFICATE REQUEST');
      const rec = await getCard(s.cardId);
      expect(rec).toMatchObject({ state: 'issued', userId: USER.id, templateId: 'tpl-1' });
      expect(await lastUnfinishedRun(s.cardId)).toBeUndefined();
      // The change probe (SET MANAGEMENT KEY, accepted) came before the first write (PUT DATA, the CHUID).
      const answered = commandsAnswered(card);
      expect(answered.findIndex((c) => c.ins === 0xff && c.sw === 0x9000)).toBeGreaterThan(-1);
      expect(answered.findIndex((c) => c.ins === 0xff)).toBeLessThan(answered.findIndex((c) => c.ins === 0xdb));
      const p = await session(transport);
      const chuid = await p.readChuid();
      expect(chuid.guid).toBe(USER.id);
      const generic = profile === 'piv-generic+ff';
      const [identity, algorithm]: [CardIdentity, ManagementKeyAlgorithm] = generic
        ? [chuidIdentification(chuid).identity, 'TDES']
        : [{ serial: rec!.serial! }, 'AES192'];
      expect(s.cardId).toBe(generic ? chuidIdentification(chuid).cardId : `serial:${rec!.serial}`);
      if (generic) expect(s.cardId).toMatch(/^chuid:[0-9a-f]{50}$/); // the 25-byte FASC-N (SP 800-73-4 Part 1 §3.1.2)
      // Never left at the factory key: its bytes no longer authenticate (under the key's algorithm now); the derived key does.
      await expect(p.authenticate(DEFAULT_MANAGEMENT_KEY, algorithm)).rejects.toMatchObject({ code: 'AUTH_FAILED' });
      const { managementKey, puk } = await deriveAdminSecrets(masterKey, identity, algorithm);
      await p.authenticate(managementKey, algorithm);
      if (!generic) expect((await p.getMetadata(KEY_REF.PUK)).isDefault).toBe(false);
      await p.changePuk(puk, puk);
      await p.verifyPin(s.activationPin!);
      await transport.close();
    },
  );

  it('registers two generic cards of one holder apart (by FASC-N), and moves a record an earlier version keyed by GUID', async () => {
    const user = { ...USER, id: crypto.randomUUID() };
    const masterKey = await testMasterKey();
    const first = await cardInReader('piv-generic+ff');
    const second = await cardInReader('piv-generic+ff');
    const a = await issueCard({
      transport: first.transport,
      masterKey,
      template: testTemplate(),
      user,
      operator: OPERATOR,
    });
    const b = await issueCard({
      transport: second.transport,
      masterKey,
      template: testTemplate(),
      user,
      operator: OPERATOR,
    });
    expect(a.cardId).not.toBe(b.cardId);
    expect((await cardsOfUser(user.id)).map((r) => r.cardId).sort()).toEqual([a.cardId, b.cardId].sort());
    // An earlier version's record of the first card, under `chuid:<GUID hex>`, moves to its FASC-N id on the next read.
    const legacyId = `chuid:${user.id.replace(/-/g, '')}`;
    await renameCard(a.cardId, legacyId);
    await putCard({ ...(await getCard(legacyId))!, state: 'active' });
    const status = await inspectCard(first.transport);
    expect(status.record).toMatchObject({ cardId: a.cardId, state: 'active', userId: user.id });
    expect(await getCard(legacyId)).toBeUndefined();
    await first.transport.close();
    await second.transport.close();
  });

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
