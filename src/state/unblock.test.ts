import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeMsalAdapter, signedInOperator, until } from '../../test/state/signed-in-operator';
import { portsOf, registerIssued, testTemplate } from '../../test/lifecycle/lifecycle-fixtures';
import { startRelayWorld, type RelayWorld } from '../../test/support/relay-world';
import { exportTemplate } from '../../relay/templates/template-fixture';
import type { CardTemplateRecord } from '../store/db';
import { UnblockState } from './unblock.svelte';

vi.mock('../entra/msal-adapter', () => fakeMsalAdapter);

const ctx = signedInOperator();

type Tap = CardTemplateRecord['tap'];
const TAP_OFF: Tap = testTemplate().tap;
/** A card template whose Entra ID TAP Code section is `tap` (on top of everything off). */
const withTap = (id: string, name: string, tap: Partial<Tap>) =>
  testTemplate({ id, name, tap: { ...TAP_OFF, enabled: true, ...tap } });

// The registry, audit and published templates come from the real relay; the page's mail goes where nothing listens.
let world: RelayWorld;
beforeAll(async () => {
  world = await startRelayWorld();
  await world.publish('export', exportTemplate('tap-mail'));
  await world.publish('export', {
    ...exportTemplate('tap-mail-held'),
    name: 'TAP (operator sends)',
    sendAutomatically: false,
  });
  await world.publish('card', withTap('tpl-none', 'No passes', { operatorMayGenerate: false }));
  await world.publish(
    'card',
    withTap('tpl-show', 'Helpdesk shows', {
      operatorMayGenerate: true,
      showCode: true,
      lifetimeOverrideMinutes: 90,
      usableOnce: true,
    }),
  );
  await world.publish(
    'card',
    withTap('tpl-mail', 'Delivered only', { operatorMayGenerate: true, operatorDeliverTemplateId: 'tap-mail' }),
  );
  await world.publish(
    'card',
    withTap('tpl-held', 'Operator sends', { operatorMayGenerate: true, operatorDeliverTemplateId: 'tap-mail-held' }),
  );
}, 60_000);
afterAll(() => world?.close());

let serial = 32_000_000;
/** Registers an active card of `displayName` issued under `templateId`. */
async function cardOf(displayName: string, templateId: string): Promise<string> {
  const user = ctx.tenant.emulator.tenant.byDisplayName(displayName);
  const ports = portsOf(world);
  const cardId = await registerIssued(ports, user, templateId, ++serial, 'yubikey');
  await ports.registry.transition(cardId, { transition: 'activate', expectedVersion: 1 });
  return cardId;
}

/** The Unblock page, opened, with `name` found and chosen. */
async function choose(name: string): Promise<UnblockState> {
  const unblock = new UnblockState(ctx.session, () => portsOf(world));
  await unblock.open();
  unblock.search.type(name);
  await until(() => unblock.search.results.length > 0);
  await unblock.choose(unblock.search.results[0]!);
  expect(unblock.error).toBeNull();
  return unblock;
}

const tapOf = (name: string) => ctx.tenant.emulator.control.tapFor(ctx.tenant.emulator.tenant.byDisplayName(name).id);

describe('UnblockState: the card template decides', () => {
  it('offers no request for a user without a card, nor under a template that forbids passes, and says which', async () => {
    const nocard = await choose('Elena');
    expect(nocard.grant).toBeNull();
    expect(nocard.refusal).toMatchObject({ code: 'TAP_NO_CARD' });

    await cardOf('Farid Haddad', 'tpl-none');
    const forbidden = await choose('Farid');
    expect(forbidden.grant).toBeNull();
    expect(forbidden.refusal).toMatchObject({ code: 'TAP_NOT_ALLOWED', fields: { templateName: 'No passes' } });
    await forbidden.request(true);
    expect(tapOf('Farid Haddad')).toBeUndefined();
  });

  it("creates the pass with the template's lifetime and usable-once, shows it, and asks before replacing it", async () => {
    await cardOf('Ben Member', 'tpl-show');
    const unblock = await choose('Ben');
    expect(unblock.grant).toMatchObject({ showCode: true, deliverWith: null, templateName: 'Helpdesk shows' });
    await unblock.request();
    expect(unblock.error).toBeNull();
    const first = tapOf('Ben Member')!;
    expect(first).toMatchObject({ lifetimeInMinutes: 90, isUsableOnce: true });
    expect(unblock.codeShown).toBe(true);
    expect(unblock.issued?.tap.temporaryAccessPass).toBe(first.temporaryAccessPass);

    await unblock.request();
    expect(unblock.confirmingReplace).toBe(true);
    expect(tapOf('Ben Member')?.id).toBe(first.id);
    await unblock.request(true);
    expect(tapOf('Ben Member')?.id).not.toBe(first.id);
    unblock.forget();
    expect([unblock.issued, unblock.codeShown]).toEqual([null, false]);
  });

  it('never shows a code the template only delivers; a failed email keeps it, hidden, to send again', async () => {
    await cardOf('Carla Mendes', 'tpl-mail');
    const unblock = await choose('Carla');
    expect(unblock.grant).toMatchObject({ showCode: false, deliverWith: { record: { id: 'tap-mail' }, version: 1 } });
    await unblock.request(true);
    // The relay's mail is not reachable here, so the email fails: the code stays in memory, never on screen.
    expect(unblock.issued?.delivery?.status).toBe('failed');
    expect(unblock.codeShown).toBe(false);
    expect(unblock.issued?.tap.temporaryAccessPass).toBe(tapOf('Carla Mendes')!.temporaryAccessPass);
  });

  it('holds an email not sent automatically, shows it with the code masked, and drops the code when discarded', async () => {
    const card = await cardOf('Hana Sato', 'tpl-held');
    const unblock = await choose('Hana');
    expect(unblock.cardId).toBe(card);
    await unblock.request(true);
    expect(unblock.issued?.delivery).toBeNull();
    expect(unblock.held?.template.record.id).toBe('tap-mail-held');
    const code = tapOf(unblock.user!.displayName!)!.temporaryAccessPass!;
    const preview = unblock.held!.preview!;
    expect(preview.to).toEqual([unblock.user!.mail]);
    expect(preview.text).not.toContain(code);
    expect(preview.text).toContain('hidden');
    unblock.discardEmail();
    expect([unblock.held, unblock.issued?.tap.temporaryAccessPass]).toEqual([null, null]);
  });

  it('lets the operator pick among cards under different templates; the picked one rules', async () => {
    const none = await cardOf('Kofi Mensah', 'tpl-none');
    const shows = await cardOf('Kofi Mensah', 'tpl-show');
    const unblock = await choose('Kofi');
    expect(unblock.verdicts.map((v) => v.card.cardId).sort()).toEqual([none, shows].sort());
    expect(unblock.cardId).toBe(shows);
    expect(unblock.grant?.templateName).toBe('Helpdesk shows');
    unblock.cardId = none;
    expect(unblock.grant).toBeNull();
    expect(unblock.refusal).toMatchObject({ code: 'TAP_NOT_ALLOWED', fields: { templateName: 'No passes' } });
  });

  it("refuses guests and the operator's own account, and a new search puts the chosen user away", async () => {
    await cardOf('Gary Guest', 'tpl-show');
    const guest = await choose('Gary');
    expect(guest.refusal).toMatchObject({ code: 'TAP_GUEST' });
    await cardOf('Aisha Operator', 'tpl-show');
    const self = await choose('Aisha');
    expect(self.refusal).toMatchObject({ code: 'TAP_SELF' });
    self.search.type('Ben');
    expect([self.user, self.grant, self.verdicts]).toEqual([null, null, []]);
  });

  it("lists the user's cards and retires a lost one without the card, removing the pass requested for it", async () => {
    const cardId = await cardOf('Dmitri Volkov', 'tpl-show');
    const unblock = await choose('Dmitri');
    await unblock.request();
    const tapId = unblock.issued!.tap.id;
    expect(unblock.unrecorded).toBeNull();
    expect(await portsOf(world).registry.pass(cardId)).toMatchObject({ tapId });
    const card = unblock.cards.find((c) => c.cardId === cardId)!;
    unblock.confirmingLost = card;
    await unblock.reportLost(card);
    expect(unblock.error).toBeNull();
    expect(unblock.confirmingLost).toBeNull();
    expect(unblock.cards.find((c) => c.cardId === cardId)?.state).toBe('retired');
    expect(await portsOf(world).registry.card(cardId)).toMatchObject({ state: 'retired', lostAt: expect.any(String) });
    expect(unblock.lostReport?.pass).toEqual({ status: 'revoked', tapId });
    expect(ctx.tenant.emulator.control.tapFor(unblock.user!.id)).toBeUndefined();
  });
});
