import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { deriveAdminSecrets, type CardIdentity } from '../../cards/admin-secrets';
import { chuidIdentification, openPivSession } from '../../cards/card';
import type { PivSession } from '../../piv/session';
import { KEY_REF, type ManagementKeyAlgorithm } from '../../piv/constants';
import { DEFAULT_MANAGEMENT_KEY } from '../../piv/management-key';
import { toBase64 } from '../../bytes';
import { lastUnfinishedRun } from '../../store/journal';
import type { CardTransport } from '../../transport/card-transport';
import {
  cardInReader,
  commandsAnswered,
  auditRows,
  ISSUE_STEPS_IN_ORDER,
  portsOf,
  testTemplate,
  USER,
  useLifecycleWorld,
} from '../../../test/lifecycle/lifecycle-fixtures';
import { PEOPLE } from '../../../test/support/relay-world';
import { emailExport } from '../../../test/workflows/email-export';
import type { SendMail } from './deliver-pin';
import { issueCard } from './issue';
import type { StepId } from './steps';

const session = (t: CardTransport): Promise<PivSession> => openPivSession(t);

const world = useLifecycleWorld();

/** Issues the card behind `transport` to {@link USER} under `templateId`; with the steps it finished, in order. */
async function issueToUser(transport: CardTransport, templateId: string) {
  const done: StepId[] = [];
  const ports = portsOf(world());
  const s = await issueCard({
    transport,
    templateId,
    user: USER,
    ports,
    onStep: (e) => {
      if (e.phase === 'done') done.push(e.step);
    },
  });
  return { s, ports, done };
}

describe('issueCard', () => {
  it("emails the activation PIN with the template's data export, returns no PIN, and audits the email", async () => {
    await world().publish(
      'export',
      emailExport({ id: 'exp-pin', name: 'Activation PIN', subject: 'Your card', text: 'PIN ${ActivationPin}' }),
    );
    const sent: Record<string, string | undefined>[] = [];
    const sendMail: SendMail = async (request) => {
      sent.push(request.values ?? {});
      return { messageId: 'm', accepted: [USER.upn], requestId: 'r' };
    };
    const base = testTemplate();
    await world().publish('card', {
      ...base,
      id: 'tpl-mail',
      issue: {
        ...base.issue,
        certificate: null,
        activationPin: { delivery: 'email' as const, exportTemplateId: 'exp-pin' },
      },
    });
    const { transport } = await cardInReader();
    const s = await issueCard({
      transport,
      templateId: 'tpl-mail',
      user: USER,
      ports: portsOf(world()),
      sendMail,
    });
    expect(s.activationPin).toBeUndefined();
    const rows = await auditRows(world());
    expect(rows.find((r) => r.action === 'pin.deliver')).toMatchObject({
      actor: { name: PEOPLE.olivia.name },
      target: { type: 'card', id: s.cardId, label: `${s.cardId} (${USER.displayName})` },
      outcome: 'succeeded',
    });
    expect(s.delivery).toMatchObject({ method: 'email', status: 'sent' });
    const pin = (sent[0] as Record<string, string>)['ActivationPin']!;
    expect(pin).toMatch(/^\d{8}$/);
    await (await session(transport)).verifyPin(pin);
    await transport.close();
  });

  it.each(['yubikey-5.7', 'yubikey-5.4', 'piv-generic+ff'] as const)(
    'issues a blank %s: binding, derived secrets, activation PIN, CSR, and the service records it',
    async (profile) => {
      const { card, transport } = await cardInReader(profile);
      const masterKey = await world().cardMasterKey();
      const { s, ports, done } = await issueToUser(transport, 'tpl-1');
      expect(done).toEqual([...ISSUE_STEPS_IN_ORDER]);
      expect(s.activationPin).toMatch(/^\d{8}$/); // the policy allows 6–8: the longest is used
      expect(s.csrPem).toContain('BEGIN CERTIFICATE REQUEST');
      const rec = await ports.registry.card(s.cardId);
      expect(rec).toMatchObject({
        state: 'issued',
        version: 1,
        holder: { oid: USER.id, name: USER.displayName, upn: USER.upn },
        template: { id: 'tpl-1', version: 1 },
        credentialType: profile === 'piv-generic+ff' ? 'piv' : 'yubikey',
        chuidGuid: USER.id,
        issuedBy: { name: PEOPLE.olivia.name },
        keys: [{ slot: '9a', algorithm: 'ECCP256' }],
      });
      // The key the service records is the one the certificate request certifies.
      const { Pkcs10CertificateRequest } = await import('@peculiar/x509');
      const csrKey = new Pkcs10CertificateRequest(s.csrPem!).publicKey.rawData;
      expect(rec!.keys[0]!.publicKey).toBe(toBase64(new Uint8Array(csrKey)));
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

  it('registers two generic cards of one holder apart (by FASC-N)', async () => {
    const user = { ...USER, id: crypto.randomUUID() };
    const ports = portsOf(world());
    const first = await cardInReader('piv-generic+ff');
    const second = await cardInReader('piv-generic+ff');
    const a = await issueCard({ transport: first.transport, templateId: 'tpl-1', user, ports });
    const b = await issueCard({ transport: second.transport, templateId: 'tpl-1', user, ports });
    expect(a.cardId).not.toBe(b.cardId);
    expect((await ports.registry.cardsOf(user.id)).map((r) => r.cardId).sort()).toEqual([a.cardId, b.cardId].sort());
    await first.transport.close();
    await second.transport.close();
  });

  it('records the 9A and the 9E key when the template lets the holder unblock on the self-service page', async () => {
    const base = testTemplate();
    await world().publish('card', { ...base, id: 'tpl-unblock', issue: { ...base.issue, selfServiceUnblock: true } });
    const { transport } = await cardInReader('yubikey-5.7');
    const { s, ports, done } = await issueToUser(transport, 'tpl-unblock');
    expect(done).toEqual([...ISSUE_STEPS_IN_ORDER.slice(0, -1), 'generate-card-auth-key', 'register']);
    const keys = (await ports.registry.card(s.cardId))!.keys;
    expect(keys.map((k) => [k.slot, k.algorithm])).toEqual([
      ['9a', 'ECCP256'],
      ['9e', 'ECCP256'],
    ]);
    // The recorded 9E key is the card's: it verifies what 9E signs, with no PIN verified.
    const p = await session(transport);
    const data = crypto.getRandomValues(new Uint8Array(32));
    const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
    const signature = await p.signEcdsaRaw(KEY_REF.CARD_AUTH, 'ECCP256', hash);
    const spki = Uint8Array.from(atob(keys[1]!.publicKey), (ch) => ch.charCodeAt(0));
    const key = await crypto.subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    const ecdsa = { name: 'ECDSA', hash: 'SHA-256' };
    expect(await crypto.subtle.verify(ecdsa, key, Uint8Array.from(signature), data)).toBe(true);
    await transport.close();
  });
});
