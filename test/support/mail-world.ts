/**
 * Test fixture for the mail routes: the Entra emulator on real https (a throwaway CA the relay's fetch
 * trusts), an SMTP catcher on loopback, and `createApp` wired with the real verifier, Graph directory
 * and SMTP mailer, its idempotency keys and rate limits in PGlite in memory. Only the outside world
 * (Entra, the mail server) is emulated.
 */
import { DEMO_RELAY_CLIENT_ID, DEMO_TENANT_ID, type EntraEmulator } from '../../demo/entra-emulator/index';
import { startTestEntra } from './test-entra';
import { startSmtpCatcher, type SmtpCatcher, type SmtpCatcherOptions } from '../../demo/smtp-catcher/index';
import { createLocalTls, type LocalTls } from '../../demo/local-tls';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { openDatabase, type RelayDatabase } from '../../relay/db/connect';
import { migrate } from '../../relay/db/migrations';
import { createCaTrustingFetch } from '../../relay/graph/http-fetch';
import { createMailServices } from '../../relay/mail/services';
import type { Mailer } from '../../relay/mail/smtp-mailer';
import { publishOn, rememberApp } from './mail-templates';
import { buildTestApp, testRelayConfig, type TestApp } from './relay-app';

export { publishOn, publishVia, type TemplateRef } from './mail-templates';

/** Seeded users (demo/entra-emulator/tenant-people.ts). */
export const USERS = {
  aisha: 'f0d76d4f-d051-4401-89ab-2949d26eb033', // operator (Keyward.Operator)
  priya: '9fe9875e-95ff-4a28-975a-686721ee65a2', // operator
  nina: 'e3c944a2-e813-4280-a334-4cec82dfd7a7', // no app role
  ben: '46876d75-c7ea-4ea4-863b-a6e9796b7d11', // member: ben.member@contoso.example, otherMails ben.member@personal.example
  gary: '274976ce-6ce1-4bfe-b6be-5916617b8539', // guest
  ivan: 'c974818b-d4a1-4cb7-8a3d-fcebf7554ac4', // disabled
} as const;

/** Shared, started once per test file. */
export interface MailWorld {
  tls: LocalTls;
  emulator: EntraEmulator & { port: number };
  catcher: SmtpCatcher;
  fetch: ReturnType<typeof createCaTrustingFetch>;
  /**
   * The world's database (PGlite in memory, migrated), opened on first use: starting PGlite costs
   * seconds, and some files never need it.
   */
  store(): Promise<RelayDatabase>;
  close(): Promise<void>;
}

/**
 * Starts the emulator and a catcher (plain SMTP unless `smtp` says otherwise). The emulator's certificate
 * is a new one unless `trusted` is given: the test process's own (test-tls.ts), which Node's fetch trusts,
 * for tests that also reach the emulator through the browser's Graph client.
 */
export async function startMailWorld(smtp: Partial<SmtpCatcherOptions> = {}, trusted?: LocalTls): Promise<MailWorld> {
  const tls = trusted ?? (await createLocalTls(1));
  const emulator = await startTestEntra(tls);
  const catcher = await startSmtpCatcher({ port: 0, ...smtp });
  const fetch = createCaTrustingFetch(tls.caPem);
  let store: Promise<RelayDatabase> | undefined;
  const openStore = async () => {
    const database = openDatabase({ dataDir: ':memory:' });
    await migrate(database.db);
    return database;
  };
  return {
    tls,
    emulator,
    catcher,
    fetch,
    store: () => (store ??= openStore()),
    close: async () => {
      fetch.close();
      await Promise.all([catcher.close(), emulator.close(), store?.then((d) => d.close())]);
    },
  };
}

/** A relay app over `world`, with its own log records and SMTP mailer. */
export interface MailApp extends TestApp {
  mailer: Mailer;
}

/** The configuration variables for `world`'s Entra emulator and SMTP catcher; `env` overrides them. */
export function mailConfigEnv(world: MailWorld, env: Record<string, string | undefined> = {}) {
  return {
    TENANT_ID: DEMO_TENANT_ID,
    RELAY_CLIENT_ID: DEMO_RELAY_CLIENT_ID,
    AUTHORITY_HOST: `localhost:${world.emulator.port}`,
    SMTP_URL: `smtp://127.0.0.1:${world.catcher.smtpPort}`,
    MAIL_FROM: 'Keyward <keyward@contoso.example>',
    ALLOWED_DOMAINS: 'contoso.example',
    ...env,
  };
}

/**
 * Builds the app as relay/server.ts does, over `database` (default: the world's store); `env` overrides
 * the configuration (e.g. SMTP_URL, MAIL_RATE_PER_MINUTE, DEMO).
 */
export async function buildMailApp(
  world: MailWorld,
  env: Record<string, string | undefined> = {},
  database?: RelayDatabase,
): Promise<MailApp> {
  const config = testRelayConfig(mailConfigEnv(world, env));
  const store = database ?? (await world.store());
  const mail = createMailServices(config, store.db, {
    fetch: world.fetch,
    smtpCa: world.tls.caPem,
    smtpRetry: { attempts: 3, baseDelayMs: 20 },
  });
  const built = { ...buildTestApp({ fetch: world.fetch, config, mail, database: store }), mailer: mail.mailer };
  // Instances on one database share what was published there (as relay instances share the store).
  rememberApp(built.app, world, env.DATABASE_URL ?? store);
  return built;
}

/** What {@link useMailSuite} gives a test file; `relay` is rebuilt before each test. */
export interface MailSuite {
  world: MailWorld;
  relay: MailApp;
  /** Aisha's (an operator's) relay token. */
  aisha: string;
  /** Replaces `relay` with an app configured by `env`, closing the old one's mailer. */
  rebuild(env?: Record<string, string | undefined>): Promise<MailApp>;
  /** Closes `x` after the file's tests. */
  closeLater<T extends { close(): unknown }>(x: T): T;
}

/**
 * Registers a test file's hooks: one world for the file, and before each test an empty catcher, no
 * idempotency keys or rate-limit buckets, and a fresh default app.
 */
export function useMailSuite(): MailSuite {
  const closers: Array<{ close(): unknown }> = [];
  const suite = {
    async rebuild(env = {}) {
      suite.relay?.mailer.close();
      suite.relay = await buildMailApp(suite.world, env);
      return suite.relay;
    },
    closeLater(x) {
      closers.push(x);
      return x;
    },
  } as MailSuite;
  beforeAll(async () => {
    suite.world = await startMailWorld();
    suite.aisha = await relayToken(suite.world, USERS.aisha);
  }, 120_000);
  afterAll(async () => {
    for (const x of closers) await x.close();
    suite.relay?.mailer.close();
    await suite.world?.close();
  });
  beforeEach(async () => {
    const { db } = await suite.world.store();
    await db.deleteFrom('mail_idempotency').execute();
    await db.deleteFrom('mail_rate').execute();
    await suite.rebuild();
    suite.world.catcher.clear();
  }, 120_000);
  return suite;
}

/** A relay-scope access token for a seeded user, as the SPA would get it. */
export function relayToken(world: MailWorld, userId: string): Promise<string> {
  return world.emulator.control.mintAccessToken({ userId, audience: 'relay', scopes: ['Mail.Send'] });
}

/** A TAP email request body for Ben; override parts per test. */
export function tapRequest(
  overrides: { template?: Record<string, unknown>; values?: Record<string, unknown>; targetUserId?: string } = {},
) {
  return {
    template: {
      name: 'TAP email',
      to: '${Mail}',
      cc: '',
      subject: 'Your Temporary Access Pass, ${GivenName}',
      text: 'Hello ${DisplayName}, your pass ${AadTapId} is ${AadTapCode}. It expires ${AadTapExpires}. Card ${CardSerial}. -- ${OperatorName}',
      html: '<p>Hello ${DisplayName}, your pass is <b>${AadTapCode}</b> for card ${CardSerial}.</p>',
      ...overrides.template,
    },
    targetUserId: overrides.targetUserId ?? USERS.ben,
    values: {
      AadTapId: 'b6f1c3a2-0000-4000-8000-000000000001',
      AadTapCode: 'Xq7#mP2k',
      AadTapLifetimeMinutes: '60',
      AadTapStart: '2026-11-27T10:00:00Z',
      AadTapExpires: '2026-11-27T11:00:00Z',
      AadTapUsableOnce: 'yes',
      CardSerial: '1234<5678>&"9"',
      CredentialType: 'YubiKey 5 · PIV',
      ...overrides.values,
    },
  };
}

/**
 * Posts to `/api/mail` (or `path`) with a bearer token, a JSON body and an idempotency key. A body whose
 * `template` is made of parts (name, subject, …, as {@link tapRequest} writes it) has that template
 * published first (see {@link publishOn}) and is sent naming it, as the browser does; `asIs` sends the
 * body exactly as given.
 */
export async function post(
  app: MailApp['app'],
  token: string | null,
  body: unknown,
  opts: { key?: string | null; path?: string; contentType?: string; asIs?: boolean } = {},
) {
  if (!opts.asIs && isObject(body) && isObject(body.template) && !('id' in body.template))
    body = { ...body, template: await publishOn(app, body.template) };
  const headers: Record<string, string> = { 'Content-Type': opts.contentType ?? 'application/json' };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  const key = opts.key === undefined ? crypto.randomUUID() : opts.key;
  if (key !== null) headers['Idempotency-Key'] = key;
  return app.request(opts.path ?? '/api/mail', {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
