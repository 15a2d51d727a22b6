/**
 * The world of the self-service tests: the Entra emulator and an SMTP catcher (the outside world), the
 * relay built as relay/server.ts builds it over a fresh database (PGlite or a private PostgreSQL, from
 * describeStore), a card template and its emails published through the real routes, and a card issued
 * to Ben with real 9A and 9E keys made by node:crypto, whose private halves play the card's part.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import type { LocalTls } from '../../demo/local-tls';
import type { CardKey } from '../../src/relay-api/contract';
import type { CardTemplateBody } from '../../src/relay-api/template-schemas';
import type { RelayDatabase } from '../db/connect';
import { appendAudit } from '../audit/chain';
import type { ScanSource } from '../../test/support/secrecy-scan';
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

  /** Issues card `serial:<serial>` to Ben (as Aisha) under template `templateId` with `keys`. */
  async function issueToBen(serial: number, templateId: string, keys: SlotKey[]) {
    const res = await call(aisha, 'POST', `/api/cards/serial:${serial}/transitions`, {
      transition: 'issue',
      expectedVersion: 0,
      issue: {
        holderOid: USERS.ben,
        holderName: 'Ben Member',
        holderUpn: 'ben.member@contoso.example',
        templateId,
        templateVersion: 1,
        credentialType: 'yubikey',
        serial,
        chuidGuid: '',
        keys: keys.map((k) => k.record),
        managementKeyAlgorithm: 'AES192',
      },
    });
    expect(res.status).toBe(200);
    return `serial:${serial}`;
  }

  /** An operator transition on a card (lock, retire), from the version it has now. */
  async function operatorTransition(cardId: string, transition: string, expectedVersion: number) {
    const res = await call(aisha, 'POST', `/api/cards/${cardId}/transitions`, { transition, expectedVersion });
    expect(res.status).toBe(200);
  }

  return { ...built, clock, call, publishCardTemplate, publishPassEmail, issueToBen, operatorTransition, ada, aisha };
}
export type SelfServiceApp = Awaited<ReturnType<typeof buildSelfServiceApp>>;

/** Where a secret could leak: the audit trail, the relay's log records, every table of the store. */
export function leakSources(database: RelayDatabase, logs: Record<string, unknown>[]): ScanSource[] {
  const tables = ['audit', 'cards', 'card_events', 'card_master_key', 'self_service_challenges'] as const;
  return [
    {
      read: async () =>
        Promise.all(
          tables.map(async (t) => ({
            name: `table ${t}`,
            values: await database.db.selectFrom(t).selectAll().execute(),
          })),
        ),
      async plant(canary) {
        const entry = {
          actorOid: 'scan',
          actorName: 'scan',
          action: 'scan.canary',
          targetType: 'key',
          targetId: 'scan',
        };
        await appendAudit(database.db, { ...entry, targetLabel: '', outcome: 'refused', reason: String(canary.value) });
        return { places: ['table audit'], remove: async () => {} };
      },
    },
    {
      read: async () => [{ name: 'relay log', values: [...logs] }],
      async plant(canary) {
        logs.push({ msg: 'canary', value: canary.value });
        return { places: ['relay log'], remove: async () => void logs.pop() };
      },
    },
  ];
}
