/**
 * The world of the self-service tests: the Entra emulator and an SMTP catcher (the outside world), the
 * relay built as relay/server.ts builds it over a fresh database (PGlite or a private PostgreSQL, from
 * describeStore), a card template and its emails published through the real routes, and a card issued
 * to Ben with real 9A and 9E keys made by node:crypto, whose private halves play the card's part
 * (`prove` answers the relay's challenge with them).
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import type { LocalTls } from '../../demo/local-tls';
import type { CardKey, TransitionBody } from '../../src/relay-api/contract';
import type { Challenge, SelfServicePurpose } from '../../src/relay-api/self-service-contract';
import type { RelayEndpoint } from '../../src/relay-api/request';
import type { CardTemplateBody } from '../../src/relay-api/template-schemas';
import type { RelayDatabase } from '../db/connect';
import { describeStore } from '../../test/support/describe-store';
import { createMailServices } from '../mail/services';
import {
  mailConfigEnv,
  publishOn,
  relayToken,
  startMailWorld,
  USERS,
  type MailWorld,
} from '../../test/support/mail-world';
import { rememberApp } from '../../test/support/mail-templates';
import { buildTestApp, testRelayConfig, type ErrorJson } from '../../test/support/relay-app';
import { cardTemplate } from '../templates/template-fixture';

/**
 * The Entra emulator and SMTP catcher for a test file, started before its tests and closed after them;
 * with `trusted`, on the certificate Node's fetch trusts (the console's Graph client then reaches it too).
 */
export function useMailWorld(trusted?: () => LocalTls): () => MailWorld {
  let world: MailWorld | undefined;
  beforeAll(async () => {
    world = await startMailWorld({}, trusted?.());
  }, 120_000);
  afterAll(() => world?.close());
  return () => world!;
}

/** A response's JSON body, read as `T`. */
export const json = async <T>(res: Response) => (await res.json()) as T;

/** Expects a refusal with `status` and `code`; returns its message. */
export async function refused(res: Response, status: number, code: string): Promise<string> {
  const body = (await res.json()) as ErrorJson;
  expect([res.status, body.error?.code]).toEqual([status, code]);
  return body.error.message;
}

/** A key pair standing in for one slot of a card. */
export interface SlotKey {
  record: CardKey;
  privateKey: KeyObject;
}

/** A P-256 key for `slot`, recorded as issuance records it (DER SPKI, base64). */
export function slotKey(slot: '9a' | '9e'): SlotKey {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return { record: { slot, algorithm: 'ECCP256', publicKey: der.toString('base64') }, privateKey };
}

/** What the card returns for the nonce: ECDSA P-256 over SHA-256, DER (SP 800-73-4 Part 2 §3.2.4). */
export function cardSigns(key: SlotKey, nonceBase64: string): string {
  return sign('sha256', Buffer.from(nonceBase64, 'base64'), { key: key.privateKey, dsaEncoding: 'der' }).toString(
    'base64',
  );
}

/** The relay over `database` in `world`, with `env` and a settable wall clock. */
export async function buildSelfServiceApp(world: MailWorld, database: RelayDatabase, env: Record<string, string> = {}) {
  const config = testRelayConfig(mailConfigEnv(world, env));
  const mail = createMailServices(config, database.db, { fetch: world.fetch, smtpCa: world.tls.caPem });
  const clock = { now: Date.now() };
  const built = buildTestApp({ fetch: world.fetch, config, mail, database, clock: () => clock.now });
  rememberApp(built.app, world, database);
  const token = (userId: string) => relayToken(world, userId);
  const call = async (
    userId: string,
    method: string,
    path: string,
    body?: unknown,
    extra: Record<string, string> = {},
  ) =>
    built.app.request(path, {
      method,
      headers: {
        Authorization: `Bearer ${await token(userId)}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...extra,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  /** The relay as the console and the holder's page reach it, signed in as `userId`. */
  const endpoint = (userId: string): RelayEndpoint => ({
    url: 'http://relay.test',
    token: () => token(userId),
    fetch: async (input, init) => built.app.request(input instanceof Request ? input : String(input), init),
  });
  const ada = world.emulator.tenant.byDisplayName('Ada Admin').id;
  const aisha = USERS.aisha;

  /** Publishes a card template (as Ada) whose tap and initiate sections are overridden. */
  async function publishCardTemplate(id: string, patch: (t: CardTemplateBody) => CardTemplateBody) {
    const res = await call(ada, 'PUT', `/api/templates/card/${id}`, {
      expectedVersion: 0,
      body: patch(cardTemplate(id, `Template ${id}`)),
    });
    expect(res.status).toBe(200);
  }

  /** Publishes an email delivering the pass to the holder; returns its id. */
  async function publishPassEmail(subject: string) {
    const ref = await publishOn(built.app, {
      name: subject,
      to: '${Mail}',
      subject,
      text: 'Hello ${GivenName}, your pass is ${AadTapCode} (card ${CardSerial}).',
    });
    return ref.id;
  }

  /**
   * Issues `cardId` to Ben (as Aisha) under template `templateId` v1 with `keys` (a slot key stands for
   * its record); `kind` says what card it is. Returns the card id.
   */
  async function issueCardToBen(cardId: string, templateId: string, keys: readonly (SlotKey | CardKey)[], kind: Kind) {
    const res = await call(aisha, 'POST', `/api/cards/${cardId}/transitions`, {
      transition: 'issue',
      expectedVersion: 0,
      issue: {
        holderOid: USERS.ben,
        holderName: 'Ben Member',
        holderUpn: 'ben.member@contoso.example',
        templateId,
        templateVersion: 1,
        ...kind,
        keys: keys.map((k) => ('record' in k ? k.record : k)),
      },
    });
    expect(res.status).toBe(200);
    return cardId;
  }

  /** Issues the YubiKey `serial:<serial>` to Ben (as Aisha) under template `templateId` with `keys`. */
  const issueToBen = (serial: number, templateId: string, keys: readonly (SlotKey | CardKey)[]) =>
    issueCardToBen(`serial:${serial}`, templateId, keys, {
      credentialType: 'yubikey',
      serial,
      chuidGuid: '',
      managementKeyAlgorithm: 'AES192',
    });

  /**
   * Asks for a `purpose` challenge on `cardId` as `who` (Ben unless told), checks it names the slot that
   * proves `purpose` (9E to unblock, 9A otherwise) and P-256, and answers it with `key`.
   */
  async function prove(cardId: string, purpose: SelfServicePurpose, key: SlotKey, who: string = USERS.ben) {
    const res = await call(who, 'POST', '/api/self-service/challenge', { cardId, purpose });
    expect(res.status).toBe(200);
    const challenge = await json<Challenge>(res);
    expect([challenge.slot, challenge.algorithm]).toEqual([purpose === 'unblock' ? '9E' : '9A', 'ECCP256']);
    return { challengeId: challenge.challengeId, signature: cardSigns(key, challenge.nonce) };
  }

  /** An operator transition on a card (lock, retire), from the version it has now. */
  async function operatorTransition(cardId: string, transition: string, expectedVersion: number) {
    const res = await call(aisha, 'POST', `/api/cards/${cardId}/transitions`, { transition, expectedVersion });
    expect(res.status).toBe(200);
  }

  return {
    ...built,
    database,
    clock,
    call,
    endpoint,
    publishCardTemplate,
    publishPassEmail,
    issueCardToBen,
    issueToBen,
    prove,
    operatorTransition,
    ada,
    aisha,
  };
}
export type SelfServiceApp = Awaited<ReturnType<typeof buildSelfServiceApp>>;

/** What card an issuance records: its kind, serial (a YubiKey's), CHUID GUID and management key algorithm. */
type Kind = Pick<
  NonNullable<TransitionBody['issue']>,
  'credentialType' | 'serial' | 'chuidGuid' | 'managementKeyAlgorithm'
>;

/** What a self-service suite is given. */
export interface SelfServiceSuite {
  /** Starts the test's relay over a fresh database with `env`, the catcher emptied first. */
  start(env?: Record<string, string>): Promise<SelfServiceApp>;
  /** The relay `start` started last. */
  relay(): SelfServiceApp;
  /** A card's 9A and 9E keys, the same for every test of the suite. */
  k9a: SlotKey;
  k9e: SlotKey;
}

/** Declares `suite` on both databases (describeStore), its relays in `world` (from {@link useMailWorld}). */
export function describeSelfService(name: string, world: () => MailWorld, suite: (s: SelfServiceSuite) => void) {
  describeStore(name, (target) => {
    let relay: SelfServiceApp | undefined;
    suite({
      relay: () => relay!,
      async start(env = {}) {
        world().catcher.clear();
        relay = await buildSelfServiceApp(world(), (await target.fresh()).database, env);
        return relay;
      },
      k9a: slotKey('9a'),
      k9e: slotKey('9e'),
    });
  });
}
