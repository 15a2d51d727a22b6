/**
 * Activation with "System generate Entra ID TAP code": the TAP is created through the real Graph client
 * against the Entra emulator (https), and each Initiate Card export is handed to the relay sender (the
 * outside boundary, recorded here).
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { tapGraphAs } from '../../../test/support/test-entra';
import { useEntraAndRelay } from '../../../test/support/entra-and-relay';
import { auditRows, OPERATOR, portsOf, testTemplate, issuedInReader } from '../../../test/lifecycle/lifecycle-fixtures';
import { PEOPLE } from '../../../test/support/relay-world';
import { logLinesSource } from '../../../test/support/secrecy-sources';
import { emailExport } from '../../../test/workflows/email-export';
import { secretsLeft } from '../../../test/workflows/secrets-left';
import type { TapContext } from '../request-tap';
import { activateCard } from './activate';

const { emulator, world } = useEntraAndRelay();

const exportTemplate = emailExport({
  id: 'exp-welcome',
  name: 'Welcome',
  subject: 'Your pass',
  text: 'Code ${AadTapCode}',
  html: '<p>${AadTapCode}</p>',
});

describe('activateCard with an Initiate Card TAP', () => {
  it('creates the TAP with the template expiry settings and sends each export email', async () => {
    const holder = emulator().tenant.byDisplayName('Ben Member');
    const graph = tapGraphAs(emulator(), 'Aisha Operator');
    const sent: { values: Record<string, string | undefined>; key: string; template: unknown }[] = [];
    const ports = portsOf(world());
    const tapContext: TapContext = {
      graph,
      operator: OPERATOR,
      audit: ports.audit,
      sendMail: async (request, key) => {
        sent.push({ values: request.values ?? {}, key, template: request.template });
        return { messageId: 'm-1', accepted: [holder.userPrincipalName], requestId: 'r-1' };
      },
    };
    await world().publish('export', exportTemplate);
    // Send email automatically off: activation honours it and sends nothing with this one.
    await world().publish('export', { ...exportTemplate, id: 'exp-held', name: 'Held', sendAutomatically: false });
    const base = testTemplate();
    const template = {
      ...base,
      tap: { ...base.tap, enabled: true, lifetimeOverrideMinutes: 90, usableOnce: true },
      initiate: { systemGeneratesTap: true, exportTemplateIds: ['exp-welcome', 'exp-held'] },
    };
    const user = { id: holder.id, upn: holder.userPrincipalName, displayName: holder.displayName };
    await world().publish('card', template);
    const { transport, issued } = await issuedInReader(world(), { user, template });
    const a = await activateCard({
      transport,
      activationPin: issued.activationPin!,
      newPin: '13572468',
      template,
      ports,
      tapContext,
    });
    const tap = emulator().control.tapFor(holder.id)!;
    expect(tap).toMatchObject({ lifetimeInMinutes: 90, isUsableOnce: true });
    expect(a.tap).toMatchObject({
      status: 'created',
      tapId: tap.id,
      deliveries: [{ status: 'sent' }, { status: 'held', templateName: 'Held', exportTemplateId: 'exp-held' }],
      unrecorded: null,
      // Composed for the operator to send or not: the pass (its code in memory only) and the holder's entry.
      held: [
        {
          template: { record: { id: 'exp-held' }, version: 1 },
          user: { id: holder.id, mail: holder.mail },
          tap: { id: tap.id, temporaryAccessPass: tap.temporaryAccessPass },
          showCode: false,
        },
      ],
    });
    // Its id (never its code) is recorded against the card, so retiring the card removes it.
    expect(await ports.registry.pass(a.cardId)).toMatchObject({ tapId: tap.id, userOid: holder.id });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.values.AadTapCode).toBe(tap.temporaryAccessPass);
    // The relay renders the published version named; the card's variables are filled, never empty.
    expect(sent[0]!.template).toEqual({ id: 'exp-welcome', version: 1 });
    // Named as every email names a card (src/relay-api/tap-rules.ts): the relay's holder emails say the same.
    expect(sent[0]!.values).toMatchObject({
      CardSerial: String(a.cardId.replace('serial:', '')),
      CredentialType: 'YubiKey',
    });
    const rows = await auditRows(world());
    const about = (action: string) => rows.find((r) => r.action === action);
    const ben = { type: 'user', id: holder.id, label: 'Ben Member' };
    expect(about('tap.create')).toMatchObject({
      actor: { name: PEOPLE.olivia.name },
      target: ben,
      outcome: 'succeeded',
    });
    expect(about('mail.send')).toMatchObject({ target: ben, outcome: 'succeeded' });
    await transport.close();
    const secrets = {
      'the pass': tap.temporaryAccessPass!,
      'the activation PIN': issued.activationPin!,
      'the new PIN': '13572468',
    };
    expect(await secretsLeft(world(), [logLinesSource('the audit trail', rows)], secrets)).toEqual([]);
  });
});
