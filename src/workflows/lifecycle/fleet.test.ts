/**
 * The whole lifecycle (issue, activate, lock, unblock, retire) on every shape of the fleet (issue 16):
 * YubiKey NEO and 4 (3DES only, no metadata, no serial in PIV), 5.2 (3DES only, no metadata), 5.4 (3DES
 * factory key, AES possible), 5.7 (AES-192), a 5.7 reporting serial 0, and another vendor's applet with
 * part of Yubico's extensions that reports 5.7.0 and serial 0 but takes 3DES only. Each card is asked, so
 * each gets the management-key algorithm it accepts and an id that cannot collide, through the real
 * relay (PGlite) and the virtual card behind the real CCID driver.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { deriveAdminSecrets, type CardIdentity } from '../../cards/admin-secrets';
import { chuidIdentification, openPivSession } from '../../cards/card';
import type { ManagementKeyAlgorithm } from '../../piv/constants';
import { DEFAULT_MANAGEMENT_KEY } from '../../piv/management-key';
import type { PivCardProfileName } from '../../simulator/piv-card/virtual-piv-card';
import { commandsAnswered, USER, useLifecycleWorld, issuedInReader } from '../../../test/lifecycle/lifecycle-fixtures';
import { activateCard } from './activate';
import { retireCard } from './retire';
import { detectLocked, unblockCard } from './unblock';

const world = useLifecycleWorld();

interface Shape {
  readonly profile: PivCardProfileName;
  readonly serial?: number;
  readonly kind: 'yubikey' | 'piv';
  readonly idBy: 'serial' | 'chuid';
  readonly algorithm: ManagementKeyAlgorithm;
  /** SET MANAGEMENT KEY answers of issuance, in order (the probe, then the derived key). */
  readonly setKeyAnswers: readonly number[];
}

const OK = 0x9000;
const SHAPES: readonly Shape[] = [
  { profile: 'yubikey-neo', kind: 'yubikey', idBy: 'chuid', algorithm: 'TDES', setKeyAnswers: [OK, OK] },
  { profile: 'yubikey-4', kind: 'yubikey', idBy: 'chuid', algorithm: 'TDES', setKeyAnswers: [OK, OK] },
  { profile: 'yubikey-5.2', kind: 'yubikey', idBy: 'serial', algorithm: 'TDES', setKeyAnswers: [OK, OK] },
  { profile: 'yubikey-5.4', kind: 'yubikey', idBy: 'serial', algorithm: 'AES192', setKeyAnswers: [OK, OK] },
  { profile: 'yubikey-5.7', kind: 'yubikey', idBy: 'serial', algorithm: 'AES192', setKeyAnswers: [OK, OK] },
  { profile: 'yubikey-5.7', serial: 0, kind: 'yubikey', idBy: 'chuid', algorithm: 'AES192', setKeyAnswers: [OK, OK] },
  // The card of the report: AES-192 refused (6A80) at the probe, so 3DES, all before the first write.
  { profile: 'piv-partial', kind: 'piv', idBy: 'chuid', algorithm: 'TDES', setKeyAnswers: [0x6a80, OK, OK] },
];

const name = (s: Shape) => `${s.profile}${s.serial === undefined ? '' : ` (serial ${s.serial})`}`;

describe.each(SHAPES.map((s) => [name(s), s] as const))('the lifecycle on a %s', (_, shape) => {
  it('issues with the algorithm the card takes, activates, unblocks and retires', async () => {
    const { card, transport, masterKey, template, ports, user, issued } = await issuedInReader(world(), {
      profile: shape.profile,
      serial: shape.serial,
      user: { ...USER, id: crypto.randomUUID() },
    });

    const answered = commandsAnswered(card);
    expect(answered.filter((c) => c.ins === 0xff).map((c) => c.sw)).toEqual(shape.setKeyAnswers);
    const firstWrite = answered.findIndex((c) => c.ins === 0xdb);
    expect(answered.findLastIndex((c) => c.ins === 0xff && c.sw !== OK)).toBeLessThan(firstWrite);
    const record = await ports.registry.card(issued.cardId);
    expect(record).toMatchObject({
      state: 'issued',
      credentialType: shape.kind,
      holder: { oid: user.id },
      managementKeyAlgorithm: shape.algorithm, // recorded as the card took it
    });

    const p = await openPivSession(transport);
    const chuid = await p.readChuid();
    const [cardId, identity]: [string, CardIdentity] =
      shape.idBy === 'chuid'
        ? [chuidIdentification(chuid).cardId, chuidIdentification(chuid).identity]
        : [`serial:${record!.serial}`, { serial: record!.serial! }];
    expect(issued.cardId).toBe(cardId);
    if (shape.idBy === 'chuid') expect(record!.serial).toBeNull();
    const { managementKey } = await deriveAdminSecrets(masterKey, identity, shape.algorithm);
    await expect(p.authenticate(DEFAULT_MANAGEMENT_KEY, shape.algorithm)).rejects.toMatchObject({
      code: 'AUTH_FAILED',
    });
    await p.authenticate(managementKey, shape.algorithm);

    await activateCard({ transport, activationPin: issued.activationPin!, newPin: '11223344', template, ports });
    for (let i = 0; i < 3; i++) await p.verifyPin('00000000').catch(() => undefined);
    expect((await detectLocked(transport, ports)).pinRetriesLeft).toBe(0);
    await unblockCard({ transport, newPin: '55667788', template, ports });
    await (await openPivSession(transport)).verifyPin('55667788');

    await retireCard({ transport, ports });
    expect(await ports.registry.card(issued.cardId)).toMatchObject({ state: 'retired', managementKeyAlgorithm: null });
    const after = await openPivSession(transport);
    await after.verifyPin('123456');
    await transport.close();
  });
});
