/**
 * The Security screen's card-key state over the real relay (PGlite, its card-key routes and vault): an
 * administrator sees the relay's key; a key an older Keyward kept in this browser is moved into the relay
 * and only then removed here; a key file goes straight into the relay; an operator sees and moves nothing.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { keepKeyLikeAnOlderKeyward } from '../../test/support/older-browser-key';
import { PEOPLE, useRelayWorld, type Person } from '../../test/support/relay-world';
import { RelayTemplateStore } from '../workflows/template-store';
import { SecurityState } from './security.svelte';

const PASSPHRASE = 'correct horse battery staple';

const world = useRelayWorld();

/** The Security screen as `who` sees it, entered (loaded). */
async function securityAs(who: Person, administrator: boolean): Promise<SecurityState> {
  const relay = world().endpoint(who);
  const security = new SecurityState(
    new RelayTemplateStore(() => relay),
    undefined,
    () => relay,
    () => administrator,
  );
  await security.load();
  return security;
}

describe('SecurityState: card master keys', () => {
  it("moves an older browser's key into the relay, then removes it here; an operator sees and moves nothing", async () => {
    const kept = await keepKeyLikeAnOlderKeyward(PASSPHRASE);
    const operator = await securityAs(PEOPLE.olivia, false);
    expect([operator.relayKey, operator.mayAdminister, operator.mayMoveKeyToRelay]).toEqual([null, false, false]);
    expect(await operator.moveKeyToRelay(PASSPHRASE)).toBe(false);
    expect(operator.failure).toMatchObject({ code: 'ROLE_MISSING' });

    const admin = await securityAs(PEOPLE.adam, true);
    expect(admin.key?.fingerprint).toBe(kept.fingerprint);
    expect(admin.relayKey).toMatchObject({ source: 'generated', used: false });
    expect(admin.relayKey?.fingerprint).not.toBe(kept.fingerprint);
    expect([admin.mayMoveKeyToRelay, admin.keyIsInRelay]).toEqual([true, false]);
    // Not yet in the relay: it stays here, and the failure says why.
    expect(await admin.forgetBrowserKey()).toBe(false);
    expect(admin.failure).toMatchObject({ code: 'MASTER_KEY_NOT_IN_RELAY' });
    expect(admin.key?.fingerprint).toBe(kept.fingerprint);

    expect(await admin.moveKeyToRelay('not the passphrase')).toBe(false);
    expect(admin.failure).toMatchObject({ code: 'WRONG_PASSPHRASE' });
    expect(await admin.moveKeyToRelay(PASSPHRASE)).toBe(true);
    expect(admin.relayKey).toMatchObject({ fingerprint: kept.fingerprint, source: 'imported' });
    expect(admin.keyIsInRelay).toBe(true);
    expect(await admin.forgetBrowserKey()).toBe(true);
    expect(admin.key).toBeNull();
    expect((await securityAs(PEOPLE.adam, true)).key).toBeNull();

    // The same key file again changes nothing; another one is refused, the relay's key stays.
    expect(await admin.importKeyFile(kept.keyFile, PASSPHRASE)).toBe(true);
    expect(admin.message).toBe('The relay already held the key of this file; nothing was changed.');
  });

  it('imports a key file straight into the relay while its key has issued nothing, and never after', async () => {
    const admin = await securityAs(PEOPLE.adam, true);
    const file = await keepKeyLikeAnOlderKeyward(PASSPHRASE);
    expect(await admin.importKeyFile(file.keyFile, PASSPHRASE)).toBe(true);
    expect(admin.relayKey).toMatchObject({ fingerprint: file.fingerprint, source: 'imported' });
    const other = await keepKeyLikeAnOlderKeyward(PASSPHRASE);
    expect(await admin.importKeyFile(other.keyFile, PASSPHRASE)).toBe(false);
    expect(admin.failure).toMatchObject({ code: 'MASTER_KEY_EXISTS' });
    expect(admin.relayKey?.fingerprint).toBe(file.fingerprint);
  });
});
