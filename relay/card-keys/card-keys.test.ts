/**
 * Card keys held by the relay, through the real app: an administrator imports today's browser key file
 * once, and a card issued under it derives the very secrets the browser derived (management key, PUK);
 * operators get a secret only for a registered card and an operation that needs it; the relay answers
 * management-key authentication from the card's witness; a holder unblocks with the 9E proof. Nothing
 * secret reaches the audit trail, the relay's logs or its tables. Also: KEK rotation.
 */
import { expect, it } from 'vitest';
import { deriveAdminSecrets, importCardMasterKey, masterKeyFingerprint } from '../../src/cards/admin-secrets';
import { managementKeyCipher } from '../../src/piv/crypto/block-cipher';
import { sealKeyFile } from '../../src/workflows/master-key-file';
import { describeStore } from '../../test/support/describe-store';
import { USERS } from '../../test/support/mail-world';
import { PEOPLE, testRelayConfig } from '../../test/support/relay-app';
import { scanForSecrets } from '../../test/support/secrecy-scan';
import { buildSelfServiceApp, cardSigns, json, slotKey, useMailWorld } from '../self-service/self-service-fixture';
import { leakSources } from '../self-service/leak-fixture';
import { twoRelays } from '../route-fixture';
import { fromBase64, toBase64 } from './kek';
import { createCardKeyVault } from './vault';

const world = useMailWorld();

const PASSPHRASE = 'correct horse battery staple';
const code = async (res: Response) => [res.status, (await json<{ error?: { code: string } }>(res)).error?.code];

describeStore('/api/card-keys', (target) => {
  it('imports the browser key file once; cards issued under it derive the same secrets in the relay', async () => {
    const { database } = await target.fresh();
    const relay = await buildSelfServiceApp(world(), database);
    const raw = crypto.getRandomValues(new Uint8Array(32));
    const browserKey = await importCardMasterKey(raw);
    const fingerprint = await masterKeyFingerprint(browserKey);
    const keyFile = await sealKeyFile(raw, PASSPHRASE, fingerprint);
    const browser = await deriveAdminSecrets(browserKey, { serial: 7101 }, 'AES192');
    const importAs = (who: string, passphrase = PASSPHRASE, file = keyFile) =>
      relay.call(who, 'POST', '/api/card-keys/master-key/import', { keyFile: file, passphrase });

    expect(await code(await importAs(USERS.priya))).toEqual([403, 'ROLE_MISSING']);
    expect(await json(await relay.call(relay.ada, 'GET', '/api/card-keys/master-key'))).toMatchObject({
      source: 'generated',
      used: false,
    });
    expect(await code(await importAs(relay.ada, 'not the passphrase'))).toEqual([400, 'WRONG_PASSPHRASE']);
    expect(await json(await importAs(relay.ada))).toMatchObject({
      replaced: true,
      status: { fingerprint, source: 'imported' },
    });

    await relay.publishCardTemplate('tpl-keys', (t) => ({ ...t, issue: { ...t.issue, selfServiceUnblock: true } }));
    const k9a = slotKey('9a');
    const k9e = slotKey('9e');
    const cardId = await relay.issueToBen(7101, 'tpl-keys', [k9a, k9e]);
    const release = (body: object, id = cardId) =>
      relay.call(relay.aisha, 'POST', `/api/card-keys/${id}/release`, body);
    const mk = await json<{ key: string }>(await release({ operation: 'issue', secret: 'management-key' }));
    expect(fromBase64(mk.key)).toEqual(browser.managementKey);
    expect(await json(await release({ operation: 'issue', secret: 'puk' }))).toEqual({
      secret: 'puk',
      puk: browser.puk,
    });
    // Issuance asks before the registry records the card; every other operation needs a registered one.
    const unknown = await deriveAdminSecrets(browserKey, { serial: 9999 }, 'AES192');
    expect(await json(await release({ operation: 'issue', secret: 'puk' }, 'serial:9999'))).toEqual({
      secret: 'puk',
      puk: unknown.puk,
    });
    expect(await code(await release({ operation: 'retire', secret: 'puk' }, 'serial:9999'))).toEqual([
      404,
      'CARD_NOT_REGISTERED',
    ]);

    // GENERAL AUTHENTICATE, mutual (SP 800-73-4 Part 2 Appendix A.1.2): the card enciphers a witness.
    // One cipher per block: @noble/ciphers refuses a second encrypt() on one instance.
    const encipher = async (block: Uint8Array) =>
      (await managementKeyCipher('AES192', browser.managementKey)).encryptBlock(block);
    const witness = crypto.getRandomValues(new Uint8Array(16));
    const auth = await json<{ witness: string; challenge: string; expectedResponse: string }>(
      await relay.call(relay.aisha, 'POST', `/api/card-keys/${cardId}/management-auth`, {
        witness: toBase64(await encipher(witness)),
      }),
    );
    expect(fromBase64(auth.witness)).toEqual(witness);
    expect(fromBase64(auth.expectedResponse)).toEqual(await encipher(fromBase64(auth.challenge)));

    // The management key itself leaves the relay only to be written at issuance: an Active or Locked
    // card's is refused for any operation; retiring authenticates through the witness answer instead.
    await relay.operatorTransition(cardId, 'activate', 1);
    expect(await code(await release({ operation: 'issue', secret: 'puk' }))).toEqual([409, 'SECRET_NOT_FOR_STATE']);
    const rawKey = (operation: string) => release({ operation, secret: 'management-key', algorithm: 'AES192' });
    expect(await code(await rawKey('issue'))).toEqual([409, 'SECRET_NOT_FOR_STATE']);
    expect(await code(await rawKey('retire'))).toEqual([403, 'SECRET_NOT_FOR_OPERATION']);
    const retireAuth = await json<{ witness: string }>(
      await relay.call(relay.aisha, 'POST', `/api/card-keys/${cardId}/management-auth`, {
        witness: toBase64(await encipher(witness)),
        operation: 'retire',
      }),
    );
    expect(fromBase64(retireAuth.witness)).toEqual(witness);
    await relay.operatorTransition(cardId, 'lock', 2);
    expect(await code(await rawKey('issue'))).toEqual([409, 'SECRET_NOT_FOR_STATE']);
    expect(await code(await rawKey('retire'))).toEqual([403, 'SECRET_NOT_FOR_OPERATION']);
    expect(await code(await release({ operation: 'unblock', secret: 'management-key' }))).toEqual([
      403,
      'SECRET_NOT_FOR_OPERATION',
    ]);
    const unblocked = () => relay.call(USERS.ben, 'POST', '/api/self-service/unblocked', { cardId });
    expect(await code(await unblocked())).toEqual([409, 'UNBLOCK_NOT_AUTHORISED']);
    const challenge = await json<{ challengeId: string; nonce: string; slot: string }>(
      await relay.call(USERS.ben, 'POST', '/api/self-service/challenge', { cardId, purpose: 'unblock' }),
    );
    expect(challenge.slot).toBe('9E');
    const released = await relay.call(USERS.ben, 'POST', '/api/self-service/unblock', {
      cardId,
      challengeId: challenge.challengeId,
      signature: cardSigns(k9e, challenge.nonce),
    });
    expect(await json(released)).toEqual({ cardId, puk: browser.puk });
    expect(await json(await unblocked())).toMatchObject({ cardId, state: 'active' });

    // Used now: another key file is refused, the same one changes nothing.
    const other = crypto.getRandomValues(new Uint8Array(32));
    const otherFile = await sealKeyFile(
      other,
      PASSPHRASE,
      await masterKeyFingerprint(await importCardMasterKey(other)),
    );
    expect(await code(await importAs(relay.ada, PASSPHRASE, otherFile))).toEqual([409, 'MASTER_KEY_EXISTS']);
    expect(await json(await importAs(relay.ada))).toMatchObject({ replaced: false });

    const releases = await database.db
      .selectFrom('audit')
      .select(['action', 'outcome'])
      .where('action', 'like', 'key.%')
      .execute();
    expect(releases.filter((r) => r.action === 'key.release' && r.outcome === 'succeeded')).toHaveLength(4);
    expect(releases.filter((r) => r.action === 'key.release' && r.outcome === 'refused')).toHaveLength(7);
    const secrets = [
      { name: 'the PUK', value: browser.puk },
      { name: 'the PUK of the unregistered card', value: unknown.puk },
      { name: 'the management key', value: browser.managementKey },
      { name: 'the card master key', value: raw },
      { name: 'the other master key', value: other },
      { name: 'the passphrase', value: PASSPHRASE },
    ];
    expect(await scanForSecrets(leakSources(database, relay.logs), secrets)).toEqual([]);
  }, 120_000);

  it('rewraps the master key under a new KEK named with the previous one, and refuses a KEK that never wrapped it', async () => {
    const { database } = await target.fresh();
    const kek = () => crypto.getRandomValues(new Uint8Array(32));
    const [a, b, c] = [kek(), kek(), kek()];
    const first = await createCardKeyVault(database.db, { kind: 'value', bytes: a }).ensure();
    const rotated = await createCardKeyVault(database.db, { kind: 'value', bytes: b, previous: a }).ensure();
    expect(rotated.fingerprint).toBe(first.fingerprint);
    expect(await createCardKeyVault(database.db, { kind: 'value', bytes: b }).ensure()).toEqual(rotated);
    const wrong = await createCardKeyVault(database.db, { kind: 'value', bytes: a })
      .ensure()
      .catch((e: { code?: string }) => e.code);
    expect(wrong).toBe('KEK_WRONG');
    expect(
      await createCardKeyVault(database.db, { kind: 'value', bytes: c, previous: a })
        .ensure()
        .catch((e: { code?: string }) => e.code),
    ).toBe('KEK_WRONG');
  });

  it('answers 503 CARD_KEYS_UNAVAILABLE on the card-key routes when the relay holds no KEK', async () => {
    const config = { ...testRelayConfig(), kek: undefined };
    const { call } = await twoRelays<{ error?: { code: string } }>(target, '/api/card-keys', { config });
    const refusals = [
      await call(PEOPLE.adam, 'GET', '/master-key'),
      await call(PEOPLE.adam, 'POST', '/master-key/import', { keyFile: '{}', passphrase: PASSPHRASE }),
      await call(PEOPLE.olivia, 'POST', '/yk:1/release', { operation: 'issue', secret: 'puk' }),
    ];
    for (const { status, json } of refusals) expect([status, json.error?.code]).toEqual([503, 'CARD_KEYS_UNAVAILABLE']);
  });
});
