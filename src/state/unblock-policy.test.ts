/**
 * Smart Card Unblock as an operator who may read the tenant's TAP policy (Ada Admin holds Global
 * Administrator in the emulated tenant): a card template's lifetime outside the policy is refused before
 * Graph is called, and before the operator is asked to replace an existing pass.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeMsalAdapter, signedInOperator, until } from '../../test/state/signed-in-operator';
import { portsOf, registerIssued, testTemplate } from '../../test/lifecycle/lifecycle-fixtures';
import { startRelayWorld, type RelayWorld } from '../../test/support/relay-world';
import { UnblockState } from './unblock.svelte';

vi.mock('../entra/msal-adapter', () => fakeMsalAdapter);

const ctx = signedInOperator('Ada Admin');

let world: RelayWorld;
beforeAll(async () => {
  world = await startRelayWorld();
  const tap = { ...testTemplate().tap, enabled: true, operatorMayGenerate: true, showCode: true };
  await world.publish(
    'card',
    testTemplate({ id: 'tpl-long', name: 'Long passes', tap: { ...tap, lifetimeOverrideMinutes: 600 } }),
  );
  await world.publish(
    'card',
    testTemplate({ id: 'tpl-ok', name: 'Day passes', tap: { ...tap, lifetimeOverrideMinutes: 480 } }),
  );
}, 60_000);
afterAll(() => world?.close());

async function unblockFor(displayName: string, templateId: string, serial: number): Promise<UnblockState> {
  const user = ctx.tenant.emulator.tenant.byDisplayName(displayName);
  await registerIssued(portsOf(world), user, templateId, serial, 'piv');
  const unblock = new UnblockState(ctx.session, () => portsOf(world));
  await unblock.open();
  expect(unblock.policy).toMatchObject({ readable: true, policy: { maximumLifetimeInMinutes: 480 } });
  unblock.search.type(displayName.split(' ')[0]!);
  await until(() => unblock.search.results.length > 0);
  await unblock.choose(unblock.search.results[0]!);
  return unblock;
}

describe('UnblockState against the tenant policy', () => {
  it('refuses a template lifetime above the policy maximum without calling Graph', async () => {
    const unblock = await unblockFor('Jonas Weber', 'tpl-long', 33_000_001);
    expect(unblock.refusal).toMatchObject({
      code: 'TAP_LIFETIME_OUTSIDE_POLICY',
      fields: { lifetime: 600, max: 480, templateName: 'Long passes' },
    });
    await unblock.request();
    expect(unblock.confirmingReplace).toBe(false);
    expect(ctx.tenant.emulator.control.tapFor(unblock.user!.id)).toBeUndefined();
  });

  it('creates a pass at the template lifetime when the policy allows it', async () => {
    const unblock = await unblockFor('Lena Novak', 'tpl-ok', 33_000_002);
    expect(unblock.refusal).toBeNull();
    await unblock.request();
    expect(unblock.error).toBeNull();
    expect(ctx.tenant.emulator.control.tapFor(unblock.user!.id)).toMatchObject({ lifetimeInMinutes: 480 });
  });
});
