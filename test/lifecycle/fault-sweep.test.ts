/**
 * Fault sweep: for issuance and for activation, count the bulk-OUT USB transfers of a clean run on the
 * virtual reader, then for every transfer index k fail exactly transfer k — by pulling the card (the
 * reader's card-removed mode) or by a USB transfer error (NetworkError) on the reply (bulk-IN: the card did
 * the work but the host never heard) or on the command (bulk-OUT: the card never saw it) — let it fail, reinsert/reconnect, retry, and
 * check that the service's registry, the journal and the card agree. Key generation uses ECC P-256 (fast on the virtual card).
 * Seven cards: YubiKey 5.7 (AES-192 factory key), YubiKey 5.4 (3DES factory key, AES-192 derived), a
 * generic PIV card offering SET MANAGEMENT KEY (identified by its CHUID, 3DES derived key), a YubiKey 4
 * (3DES only, no metadata, no serial: identified by its CHUID) and another vendor's applet reporting
 * 5.7.0 and serial 0 whose SET MANAGEMENT KEY refuses AES (probed, 3DES derived, CHUID id); and the
 * older shapes of issue 16: a YubiKey NEO (3DES only, no metadata, no serial: CHUID id) and a YubiKey 5.2
 * (3DES only, no metadata, serial).
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { deriveAdminSecrets } from '../../src/cards/admin-secrets';
import { lastUnfinishedRun } from '../../src/store/journal';
import { activateCard } from '../../src/workflows/lifecycle/activate';
import { PEOPLE } from '../support/relay-world';
import { issueCard } from '../../src/workflows/lifecycle/issue';
import { createVirtualPivCard } from '../../src/simulator/piv-card/virtual-piv-card';
import type { ManagementKeyAlgorithm } from '../../src/piv/constants';
import { chuidIdentification, openPivSession } from '../../src/cards/card';
import {
  genericWithSetManagementKey,
  portsOf,
  testMasterKey,
  testTemplate,
  USER,
  type TestCardProfile,
  useLifecycleWorld,
} from './lifecycle-fixtures';
import { SweptReader, withTransport, type Mode } from './swept-reader';

const world = useLifecycleWorld();

let serial = 30_000_000;
const template = testTemplate();

/** A reader with a fresh card of `profile`, and the holder it is issued to (its own, so generic cards, registered under their holder, never meet). */
interface Swept {
  readonly r: SweptReader;
  readonly serial: number;
  readonly user: typeof USER;
  readonly profile: TestCardProfile;
}

function freshReader(profile: TestCardProfile): Swept {
  const card = createVirtualPivCard({
    profile: profile === 'piv-generic+ff' ? 'yubikey-5.4' : profile,
    serial: ++serial,
  });
  const r = new SweptReader(card, profile === 'piv-generic+ff' ? genericWithSetManagementKey(card) : card);
  return { r, serial, user: { ...USER, id: crypto.randomUUID() }, profile };
}

/** Checks that registry, journal and card agree on an issued (or active) card. */
async function agree(
  { r, serial: cardSerial, user, profile }: Swept,
  masterKey: CryptoKey,
  state: 'issued' | 'active',
  pin: string,
): Promise<string[]> {
  const problems: string[] = [];
  await withTransport(r, async (t) => {
    const session = await openPivSession(t);
    const chuid = await session.readChuid();
    if (chuid.guid !== user.id) problems.push('CHUID GUID');
    const { idBy, algorithm } = EXPECTED[profile]!;
    const { cardId, identity } =
      idBy === 'chuid'
        ? chuidIdentification(chuid)
        : { cardId: `serial:${cardSerial}`, identity: { serial: cardSerial } };
    const rec = await portsOf(world()).registry.card(cardId);
    if (rec?.state !== state || rec.holder.oid !== user.id) problems.push(`registry ${rec?.state}`);
    if (await lastUnfinishedRun(cardId)) problems.push('journal run unfinished');
    const { managementKey, puk } = await deriveAdminSecrets(masterKey, identity, algorithm);
    await session.authenticate(managementKey, algorithm).catch(() => problems.push('management key'));
    await session.verifyPin(pin).catch(() => problems.push('PIN'));
    await session.changePuk(puk, puk).catch(() => problems.push('PUK'));
  });
  return problems;
}

// The card secrets are derived here from `masterKey`, not asked of the relay: the sweep is about USB transfers.
const issue = ({ r, user }: Swept, masterKey: CryptoKey) =>
  withTransport(r, (transport) =>
    issueCard({ transport, templateId: template.id, user, ports: portsOf(world(), PEOPLE.olivia, masterKey) }),
  );

const MODES = ['card-removed', 'transfer-error-in', 'transfer-error-out'] as const;
const PROFILES: readonly TestCardProfile[] = [
  'yubikey-5.7',
  'yubikey-5.4',
  'piv-generic+ff',
  'yubikey-4',
  'piv-partial',
  'yubikey-neo',
  'yubikey-5.2',
];

/** How each swept card is known and keyed once issued (what its card said, issue-preconditions.ts). */
const EXPECTED: Partial<Record<TestCardProfile, { idBy: 'serial' | 'chuid'; algorithm: ManagementKeyAlgorithm }>> = {
  'yubikey-5.7': { idBy: 'serial', algorithm: 'AES192' },
  'yubikey-5.4': { idBy: 'serial', algorithm: 'AES192' },
  'piv-generic+ff': { idBy: 'chuid', algorithm: 'TDES' },
  'yubikey-4': { idBy: 'chuid', algorithm: 'TDES' },
  'piv-partial': { idBy: 'chuid', algorithm: 'TDES' },
  'yubikey-neo': { idBy: 'chuid', algorithm: 'TDES' },
  'yubikey-5.2': { idBy: 'serial', algorithm: 'TDES' },
};
const NEW_PIN = '24681357';

/** Runs `work` with `mode` armed at transfer `k`, then reinserts the card and disarms; true when it failed. */
async function failsAt(swept: Swept, k: number, mode: Mode, work: () => Promise<unknown>): Promise<boolean> {
  swept.r.arm(k, mode);
  const failed = await work().then(
    () => false,
    () => true,
  );
  swept.r.reinsert();
  swept.r.arm(-1, mode);
  return failed;
}

/**
 * Runs `attempt(k)` for every transfer k of a clean run: each injects the fault at k, recovers, and lists
 * where registry, journal and card disagree. Logs the counts; fails on any disagreement.
 */
async function sweep(
  label: string,
  transfers: number,
  attempt: (k: number) => Promise<{ failed: boolean; problems: string[] }>,
): Promise<void> {
  let inconsistent = 0;
  let injected = 0;
  for (let k = 1; k <= transfers; k++) {
    const { failed, problems } = await attempt(k);
    injected += failed ? 1 : 0;
    if (problems.length) inconsistent += 1;
    expect(problems, `k=${k}`).toEqual([]);
  }
  console.info(
    `[fault sweep] ${label}: ${transfers} injection points, ${injected} failed runs, ${inconsistent} inconsistent outcomes`,
  );
  expect(inconsistent).toBe(0);
}

describe.each(PROFILES)('fault sweep (virtual %s, every bulk-OUT transfer)', (profile) => {
  it.each(MODES)(
    'issuance survives %s at every transfer',
    async (mode) => {
      const masterKey = await testMasterKey();
      const clean = freshReader(profile);
      clean.r.arm(-1, mode);
      await issue(clean, masterKey);
      await sweep(`${profile} issuance/${mode}`, clean.r.count, async (k) => {
        const swept = freshReader(profile);
        let first: Awaited<ReturnType<typeof issue>> | undefined;
        const failed = await failsAt(swept, k, mode, async () => (first = await issue(swept, masterKey)));
        // A card the service already holds as issued is refused (CARD_BOUND): only a failed run is retried.
        const s = failed || !first ? await issue(swept, masterKey) : first;
        return { failed, problems: await agree(swept, masterKey, 'issued', s.activationPin!) };
      });
    },
    600_000,
  );

  it.each(MODES)(
    'activation survives %s at every transfer',
    async (mode) => {
      const masterKey = await testMasterKey();
      const activate = (swept: Swept, activationPin: string) =>
        withTransport(swept.r, (transport) =>
          activateCard({ transport, activationPin, newPin: NEW_PIN, template, ports: portsOf(world()) }),
        );
      const clean = freshReader(profile);
      clean.r.arm(-1, mode);
      const s = await issue(clean, masterKey);
      clean.r.arm(-1, mode);
      await activate(clean, s.activationPin!);
      await sweep(`${profile} activation/${mode}`, clean.r.count, async (k) => {
        const swept = freshReader(profile);
        swept.r.arm(-1, mode);
        const { activationPin } = await issue(swept, masterKey);
        const failed = await failsAt(swept, k, mode, () => activate(swept, activationPin!));
        if (failed) await activate(swept, activationPin!);
        return { failed, problems: await agree(swept, masterKey, 'active', NEW_PIN) };
      });
    },
    600_000,
  );
});
