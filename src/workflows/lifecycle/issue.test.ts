import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { deriveAdminSecrets, type CardIdentity } from '../../cards/admin-secrets';
import { ApduChannel } from '../../apdu/channel';
import { PivSession } from '../../piv/session';
import { KEY_REF } from '../../piv/constants';
import { putExportTemplate } from '../../store/export-templates';
import { getCard } from '../../store/registry';
import { lastUnfinishedRun } from '../../store/journal';
import type { CardTransport } from '../../transport/card-transport';
import { cardInReader, OPERATOR, testMasterKey, testTemplate, USER } from '../../../test/lifecycle/lifecycle-fixtures';
import { activateCard } from './activate';
import type { SendMail } from './deliver-pin';
import { issueCard } from './issue';
import type { StepEvent } from './types';

async function session(t: CardTransport): Promise<PivSession> {
  return (await PivSession.open(new ApduChannel(t))).session;
}

describe('issueCard', () => {
  it('emails the activation PIN with the template\'s data export and returns no PIN', async () => {
    await putExportTemplate({
      id: 'exp-pin', name: 'Activation PIN', target: 'email', sendAutomatically: true, connector: 'relay', to: '${Mail}', cc: '',
      subject: 'Your card', text: 'PIN ${ActivationPin}', html: '', updatedAt: '2026-01-01T00:00:00.000Z',
    });
    const sent: Record<string, string | undefined>[] = [];
    const sendMail: SendMail = async (request) => {
      sent.push(request.values);
      return { messageId: 'm', accepted: [USER.upn], requestId: 'r' };
    };
    const base = testTemplate();
    const template = { ...base, issue: { ...base.issue, certificate: null, activationPin: { delivery: 'email' as const, exportTemplateId: 'exp-pin' } } };
    const { transport } = await cardInReader();
    const s = await issueCard({ transport, masterKey: await testMasterKey(), template, user: USER, operator: OPERATOR, sendMail });
    expect(s.activationPin).toBeUndefined();
    expect(s.delivery).toMatchObject({ method: 'email', status: 'sent' });
    const pin = (sent[0] as Record<string, string>)['ActivationPin']!;
    expect(pin).toMatch(/^\d{8}$/);
    await (await session(transport)).verifyPin(pin);
    await transport.close();
  });


  it.each(['yubikey-5.7', 'yubikey-5.4', 'piv-generic'] as const)('issues a blank %s: binding, derived secrets, activation PIN, CSR, registry', async (profile) => {
    const { transport } = await cardInReader(profile);
    const masterKey = await testMasterKey();
    const events: StepEvent[] = [];
    const s = await issueCard({ transport, masterKey, template: testTemplate(), user: USER, operator: OPERATOR, onStep: (e) => events.push(e) });
    expect(events.filter((e) => e.phase === 'done').map((e) => e.step)).toEqual(
      ['detect', 'authenticate', 'write-chuid', 'set-management-key', 'set-puk', 'set-pin', 'generate-key', 'register'],
    );
    expect(s.activationPin).toMatch(/^\d{8}$/); // the policy allows 6–8: the longest is used
    expect(s.csrPem).toContain('BEGIN CERTIFICATE REQUEST');
    expect(s.managementKey).toBe(profile === 'piv-generic' ? 'unchangeable' : 'derived');
    const rec = await getCard(s.cardId);
    expect(rec).toMatchObject({ state: 'issued', userId: USER.id, templateId: 'tpl-1' });
    expect(await lastUnfinishedRun(s.cardId)).toBeUndefined();
    const p = await session(transport);
    expect((await p.readChuid()).guid).toBe(USER.id);
    if (profile !== 'piv-generic') {
      const identity: CardIdentity = { serial: rec!.serial! };
      const { managementKey, puk } = await deriveAdminSecrets(masterKey, identity, 'AES192');
      await p.authenticate(managementKey, 'AES192');
      expect((await p.getMetadata(KEY_REF.PUK)).isDefault).toBe(false);
      await p.changePuk(puk, puk);
    }
    await p.verifyPin(s.activationPin!);
    await transport.close();
  });

  it('activates: wrong activation PIN → PIN_INVALID with tries left and no registry change; right one → active', async () => {
    const { transport } = await cardInReader();
    const masterKey = await testMasterKey();
    const template = testTemplate();
    const issued = await issueCard({ transport, masterKey, template, user: USER, operator: OPERATOR });
    await expect(activateCard({ transport, activationPin: '00000000', newPin: '24681357', template })).rejects.toMatchObject({ layer: 'piv', code: 'PIN_INVALID', fields: { retriesLeft: 2 } });
    expect((await getCard(issued.cardId))?.state).toBe('issued');
    await expect(activateCard({ transport, activationPin: issued.activationPin!, newPin: '12a45b', template })).rejects.toMatchObject({ code: 'PIN_POLICY' });
    const a = await activateCard({ transport, activationPin: issued.activationPin!, newPin: '24681357', template });
    expect(a.tap).toEqual({ status: 'not-requested' });
    expect((await getCard(issued.cardId))?.state).toBe('active');
    await (await session(transport)).verifyPin('24681357');
    expect(await lastUnfinishedRun(issued.cardId)).toBeUndefined();
    await transport.close();
  });

  it('rolls an interrupted YubiKey issuance back to blank when its secrets cannot be reproduced', async () => {
    const { transport } = await cardInReader();
    const template = testTemplate({ issue: { ...testTemplate().issue, certificate: null } });
    const keyA = await testMasterKey();
    // The card is pulled at CHANGE REFERENCE DATA for the PUK, after the management key was changed.
    let n = 0;
    const failing: CardTransport = {
      kind: 'simulator', readerName: 'wrapped', atr: transport.atr, capabilities: transport.capabilities, close: async () => undefined,
      transmit: async (apdu: Uint8Array) => {
        n += 1;
        if (apdu[1] === 0x24 && apdu[3] === 0x81) throw new Error('pulled');
        return transport.transmit(apdu);
      },
    };
    await expect(issueCard({ transport: failing, masterKey: keyA, template, user: USER, operator: OPERATOR })).rejects.toThrow('pulled');
    expect(n).toBeGreaterThan(5);
    const keyB = await testMasterKey();
    const s = await issueCard({ transport, masterKey: keyB, template, user: USER, operator: OPERATOR });
    expect(s.rolledBack).toBe(true);
    expect((await getCard(s.cardId))?.state).toBe('issued');
    await (await session(transport)).verifyPin(s.activationPin!);
    await transport.close();
  });
});
