/**
 * Test fixture for the mail routes: the Entra emulator on real https (a throwaway CA the relay's fetch
 * trusts), an SMTP catcher on loopback, and `createApp` wired with the real verifier, Graph directory
 * and SMTP mailer. Only the outside world (Entra, the mail server) is emulated.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { DEMO_RELAY_CLIENT_ID, DEMO_TENANT_ID, type EntraEmulator } from '../../demo/entra-emulator/index';
import { startTestEntra } from './test-entra';
import { startSmtpCatcher, type SmtpCatcher, type SmtpCatcherOptions } from '../../demo/smtp-catcher/index';
import { createLocalTls, type LocalTls } from '../../demo/local-tls';
import { createApp } from '../../relay/app';
import { loadConfig, type RelayConfig } from '../../relay/config';
import { createAppTokenSource } from '../../relay/graph/app-token';
import { createGraphDirectory } from '../../relay/graph/directory';
import { createCaTrustingFetch } from '../../relay/graph/http-fetch';
import { createJwksKeySource } from '../../relay/jwks';
import { createLogger, createMemorySink } from '../../relay/log';
import { createTokenVerifier } from '../../relay/token';
import { createIdempotencyStore } from '../../relay/mail/idempotency';
import { createRateLimiter } from '../../relay/mail/rate-limit';
import { createSmtpMailer, type Mailer } from '../../relay/mail/smtp-mailer';

/** Seeded users (demo/entra-emulator/tenant.ts). */
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
  close(): Promise<void>;
}

/** Starts the emulator and a catcher (plain SMTP unless `smtp` says otherwise). */
export async function startMailWorld(smtp: Partial<SmtpCatcherOptions> = {}): Promise<MailWorld> {
  const tls = await createLocalTls(1);
  const emulator = await startTestEntra(tls);
  const catcher = await startSmtpCatcher({ port: 0, ...smtp });
  const fetch = createCaTrustingFetch(tls.caPem);
  return {
    tls,
    emulator,
    catcher,
    fetch,
    close: async () => {
      fetch.close();
      await Promise.all([catcher.close(), emulator.close()]);
    },
  };
}

/** A relay app over `world`, with its own log records, idempotency store and rate limiter. */
export interface MailApp {
  app: ReturnType<typeof createApp>;
  config: RelayConfig;
  logs: Record<string, unknown>[];
  mailer: Mailer;
}

/** Builds the app; `env` overrides the configuration (e.g. SMTP_URL, MAIL_RATE_PER_MINUTE, DEMO). */
export function buildMailApp(world: MailWorld, env: Record<string, string | undefined> = {}): MailApp {
  const config = loadConfig({
    TENANT_ID: DEMO_TENANT_ID,
    RELAY_CLIENT_ID: DEMO_RELAY_CLIENT_ID,
    AUTHORITY_HOST: `localhost:${world.emulator.port}`,
    ALLOWED_ORIGINS: 'http://localhost:5173',
    SMTP_URL: `smtp://127.0.0.1:${world.catcher.smtpPort}`,
    MAIL_FROM: 'Keyward <keyward@contoso.example>',
    ALLOWED_DOMAINS: 'contoso.example',
    DEMO: '1',
    ...env,
  });
  const memory = createMemorySink();
  const verifier = createTokenVerifier({
    issuer: config.issuer,
    audience: config.relayClientId,
    tenantId: config.tenantId,
    requiredScope: config.requiredScope,
    getKey: createJwksKeySource({ issuer: config.issuer, fetch: world.fetch }),
  });
  const tokens = createAppTokenSource({
    issuer: config.issuer,
    clientId: config.relayClientId,
    clientSecret: config.graphClientSecret,
    fetch: world.fetch,
  });
  const mailer = createSmtpMailer({
    smtpUrl: config.smtpUrl,
    mailFrom: config.mailFrom,
    demo: config.demo,
    maxConnections: config.smtpMaxConnections,
    ca: world.tls.caPem,
    retry: { attempts: 3, baseDelayMs: 20 },
  });
  const app = createApp({
    config,
    verifier,
    log: createLogger({ sink: memory.sink }),
    mail: {
      directory: createGraphDirectory({ baseUrl: config.graphBaseUrl, tokens, fetch: world.fetch }),
      mailer,
      idempotency: createIdempotencyStore(),
      limiter: createRateLimiter({ perMinute: config.mailRatePerMinute }),
    },
  });
  return { app, config, logs: memory.records, mailer };
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

/** Posts to `/api/mail` (or `path`) with a bearer token, a JSON body and an idempotency key. */
export function post(
  app: MailApp['app'],
  token: string | null,
  body: unknown,
  opts: { key?: string | null; path?: string; contentType?: string } = {},
) {
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

/**
 * A scripted SMTP server on loopback that drops the connection at MAIL FROM, or once message content
 * arrives after its 354 reply to DATA: the two sides of "did any of the message go out".
 */
export async function droppingServer(dropAt: 'MAIL' | 'DATA-CONTENT') {
  const seen = { connections: 0, dataCommands: 0 };
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    seen.connections++;
    sockets.add(socket);
    let inData = false;
    socket.on('error', () => {});
    socket.write('220 fake ESMTP\r\n');
    socket.on('data', (chunk: Uint8Array) => {
      if (inData) return void socket.destroy();
      for (const line of Buffer.from(chunk).toString('latin1').split('\r\n').filter(Boolean)) {
        const verb = line.split(' ')[0]!.toUpperCase();
        if (verb === 'MAIL' && dropAt === 'MAIL') return void socket.destroy();
        if (verb === 'DATA') {
          seen.dataCommands++;
          inData = true;
        }
        socket.write(
          verb === 'DATA' ? '354 go ahead\r\n' : ['EHLO', 'MAIL', 'RCPT'].includes(verb) ? '250 OK\r\n' : '502 no\r\n',
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((r) => server.close(() => r()));
  };
  return { port: (server.address() as AddressInfo).port, seen, close };
}
