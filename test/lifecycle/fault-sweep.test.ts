/**
 * Fault sweep: for issuance and for activation, count the bulk-OUT USB transfers of a clean run on the
 * virtual reader, then for every transfer index k fail exactly transfer k — by pulling the card (the
 * reader's card-removed mode) or by a USB transfer error (NetworkError) on the reply (bulk-IN: the card did
 * the work but the host never heard) or on the command (bulk-OUT: the card never saw it) — let it fail, reinsert/reconnect, retry, and
 * check that registry, journal and card agree. Key generation uses ECC P-256 (fast on the virtual card).
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { deriveAdminSecrets } from '../../src/cards/admin-secrets';
import { ApduChannel } from '../../src/apdu/channel';
import { PivSession } from '../../src/piv/session';
import { getCard } from '../../src/store/registry';
import { lastUnfinishedRun } from '../../src/store/journal';
import { activateCard } from '../../src/workflows/lifecycle/activate';
import { issueCard } from '../../src/workflows/lifecycle/issue';
import { openCcidTransport } from '../../src/transport/webusb-ccid';
import { createVirtualPivCard, type VirtualPivCard } from '../../src/transport/simulator/piv-card/virtual-piv-card';
import { DEFAULT_VIRTUAL_READER_ENTRY } from '../../src/transport/simulator/simulator-transport';
import { createVirtualReader, type VirtualReader } from '../../src/transport/simulator/virtual-reader';
import type { CardTransport } from '../../src/transport/card-transport';
import { OPERATOR, testMasterKey, testTemplate, USER } from './lifecycle-fixtures';

type Mode = 'card-removed' | 'transfer-error-in' | 'transfer-error-out';

/** A virtual reader whose k-th bulk-OUT transfer (counted from `arm`) triggers `mode`. */
class SweptReader {
  readonly reader: VirtualReader;
  count = 0;
  #at = -1;
  #mode: Mode = 'card-removed';

  constructor(readonly card: VirtualPivCard) {
    this.reader = createVirtualReader({ entry: DEFAULT_VIRTUAL_READER_ENTRY, card, unrestricted: true });
    const out = this.reader.transferOut.bind(this.reader);
    this.reader.transferOut = async (endpoint, data) => {
      this.count += 1;
      if (this.count === this.#at) {
        if (this.#mode === 'card-removed') this.reader.injectFault({ kind: 'card-removed', times: 1 });
        else this.reader.injectFault({ kind: 'transfer-error', direction: this.#mode === 'transfer-error-in' ? 'in' : 'out', times: 1 });
      }
      return out(endpoint, data);
    };
  }

  arm(at: number, mode: Mode): void {
    this.count = 0;
    this.#at = at;
    this.#mode = mode;
  }

  /** Puts the card back (power cycle: security status cleared) and clears leftovers. */
  reinsert(): void {
    this.reader.clearFaults();
    this.reader.removeCard();
    this.card.reset();
    this.reader.insertCard(this.card);
  }

  connect(): Promise<CardTransport> {
    return openCcidTransport(this.reader, { kind: 'simulator' });
  }
}

async function withTransport<T>(r: SweptReader, work: (t: CardTransport) => Promise<T>): Promise<T> {
  const t = await r.connect();
  try {
    return await work(t);
  } finally {
    await t.close();
  }
}

let serial = 30_000_000;
const template = testTemplate();

/** Checks that registry, journal and card agree on an issued (or active) card. */
async function agree(r: SweptReader, masterKey: CryptoKey, state: 'issued' | 'active', pin: string): Promise<string[]> {
  const problems: string[] = [];
  const cardId = `serial:${serialOf(r)}`;
  const rec = await getCard(cardId);
  if (rec?.state !== state || rec.userId !== USER.id) problems.push(`registry ${rec?.state}`);
  if (await lastUnfinishedRun(cardId)) problems.push('journal run unfinished');
  await withTransport(r, async (t) => {
    const { session } = await PivSession.open(new ApduChannel(t));
    if ((await session.readChuid()).guid !== USER.id) problems.push('CHUID GUID');
    const { managementKey, puk } = await deriveAdminSecrets(masterKey, { serial: serialOf(r) }, 'AES192');
    await session.authenticate(managementKey, 'AES192').catch(() => problems.push('management key'));
    await session.verifyPin(pin).catch(() => problems.push('PIN'));
    await session.changePuk(puk, puk).catch(() => problems.push('PUK'));
  });
  return problems;
}

const serials = new WeakMap<SweptReader, number>();
const serialOf = (r: SweptReader) => serials.get(r)!;

function freshReader(): SweptReader {
  const s = ++serial;
  const r = new SweptReader(createVirtualPivCard({ profile: 'yubikey-5.7', serial: s }));
  serials.set(r, s);
  return r;
}

const issue = (r: SweptReader, masterKey: CryptoKey) => withTransport(r, (transport) => issueCard({ transport, masterKey, template, user: USER, operator: OPERATOR }));

describe('fault sweep (virtual YubiKey 5.7, every bulk-OUT transfer)', () => {
  it.each(['card-removed', 'transfer-error-in', 'transfer-error-out'] as const)('issuance survives %s at every transfer', async (mode) => {
    const masterKey = await testMasterKey();
    const clean = freshReader();
    clean.arm(-1, mode);
    await issue(clean, masterKey);
    const transfers = clean.count;
    let inconsistent = 0;
    let injected = 0;
    for (let k = 1; k <= transfers; k++) {
      const r = freshReader();
      r.arm(k, mode);
      const failed = await issue(r, masterKey).then(() => false, () => true);
      injected += failed ? 1 : 0;
      r.reinsert();
      r.arm(-1, mode);
      const s = await issue(r, masterKey);
      const problems = await agree(r, masterKey, 'issued', s.activationPin!);
      if (problems.length) inconsistent += 1;
      expect(problems, `k=${k}`).toEqual([]);
    }
    console.info(`[fault sweep] issuance/${mode}: ${transfers} injection points, ${injected} failed runs, ${inconsistent} inconsistent outcomes`);
    expect(inconsistent).toBe(0);
  }, 600_000);

  it.each(['card-removed', 'transfer-error-in', 'transfer-error-out'] as const)('activation survives %s at every transfer', async (mode) => {
    const masterKey = await testMasterKey();
    const run = async (k: number) => {
      const r = freshReader();
      r.arm(-1, mode);
      const s = await issue(r, masterKey);
      r.arm(k, mode);
      const act = (t: CardTransport) => activateCard({ transport: t, activationPin: s.activationPin!, newPin: '24681357', template });
      const failed = await withTransport(r, act).then(() => false, () => true);
      r.reinsert();
      r.arm(-1, mode);
      if (failed) await withTransport(r, act);
      return { r, count: r.count, failed };
    };
    const clean = freshReader();
    clean.arm(-1, mode);
    const s = await issue(clean, masterKey);
    clean.arm(-1, mode);
    await withTransport(clean, (t) => activateCard({ transport: t, activationPin: s.activationPin!, newPin: '24681357', template }));
    const transfers = clean.count;
    let inconsistent = 0;
    let injected = 0;
    for (let k = 1; k <= transfers; k++) {
      const { r, failed } = await run(k);
      injected += failed ? 1 : 0;
      const problems = await agree(r, masterKey, 'active', '24681357');
      if (problems.length) inconsistent += 1;
      expect(problems, `k=${k}`).toEqual([]);
    }
    console.info(`[fault sweep] activation/${mode}: ${transfers} injection points, ${injected} failed runs, ${inconsistent} inconsistent outcomes`);
    expect(inconsistent).toBe(0);
  }, 600_000);
});
