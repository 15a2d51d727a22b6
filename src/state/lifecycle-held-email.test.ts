/**
 * Activation whose Initiate Card email is not sent automatically, through the Lifecycle page state over
 * the real seams: the demo's virtual reader, the relay at the deployment's address (its registry, card
 * keys, audit trail and `/api/mail`, sending to an SMTP catcher) and the Entra emulator for Graph. The
 * held email reaches nobody until the operator sends it from the summary; left unsent, nothing goes.
 */
import 'fake-indexeddb/auto';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SmtpCatcher } from '../../demo/smtp-catcher/index';
import { exportTemplate } from '../../relay/templates/template-fixture';
import { testTemplate } from '../../test/lifecycle/lifecycle-fixtures';
import { startMailingOperator, relayPorts, type MailingOperator } from '../../test/state/mailing-operator';
import { fakeMsalAdapter, until, type TestTenant } from '../../test/state/signed-in-operator';
import { scanForSecrets } from '../../test/support/secrecy-scan';
import { indexedDbSource } from '../../test/support/secrecy-sources';
import type { TenantRelay } from '../../test/support/tenant-relay';
import { publishTemplate } from '../relay-api/templates';
import { LifecycleState } from './lifecycle.svelte';
import { ReaderState } from './readers.svelte';
import { SessionState } from './session.svelte';

vi.mock('../entra/msal-adapter', () => fakeMsalAdapter);

let world: MailingOperator;
let tenant: TestTenant;
let catcher: SmtpCatcher;
let relay: TenantRelay;
let session: SessionState;
const ports = relayPorts;

const HELD = { ...exportTemplate('welcome-held'), name: 'Welcome (operator sends)', sendAutomatically: false };
const base = testTemplate();
const TEMPLATE = testTemplate({
  id: 'tpl-held',
  name: 'Held welcome',
  allowedCredentialTypes: ['yubikey'],
  tap: { ...base.tap, enabled: true },
  initiate: { systemGeneratesTap: true, exportTemplateIds: [HELD.id] },
});

beforeAll(async () => {
  world = await startMailingOperator();
  ({ tenant, catcher, relay, session } = world);
  await publishTemplate(session.operator!.relay(), 'export', HELD.id, 0, HELD);
  await publishTemplate(session.operator!.relay(), 'card', TEMPLATE.id, 0, { ...TEMPLATE });
}, 60_000);
afterAll(() => world?.close());
beforeEach(() => catcher.clear());

let nextSerial = 52_000_000;
const holder = (name: string) => tenant.emulator.tenant.byDisplayName(name);

/** The page with a blank card in the virtual reader issued to `name`, then activated: its summary open. */
async function activatedFor(name: string): Promise<LifecycleState> {
  const readers = new ReaderState();
  await readers.start({ demo: true, demoCardSerial: (nextSerial += 10) });
  const lifecycle = new LifecycleState(session, readers, ports);
  await lifecycle.enter();
  await readers.select('virtual:0');
  await until(() => lifecycle.card.status !== null);
  await lifecycle.open('issue');
  lifecycle.issuing.template = lifecycle.issuing.templates.find((t) => t.id === TEMPLATE.id) ?? null;
  tenant.signInNext('Aisha Operator', true);
  await lifecycle.reauthenticate();
  lifecycle.issuing.search.type(name);
  await until(() => lifecycle.issuing.search.results.length > 0);
  lifecycle.issuing.user = lifecycle.issuing.search.results[0]!;
  await lifecycle.issue();
  expect(lifecycle.error).toBeNull();
  const issued = lifecycle.result.summary;
  if (issued?.operation !== 'issue') throw new Error(`expected an issue summary, got ${issued?.operation}`);
  lifecycle.closeSummary();
  await lifecycle.activate(issued.result.activationPin!, '24681357', '24681357');
  expect(lifecycle.error).toBeNull();
  return lifecycle;
}

const auditActions = async () =>
  (
    await sql<{
      action: string;
      outcome: string;
      target_id: string;
    }>`select action, outcome, target_id from audit order by seq`.execute(relay.database.db)
  ).rows;

describe('LifecycleState: an Initiate Card email not sent automatically', () => {
  it('is held, composed with the code masked, until the operator sends it: then exactly one email with the code', async () => {
    const ben = holder('Ben Member');
    const lifecycle = await activatedFor('Ben');
    const summary = lifecycle.result.summary;
    if (summary?.operation !== 'activate') throw new Error('expected an activation summary');
    expect(summary.result.tap).toMatchObject({
      status: 'created',
      deliveries: [{ status: 'held', templateName: HELD.name, exportTemplateId: HELD.id }],
      // The code is not in the summary: only the held email the page holds carries it.
      held: [],
    });
    const code = tenant.emulator.control.tapFor(ben.id)!.temporaryAccessPass!;
    expect(lifecycle.result.heldEmails).toHaveLength(1);
    const held = lifecycle.result.heldEmails[0]!;
    expect(held.preview).toMatchObject({ to: [ben.mail], subject: HELD.subject });
    expect(held.preview!.text).not.toContain(code);
    expect(held.preview!.text).toContain('hidden');
    // Nothing went out with the activation.
    await new Promise((r) => setTimeout(r, 200));
    expect(catcher.messages()).toEqual([]);
    expect(await scanForSecrets([indexedDbSource()], [{ name: 'the pass', value: code }])).toEqual([]);

    await held.send();
    expect(held.delivery).toMatchObject({ status: 'sent', receipt: { accepted: [ben.mail] } });
    expect(held.pending).toBe(false);
    // A second click sends nothing more: the code went with the first.
    expect(await held.send()).toBeNull();
    const mail = await catcher.waitForMessage((m) => m.envelope.to.includes(ben.mail!), 5_000);
    expect(mail.text).toContain(code);
    await new Promise((r) => setTimeout(r, 200));
    expect(catcher.messages()).toHaveLength(1);
    const sends = (await auditActions()).filter((r) => r.action === 'mail.send' && r.target_id === ben.id);
    expect(sends).toEqual([{ action: 'mail.send', outcome: 'succeeded', target_id: ben.id }]);
    expect(await scanForSecrets([indexedDbSource()], [{ name: 'the pass', value: code }])).toEqual([]);
    lifecycle.closeSummary();
    expect(lifecycle.result.heldEmails).toEqual([]);
  });

  it('sends nothing when the operator leaves it unsent, and forgets it with the summary', async () => {
    const carla = holder('Carla Mendes');
    const lifecycle = await activatedFor('Carla');
    const held = lifecycle.result.heldEmails[0]!;
    expect(held.pending).toBe(true);
    held.discard();
    expect([held.pending, held.discarded, held.preview]).toEqual([false, true, null]);
    expect(await held.send()).toBeNull();
    lifecycle.closeSummary();
    await new Promise((r) => setTimeout(r, 300));
    expect(catcher.messages()).toEqual([]);
    const sends = (await auditActions()).filter((r) => r.action === 'mail.send' && r.target_id === carla.id);
    expect(sends).toEqual([]);
  });
});
