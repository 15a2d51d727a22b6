import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeMsalAdapter, signedInOperator, until } from '../../test/state/signed-in-operator';
import { PEOPLE, startRelayWorld, type RelayWorld } from '../../test/support/relay-world';
import { exportTemplate } from '../../relay/templates/template-fixture';
import { getCard, putCard } from '../store/registry';
import { RelayTemplateStore } from '../workflows/template-store';
import { UnblockState } from './unblock.svelte';

vi.mock('../entra/msal-adapter', () => fakeMsalAdapter);

const ctx = signedInOperator();

// The published templates come from the real relay; the page's mail still goes where nothing listens.
let world: RelayWorld;
let templates: RelayTemplateStore;
beforeAll(async () => {
  world = await startRelayWorld();
  await world.publish('export', exportTemplate());
  templates = new RelayTemplateStore(() => world.endpoint(PEOPLE.olivia));
}, 60_000);
afterAll(() => world?.close());

/** The Unblock page, opened, with `name` found and chosen. */
async function choose(name: string): Promise<UnblockState> {
  const unblock = new UnblockState(ctx.session, templates);
  await unblock.open();
  unblock.search.type(name);
  await until(() => unblock.search.results.length > 0);
  await unblock.choose(unblock.search.results[0]!);
  return unblock;
}

describe('UnblockState', () => {
  it('opens with the delivery templates and the policy as far as the operator may read it', async () => {
    const unblock = new UnblockState(ctx.session, templates);
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
    await putCard({
      cardId: 'serial:31000001',
      serial: 31000001,
      credentialType: 'YubiKey 5 · PIV · firmware 5.7.2 · serial 31000001',
      userId: dmitri.id,
      userUpn: dmitri.userPrincipalName,
      userDisplayName: dmitri.displayName,
      templateId: 'tpl-1',
      state: 'active',
      issuedAt: '2026-01-01T00:00:00.000Z',
      activatedAt: '2026-01-02T00:00:00.000Z',
      retiredAt: null,
      updatedAt: '2026-01-02T00:00:00.000Z',
    });
    const unblock = await choose('Dmitri');
    expect(unblock.cards.map((c) => [c.cardId, c.state])).toEqual([['serial:31000001', 'active']]);
    unblock.confirmingLost = unblock.cards[0]!;
    await unblock.reportLost(unblock.cards[0]!);
    expect(unblock.error).toBeNull();
    expect(unblock.confirmingLost).toBeNull();
    expect(unblock.cards.map((c) => c.state)).toEqual(['retired']);
    expect(await getCard('serial:31000001')).toMatchObject({ state: 'retired', lostAt: expect.any(String) });
  });
});
