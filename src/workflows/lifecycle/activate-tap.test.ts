/**
 * Activation with "System generate Entra ID TAP code": the TAP is created through the real Graph client
 * against the Entra emulator (https), and each Initiate Card export is handed to the relay sender (the
 * outside boundary, recorded here).
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EntraEmulator } from '../../../demo/entra-emulator/index';
import { startTestEntra } from '../../../test/support/test-entra';
import { testTls } from '../../../test/support/test-tls';
import { cardInReader, OPERATOR, testMasterKey, testTemplate } from '../../../test/lifecycle/lifecycle-fixtures';
import { createGraphTransport } from '../../entra/graph-adapter';
import { putExportTemplate } from '../../store/export-templates';
import { recentAudit } from '../../store/audit';
import type { TapContext } from '../request-tap';
import { activateCard } from './activate';
import { issueCard } from './issue';

let emulator: EntraEmulator & { port: number };
beforeAll(async () => {
  emulator = await startTestEntra(testTls());
});
afterAll(() => emulator.close());

const exportTemplate = {
  id: 'exp-welcome',
  name: 'Welcome',
  target: 'email',
  sendAutomatically: true,
  connector: 'relay',
  to: '${Mail}',
  cc: '',
  subject: 'Your pass',
  text: 'Code ${AadTapCode}',
  html: '<p>${AadTapCode}</p>',
  updatedAt: '2026-01-01T00:00:00.000Z',
} as const;

describe('activateCard with an Initiate Card TAP', () => {
  it('creates the TAP with the template expiry settings and sends each export email', async () => {
    const operator = emulator.tenant.byDisplayName('Aisha Operator');
    const holder = emulator.tenant.byDisplayName('Ben Member');
    const graph = createGraphTransport({
      baseUrl: emulator.graphBaseUrl,
      getToken: () =>
        emulator.control.mintAccessToken({
          userId: operator.id,
          audience: 'graph',
          scopes: ['User.Read.All', 'UserAuthMethod-TAP.ReadWrite.All'],
        }),
    });
    const sent: { values: Record<string, string | undefined>; key: string; to: string }[] = [];
    const tapContext: TapContext = {
      graph,
      operator: OPERATOR,
      sendMail: async (request, key) => {
        sent.push({ values: request.values, key, to: request.template.to });
        return { messageId: 'm-1', accepted: [holder.userPrincipalName], requestId: 'r-1' };
      },
    };
    await putExportTemplate(exportTemplate);
    const base = testTemplate();
    const template = {
      ...base,
      tap: { ...base.tap, enabled: true, lifetimeOverrideMinutes: 90, usableOnce: true },
      initiate: { systemGeneratesTap: true, exportTemplateIds: ['exp-welcome'] },
    };
    const { transport } = await cardInReader();
    const masterKey = await testMasterKey();
    const user = { id: holder.id, upn: holder.userPrincipalName, displayName: holder.displayName };
    const issued = await issueCard({ transport, masterKey, template, user, operator: OPERATOR });
    const a = await activateCard({
      transport,
      activationPin: issued.activationPin!,
      newPin: '13572468',
      template,
      tapContext,
    });
    const tap = emulator.control.tapFor(holder.id)!;
    expect(tap).toMatchObject({ lifetimeInMinutes: 90, isUsableOnce: true });
    expect(a.tap).toMatchObject({ status: 'created', tapId: tap.id, deliveries: [{ status: 'sent' }] });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.values.AadTapCode).toBe(tap.temporaryAccessPass);
    const audit = JSON.stringify(await recentAudit(20));
    expect(audit).toContain(tap.id);
    expect(audit).not.toContain(tap.temporaryAccessPass);
    await transport.close();
  });
});
