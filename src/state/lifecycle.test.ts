/**
 * The Lifecycle page state over the real layers: the demo's virtual reader (real CCID driver, virtual
 * YubiKey 5.7), the workflows with their journal over fake-indexeddb and the service in-process (relay
 * world), and Graph from the Entra emulator for the user search.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { portsOf, testTemplate } from '../../test/lifecycle/lifecycle-fixtures';
import { fakeMsalAdapter, signedInOperator, until } from '../../test/state/signed-in-operator';
import { startRelayWorld, type RelayWorld } from '../../test/support/relay-world';
import { LifecycleState } from './lifecycle.svelte';
import { ReaderState } from './readers.svelte';

vi.mock('../entra/msal-adapter', () => fakeMsalAdapter);

const ctx = signedInOperator();

let world: RelayWorld;
beforeAll(async () => {
  world = await startRelayWorld();
}, 60_000);
afterAll(() => world?.close());

/** The page shown, with the virtual reader open and its blank card read. */
async function pageWithBlankCard(): Promise<{ lifecycle: LifecycleState; readers: ReaderState }> {
  const readers = new ReaderState();
  await readers.start({ demo: true });
  const lifecycle = new LifecycleState(ctx.session, readers, () => portsOf(world));
  await lifecycle.enter();
  expect(lifecycle.card.status).toBeNull();
  await readers.select('virtual:0');
  await until(() => lifecycle.card.status !== null);
  return { lifecycle, readers };
}

/** Issue, step 2 and 3: the operator re-authenticates and finds Ben. */
async function reauthenticateAndFindBen(lifecycle: LifecycleState): Promise<void> {
  ctx.tenant.signInNext('Aisha Operator');
  await lifecycle.reauthenticate();
  lifecycle.issuing.search.type('Ben');
  await until(() => lifecycle.issuing.search.results.length > 0);
  lifecycle.issuing.user = lifecycle.issuing.search.results[0]!;
}

describe('LifecycleState', () => {
  it('issues a blank card to a user, activates it with the shown PIN, and retires it', async () => {
    await world.publish('card', testTemplate({ allowedCredentialTypes: ['yubikey'] }));
    const { lifecycle } = await pageWithBlankCard();
    expect(lifecycle.card.status).toMatchObject({ state: 'blank', kind: 'yubikey', record: null });

    // No key in this browser: the card's secrets come from the relay.
    await lifecycle.open('issue');
    expect(lifecycle.error).toBeNull();
    expect(lifecycle.issuing.templates.map((t) => t.id)).toEqual(['tpl-1']);
    expect(lifecycle.issuing.template?.name).toBe('Staff YubiKey');

    await reauthenticateAndFindBen(lifecycle);
    await lifecycle.issue();
    expect(lifecycle.error).toBeNull();
    const issued = lifecycle.result.summary;
    if (issued?.operation !== 'issue') throw new Error(`expected an issue summary, got ${issued?.operation}`);
    expect(issued.holder).toBe('Ben Member');
    expect(issued.result.activationPin).toMatch(/^\d{6,8}$/);
    expect(lifecycle.progress.every((row) => row.status === 'done' || row.status === 'skipped')).toBe(true);
    expect(lifecycle.panel).toBeNull();
    expect(lifecycle.card.status?.state).toBe('issued');
    expect(lifecycle.card.holder).toBe('Ben Member');
    expect(lifecycle.card.issuedUnder).toBe('template “Staff YubiKey” version 1');
    const activationPin = issued.result.activationPin!;
    lifecycle.closeSummary();

    await lifecycle.activate(activationPin, '24681357', '24681358');
    // Refused before the card is touched: no run, no summary, the card still Issued.
    expect(lifecycle.error).toMatchObject({ code: 'PIN_MISMATCH' });
    expect(lifecycle.result.summary).toBeNull();
    expect(lifecycle.card.status?.state).toBe('issued');
    await lifecycle.activate(activationPin, '24681357', '24681357');
    expect(lifecycle.error).toBeNull();
    expect(lifecycle.result.summary?.operation).toBe('activate');
    expect(lifecycle.card.status?.state).toBe('active');

    await lifecycle.retire();
    expect(lifecycle.error).toBeNull();
    const retired = lifecycle.result.summary;
    if (retired?.operation !== 'retire') throw new Error(`expected a retire summary, got ${retired?.operation}`);
    // The template creates no pass, so Keyward has none to remove (card-pass.test.ts removes one).
    expect(retired.result.pass).toEqual({ status: 'none' });
    expect(lifecycle.card.status?.state).toBe('retired');
  });

  it('re-authenticates only as the signed-in operator, and stops when the window is closed', async () => {
    const { lifecycle } = await pageWithBlankCard();
    ctx.tenant.signInNext('Priya Privileged');
    await lifecycle.reauthenticate();
    expect(lifecycle.error).toMatchObject({ code: 'REAUTH_OTHER_ACCOUNT' });
    expect(lifecycle.issuing.reauthenticated).toBeNull();
    ctx.tenant.signInNext(null);
    await lifecycle.reauthenticate();
    expect(lifecycle.error).toMatchObject({ code: 'REAUTH_CANCELLED' });
    expect(lifecycle.issuing.reauthenticating).toBe(false);
    // The remembered operator is Aisha again for the other tests.
    ctx.tenant.signInNext('Aisha Operator', true);
  });

  it('forgets what the page showed when the operator leaves, and reads the card only while it is shown', async () => {
    const { lifecycle, readers } = await pageWithBlankCard();
    await lifecycle.open('issue');
    await reauthenticateAndFindBen(lifecycle);
    await lifecycle.issue();
    expect(lifecycle.result.summary?.operation).toBe('issue');

    lifecycle.leave();
    expect(lifecycle.result.summary).toBeNull();
    expect(lifecycle.card.status).toBeNull();
    expect(lifecycle.issuing.reauthenticated).toBeNull();
    expect(lifecycle.issuing.search.query).toBe('');

    readers.removeCard();
    await until(() => readers.card === null);
    await readers.insertCard();
    await until(() => readers.card !== null);
    await new Promise((r) => setTimeout(r, 200));
    expect(lifecycle.card.status).toBeNull();
    await lifecycle.enter();
    expect(lifecycle.card.status).toMatchObject({ state: 'blank', record: null });

    readers.removeCard();
    await until(() => lifecycle.card.status === null);
    expect(lifecycle.card.readError).toBeNull();
  });
});
