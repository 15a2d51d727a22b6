import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeMsalAdapter, signedInOperator, until } from '../../test/state/signed-in-operator';
import { portsOf, testTemplate } from '../../test/lifecycle/lifecycle-fixtures';
import { startRelayWorld, type RelayWorld } from '../../test/support/relay-world';
import { exportTemplate } from '../../relay/templates/template-fixture';
import { UnblockState } from './unblock.svelte';

vi.mock('../entra/msal-adapter', () => fakeMsalAdapter);

const ctx = signedInOperator();

// The registry, audit and published templates come from the real relay; the page's mail goes where nothing listens.
let world: RelayWorld;
beforeAll(async () => {
  world = await startRelayWorld();
  await world.publish('card', testTemplate());
  await world.publish('export', exportTemplate());
}, 60_000);
afterAll(() => world?.close());

/** The Unblock page, opened, with `name` found and chosen. */
async function choose(name: string): Promise<UnblockState> {
  const unblock = new UnblockState(ctx.session, () => portsOf(world));
  await unblock.open();
  unblock.search.type(name);
  await until(() => unblock.search.results.length > 0);
  await unblock.choose(unblock.search.results[0]!);
  return unblock;
}

describe('UnblockState', () => {
  it('opens with the delivery templates and the policy as far as the operator may read it', async () => {
    const unblock = new UnblockState(ctx.session, () => portsOf(world));
    await unblock.open();
    expect(unblock.error).toBeNull();
    expect(unblock.templates.map((t) => t.id)).toEqual(['tap-mail']);
    expect(unblock.templateId).toBe('tap-mail');
    expect(unblock.policy).not.toBeNull();
  });

  it('shows a new pass once, asks before replacing it, and drops the code when the operator leaves', async () => {
    const unblock = await choose('Ben');
    const ben = ctx.tenant.emulator.tenant.byDisplayName('Ben Member');
    expect(unblock.user?.id).toBe(ben.id);
    expect(unblock.existing).toBeNull();
    unblock.deliver = false;
    unblock.lifetime = 90;

    await unblock.request();
    expect(unblock.error).toBeNull();
    const first = ctx.tenant.emulator.control.tapFor(ben.id)!;
    expect(first.lifetimeInMinutes).toBe(90);
    expect(unblock.codeShown).toBe(true);
    expect(unblock.issued?.tap.temporaryAccessPass).toBe(first.temporaryAccessPass);
    expect(unblock.existing).toMatchObject({ id: first.id, temporaryAccessPass: null });

    await unblock.request();
    expect(unblock.confirmingReplace).toBe(true);
    expect(ctx.tenant.emulator.control.tapFor(ben.id)?.id).toBe(first.id);
    await unblock.request(true);
    expect(unblock.confirmingReplace).toBe(false);
    expect(ctx.tenant.emulator.control.tapFor(ben.id)?.id).not.toBe(first.id);

    unblock.forget();
    expect(unblock.issued).toBeNull();
    expect(unblock.codeShown).toBe(false);
  });

  it('keeps nothing of a code neither shown nor delivered, but keeps one whose email failed for a retry', async () => {
    const unblock = await choose('Carla');
    unblock.show = false;
    unblock.deliver = false;
    await unblock.request(true);
    expect(unblock.issued?.tap.id).toBeTruthy();
    expect(unblock.issued?.tap.temporaryAccessPass).toBeNull();

    // The relay is not running, so the email fails: the code stays in memory (hidden) to send again.
    unblock.deliver = true;
    await unblock.request(true);
    expect(unblock.issued?.delivery?.status).toBe('failed');
    expect(unblock.issued?.tap.temporaryAccessPass).toMatch(/\S{8,}/);
    expect(unblock.codeShown).toBe(false);
  });

  it("lists the user's cards and retires a lost one without the card", async () => {
    const dmitri = ctx.tenant.emulator.tenant.byDisplayName('Dmitri Volkov');
    const olivia = portsOf(world).registry;
    await olivia.transition('serial:31000001', {
      transition: 'issue',
      expectedVersion: 0,
      issue: {
        holderOid: dmitri.id,
        holderName: dmitri.displayName,
        holderUpn: dmitri.userPrincipalName,
        templateId: 'tpl-1',
        templateVersion: 1,
        credentialType: 'yubikey',
        serial: 31000001,
        chuidGuid: dmitri.id,
        keys: [],
      },
    });
    await olivia.transition('serial:31000001', { transition: 'activate', expectedVersion: 1 });
    const unblock = await choose('Dmitri');
    expect(unblock.cards.map((c) => [c.cardId, c.state])).toEqual([['serial:31000001', 'active']]);
    unblock.confirmingLost = unblock.cards[0]!;
    await unblock.reportLost(unblock.cards[0]!);
    expect(unblock.error).toBeNull();
    expect(unblock.confirmingLost).toBeNull();
    expect(unblock.cards.map((c) => c.state)).toEqual(['retired']);
    expect(await olivia.card('serial:31000001')).toMatchObject({ state: 'retired', lostAt: expect.any(String) });
  });
});
