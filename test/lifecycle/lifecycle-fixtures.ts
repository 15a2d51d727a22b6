/**
 * Shared set-up for lifecycle tests: a card template, a card master key, and a virtual YubiKey or PIV
 * card behind the simulator reader (the real CCID driver runs; only the USB device is virtual).
 */
import { isAppError } from '../../src/app-error';
import { toHex } from '../../src/bytes';
import { importCardMasterKey } from '../../src/cards/admin-secrets';
import { openPivSession } from '../../src/cards/card';
import { OBJECT_TAG } from '../../src/piv/constants';
import type { CardTransport } from '../../src/transport/card-transport';
import type { CardTemplateRecord } from '../../src/store/db';
import { DEFAULT_CERTIFICATE, emptyCardDraft } from '../../src/workflows/card-templates';
import { createSimulatorTransport, type SimulatorTransport } from '../../src/simulator/simulator-transport';
import {
  createVirtualPivCard,
  type PivCardProfileName,
  type VirtualPivCard,
} from '../../src/simulator/piv-card/virtual-piv-card';
import type { VirtualCardSpec } from '../../src/simulator/virtual-types';
import { fetchAuditPage } from '../../src/relay-api/audit';
import type { AuditRow } from '../../src/relay-api/contract';
import { issueCard, type IssueSummary, type IssueUser } from '../../src/workflows/lifecycle/issue';
import type { LifecyclePorts } from '../../src/workflows/lifecycle/types';
import { RelayTemplateStore } from '../../src/workflows/template-store';
import { relayAuditLog, relayCardRegistry } from '../../src/workflows/ports';
import { relayCardSecrets } from '../../src/workflows/relay-card-secrets';
import { masterKeySecrets } from '../../src/cards/card-secrets';
import { afterAll, beforeAll } from 'vitest';
import { PEOPLE, startRelayWorld, type Person, type RelayWorld } from '../support/relay-world';

/**
 * The lifecycle's ports over the in-process relay, as `who` (an operator unless told): the card secrets
 * come from the relay as in the console, or from `masterKey` when a test needs another key than the relay's.
 */
export function portsOf(world: RelayWorld, who: Person = PEOPLE.olivia, masterKey?: CryptoKey): LifecyclePorts {
  const relay = world.endpoint(who);
  return {
    registry: relayCardRegistry(relay),
    audit: relayAuditLog(relay),
    templates: new RelayTemplateStore(() => relay),
    secrets: masterKey ? masterKeySecrets(masterKey) : relayCardSecrets(relay),
  };
}

/** The audit trail as the auditor reads it, newest first (the relay links rows shortly after a commit). */
export async function auditRows(world: RelayWorld): Promise<AuditRow[]> {
  return (await fetchAuditPage(world.endpoint(PEOPLE.audrey), { limit: 500 })).entries;
}

/** A template: show the activation PIN, 6–8 digits, ECC P-256 in 9A, no TAP at activation. */
export function testTemplate(overrides: Partial<CardTemplateRecord> = {}): CardTemplateRecord {
  const draft = emptyCardDraft();
  return {
    ...draft,
    id: 'tpl-1',
    name: 'Staff YubiKey',
    issue: { ...draft.issue, certificate: { ...DEFAULT_CERTIFICATE } },
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** Issuance's steps in run order when the template enrols a key (as `testTemplate()` does). */
export const ISSUE_STEPS_IN_ORDER = [
  'detect',
  'authenticate',
  'write-chuid',
  'set-management-key',
  'set-puk',
  'set-pin',
  'generate-key',
  'register',
] as const;

export const USER = {
  id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
  upn: 'ada@contoso.example',
  displayName: 'Ada Lovelace',
};
export const OPERATOR = { oid: 'op-1', name: 'Aisha Operator', upn: 'aisha@contoso.example' };

/** A fresh random card master key (non-extractable HKDF), for a key other than the relay's. */
export function testMasterKey(): Promise<CryptoKey> {
  return importCardMasterKey(crypto.getRandomValues(new Uint8Array(32)));
}

let nextSerial = 20_000_000;

/**
 * A card profile for lifecycle tests: the simulator's own, or `'piv-generic+ff'`, a non-Yubico PIV card
 * that does offer Yubico's SET MANAGEMENT KEY (some PIV applets copy that one extension). It is a
 * virtual YubiKey 5.4 seen through the plain PIV profile's ATR, answering 6D00 (ISO/IEC 7816-4 §5.6:
 * instruction code not supported) to every other Yubico instruction, so Detect calls it a plain PIV card and
 * issuance gives it a derived 3DES management key.
 */
export type TestCardProfile = PivCardProfileName | 'piv-generic+ff';

/** Yubico's PIV instructions other than SET MANAGEMENT KEY (FF): MOVE KEY F6, GET METADATA F7, GET SERIAL F8, ATTEST F9, SET PIN RETRIES FA, RESET FB, GET VERSION FD, IMPORT KEY FE. */
const YUBICO_ONLY_INS = new Set([0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfd, 0xfe]);

/** The `'piv-generic+ff'` face of a virtual YubiKey 5.4 (see {@link TestCardProfile}). */
export function genericWithSetManagementKey(card: VirtualPivCard): VirtualCardSpec {
  const plain = createVirtualPivCard({ profile: 'piv-generic' });
  return {
    atr: plain.atr,
    handleApdu: async (apdu) => (YUBICO_ONLY_INS.has(apdu[1] ?? 0) ? Uint8Array.of(0x6d, 0x00) : card.handleApdu(apdu)),
  };
}

/**
 * A virtual card in a virtual reader, connected. `card.log` lists every APDU the card itself answered.
 * `serial` overrides the next unique serial (0: a card reporting serial 0).
 */
export async function cardInReader(
  profile: TestCardProfile = 'yubikey-5.7',
  serial: number = ++nextSerial,
): Promise<{ card: VirtualPivCard; transport: SimulatorTransport }> {
  const card = createVirtualPivCard({
    profile: profile === 'piv-generic+ff' ? 'yubikey-5.4' : profile,
    serial,
  });
  const spec = profile === 'piv-generic+ff' ? genericWithSetManagementKey(card) : card;
  return { card, transport: await createSimulatorTransport({ card: spec }) };
}

/** What {@link issueBehind} did: the card's reader, and what issued it. */
export interface Issued {
  transport: CardTransport;
  /** The relay's card master key, which the card's secrets derive from. */
  masterKey: CryptoKey;
  template: CardTemplateRecord;
  ports: LifecyclePorts;
  user: IssueUser;
  issued: IssueSummary;
}

/** Who a test card is issued to, and on what: {@link USER} and the published {@link testTemplate} unless told. */
export interface IssueOptions {
  user?: IssueUser;
  template?: CardTemplateRecord;
}

/** Issues the card behind `transport` through the relay of `world` as an operator, with the relay's card keys. */
export async function issueBehind(
  world: RelayWorld,
  transport: CardTransport,
  options: IssueOptions = {},
): Promise<Issued> {
  const template = options.template ?? testTemplate();
  const ports = portsOf(world);
  const user = options.user ?? USER;
  const issued = await issueCard({ transport, templateId: template.id, user, ports });
  return { transport, masterKey: await world.cardMasterKey(), template, ports, user, issued };
}

/** A new {@link cardInReader} of `profile` and `serial`, issued by {@link issueBehind}. */
export async function issuedInReader(
  world: RelayWorld,
  options: IssueOptions & { profile?: TestCardProfile; serial?: number } = {},
): Promise<Issued & { card: VirtualPivCard }> {
  const { card, transport } = await cardInReader(options.profile, options.serial);
  return { card, ...(await issueBehind(world, transport, options)) };
}

/** Instructions that change a card: PUT DATA, CHANGE REFERENCE DATA, RESET RETRY COUNTER, GENERATE, and Yubico's IMPORT KEY, SET MANAGEMENT KEY, RESET, SET PIN RETRIES. */
export const CARD_CHANGES = new Set([0xdb, 0x24, 0x2c, 0x47, 0xfe, 0xff, 0xfb, 0xfa]);

/** Each command the virtual card answered, with its status word (from the card's own redacted log). */
export function commandsAnswered(card: VirtualPivCard): { ins: number; sw: number }[] {
  return card.log.flatMap((e, i) =>
    e.direction === 'command' && card.log[i + 1]?.direction === 'response'
      ? [{ ins: e.ins, sw: card.log[i + 1]!.sw! }]
      : [],
  );
}

/** What a host can read of a card: every PIV data object (bytes or the error code) and the PIN status. */
export async function cardSnapshot(t: CardTransport): Promise<Record<string, unknown>> {
  const p = await openPivSession(t);
  const out: Record<string, unknown> = {};
  for (const [name, tag] of Object.entries(OBJECT_TAG))
    out[name] = await p.readObject(tag).then(toHex, (e: unknown) => (isAppError(e) ? e.code : String(e)));
  out['pin'] = await p.getPinStatus();
  return out;
}

/**
 * Registers the hooks of a test file that works against the relay: one relay world for the file (the
 * real relay over PGlite, started before its tests and closed after), with {@link testTemplate} published.
 * Returns the world, once started.
 */
export function useLifecycleWorld(): () => RelayWorld {
  let world: RelayWorld | undefined;
  beforeAll(async () => {
    world = await startRelayWorld();
    await world.publish('card', testTemplate());
  }, 60_000);
  afterAll(() => world?.close());
  return () => world!;
}

/**
 * Records in the registry, as the operator of `ports`, that card `serial:<serial>` of `credentialType` was
 * issued to the directory user `user` under version 1 of `templateId` (no card is touched). Its card id.
 */
export async function registerIssued(
  ports: LifecyclePorts,
  user: { id: string; displayName: string; userPrincipalName: string },
  templateId: string,
  serial: number,
  credentialType: 'yubikey' | 'piv',
): Promise<string> {
  const cardId = `serial:${serial}`;
  const issue = {
    holderOid: user.id,
    holderName: user.displayName,
    holderUpn: user.userPrincipalName,
    templateId,
    templateVersion: 1,
    credentialType,
    serial,
    chuidGuid: user.id,
    keys: [],
  };
  await ports.registry.transition(cardId, { transition: 'issue', expectedVersion: 0, issue });
  return cardId;
}
