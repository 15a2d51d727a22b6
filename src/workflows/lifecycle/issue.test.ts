import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { deriveAdminSecrets, type CardIdentity } from '../../cards/admin-secrets';
import { chuidIdentification, openPivSession } from '../../cards/card';
import type { PivSession } from '../../piv/session';
import { KEY_REF, type ManagementKeyAlgorithm } from '../../piv/constants';
import { DEFAULT_MANAGEMENT_KEY } from '../../piv/management-key';
import { putExportTemplate } from '../../store/export-templates';
import { cardsOfUser, getCard, putCard, renameCard } from '../../store/registry';
import { lastUnfinishedRun } from '../../store/journal';
import type { CardTransport } from '../../transport/card-transport';
import {
  cardInReader,
  commandsAnswered,
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
});
