/**
 * The relay's configuration, read once from the environment and validated as a whole.
 *
 * Every bad value is collected so that an operator sees all problems at once, in one
 * `AppError('relay', 'BAD_CONFIG', …, { problems })`. Messages quote offending values only when they
 * cannot be secret: SMTP_URL (which may carry a password) and GRAPH_CLIENT_SECRET are never echoed.
 */
import { AppError } from '../src/app-error';

/** The validated relay configuration. */
export interface RelayConfig {
  port: number;
  host: string;
  /** Entra tenant id (GUID). */
  tenantId: string;
  /** The relay API's application (client) id: the only `aud` accepted. */
  relayClientId: string;
  /** `login.microsoftonline.com`, or an emulator's `host:port`. */
  authorityHost: string;
  /** `https://${authorityHost}/${tenantId}/v2.0`: the only `iss` accepted. */
  issuer: string;
  /** Delegated scope every caller's token must carry in `scp`, e.g. `Mail.Send`. */
  requiredScope: string;
  /** App role that marks an operator, e.g. `Keyward.Operator`. */
  operatorRole: string;
  /** Exact page origins allowed by CORS. */
  allowedOrigins: string[];
  /** smtp:// or smtps:// URL; may contain credentials, so never log it. */
  smtpUrl: string;
  /** Envelope and header sender of exported mail. */
  mailFrom: string;
  /**
   * Lower-case domains a recipient's address must be in (as well as being one of the target user's own
   * addresses). Required outside demo mode: an empty list would refuse every message.
   */
  allowedDomains: string[];
  /** `DEMO=1`: the embedded default (SMTP catcher on loopback). */
  demo: boolean;
  /** Client secret of the relay app registration, for app-only Graph tokens. Secret: never log it. */
  graphClientSecret: string;
  /** Microsoft Graph root without `/v1.0`, e.g. `https://graph.microsoft.com`. */
  graphBaseUrl: string;
  /** Messages each operator (token `oid`) may send per minute. */
  mailRatePerMinute: number;
  /** Size of the pooled SMTP transport (concurrent SMTP connections). */
  smtpMaxConnections: number;
  /** App role that may read and export the audit trail, e.g. `Keyward.Auditor`. */
  auditorRole: string;
  /** App role of administrators (templates, connections, keys), e.g. `Keyward.Administrator`. */
  administratorRole: string;
  /** `DATABASE_URL`: PostgreSQL through a pool; may contain a password, so never log it. */
  databaseUrl: string | undefined;
  /** Connections in the PostgreSQL pool. */
  databasePoolSize: number;
  /** `KEYWARD_DATA_DIR`: PGlite's data directory when there is no DATABASE_URL (`:memory:` for none). */
  dataDir: string;
}

/** SMTP catcher address used when `DEMO=1` and no SMTP_URL is set (see demo/smtp-catcher). */
export const DEMO_SMTP_URL = 'smtp://127.0.0.1:2525';
/** Sender used when `DEMO=1` and no MAIL_FROM is set. */
export const DEMO_MAIL_FROM = 'Keyward <keyward@keyward.test>';
/** Recipient domain allowed when `DEMO=1` and no ALLOWED_DOMAINS is set: the Entra emulator's tenant domain. */
export const DEMO_ALLOWED_DOMAINS: readonly string[] = ['contoso.example'];
/**
 * The relay app's client secret in the Entra emulator (demo/entra-emulator registers the same value),
 * used when `DEMO=1` and no GRAPH_CLIENT_SECRET is set. Never valid against a real tenant.
 */
export const DEMO_GRAPH_CLIENT_SECRET = 'keyward-demo-relay-secret';

/** PGlite's data directory when neither DATABASE_URL nor KEYWARD_DATA_DIR is set. */
export const DEFAULT_DATA_DIR = '.demo/relay-db';

type Env = Record<string, string | undefined>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// A DNS host name or IPv4 address, optionally with a port; no scheme, path or user info.
const HOST_PORT = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/i;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const TOKEN_WORD = /^[A-Za-z0-9._:/-]+$/;
// `Name <local@domain>` or `local@domain`; CR/LF can never pass, which keeps headers unforgeable.
const MAIL_ADDRESS = /^([^<>\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/;

/** Trims a variable; empty counts as unset. */
function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** Splits a comma list, dropping empty items. */
function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function parsePort(value: string | undefined, problems: string[]): number {
  if (value === undefined) return 8787;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535)) problems.push(`PORT must be an integer from 0 to 65535, got '${value}'`);
  return port;
}

function parseGuid(env: Env, name: string, problems: string[]): string {
  const value = read(env, name);
  if (value === undefined) problems.push(`${name} is required (a GUID)`);
  else if (!GUID.test(value)) problems.push(`${name} must be a GUID, got '${value}'`);
  return (value ?? '').toLowerCase();
}

function parseWord(env: Env, name: string, fallback: string, problems: string[]): string {
  const value = read(env, name) ?? fallback;
  if (!TOKEN_WORD.test(value)) problems.push(`${name} must be a single word without spaces, got '${value}'`);
  return value;
}

function parseOrigins(value: string | undefined, problems: string[]): string[] {
  const origins = list(value);
  if (origins.length === 0)
    problems.push('ALLOWED_ORIGINS is required (comma list of page origins, e.g. https://keyward.example.com)');
  for (const origin of origins) {
    let exact = false;
    try {
      const url = new URL(origin);
      exact = (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === origin;
    } catch {
      exact = false;
    }
    if (!exact)
      problems.push(
        `ALLOWED_ORIGINS entries must be exact origins like https://host[:port] (no path, no trailing slash, no '*'), got '${origin}'`,
      );
  }
  return origins;
}

/** Validates SMTP_URL without ever putting the URL (which may hold a password) in a message. */
function parseSmtpUrl(value: string | undefined, demo: boolean, problems: string[]): string {
  const url = value ?? (demo ? DEMO_SMTP_URL : undefined);
  if (url === undefined) {
    problems.push('SMTP_URL is required (smtp:// or smtps:// URL) unless DEMO=1');
    return '';
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    problems.push('SMTP_URL is not a valid URL (value not shown: it may contain a password)');
    return url;
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    problems.push(`SMTP_URL must use smtp:// or smtps://, got scheme '${parsed.protocol.slice(0, 16)}'`);
  } else if (parsed.hostname === '') {
    problems.push('SMTP_URL must name a host');
  }
  return url;
}

function parseMailFrom(value: string | undefined, demo: boolean, problems: string[]): string {
  const from = value ?? (demo ? DEMO_MAIL_FROM : undefined);
  if (from === undefined) problems.push('MAIL_FROM is required (e.g. "Keyward <keyward@example.com>") unless DEMO=1');
  else if (!MAIL_ADDRESS.test(from))
    problems.push(`MAIL_FROM must be an address like "Name <user@example.com>", got '${from}'`);
  return from ?? '';
}

function parseDomains(value: string | undefined, demo: boolean, problems: string[]): string[] {
  const domains = list(value).map((d) => d.toLowerCase());
  if (domains.length === 0 && demo) return [...DEMO_ALLOWED_DOMAINS];
  if (domains.length === 0)
    problems.push('ALLOWED_DOMAINS is required (comma list of recipient domains, e.g. contoso.com) unless DEMO=1');
  for (const d of domains)
    if (!DOMAIN.test(d)) problems.push(`ALLOWED_DOMAINS entries must be domain names, got '${d}'`);
  return domains;
}

/** The secret is never quoted, whatever is wrong with it. */
function parseGraphSecret(value: string | undefined, demo: boolean, problems: string[]): string {
  const secret = value ?? (demo ? DEMO_GRAPH_CLIENT_SECRET : undefined);
  if (secret === undefined)
    problems.push(
      "GRAPH_CLIENT_SECRET is required (the relay app's client secret, for app-only Graph lookups) unless DEMO=1",
    );
  return secret ?? '';
}

/** Defaults to Graph itself; in demo mode to the Entra emulator's Graph on the authority host. */
function parseGraphBaseUrl(
  value: string | undefined,
  demo: boolean,
  authorityHost: string,
  problems: string[],
): string {
  const url = value ?? (demo ? `https://${authorityHost}/graph` : 'https://graph.microsoft.com');
  let ok = false;
  try {
    const parsed = new URL(url);
    ok =
      parsed.protocol === 'https:' &&
      parsed.search === '' &&
      parsed.hash === '' &&
      parsed.username === '' &&
      !url.endsWith('/');
  } catch {
    ok = false;
  }
  if (!ok)
    problems.push(
      `GRAPH_BASE_URL must be an https URL without a trailing slash, query or credentials (e.g. https://graph.microsoft.com), got '${url}'`,
    );
  return url;
}

/** Validates DATABASE_URL without ever putting it (it may hold a password) in a message. */
function parseDatabaseUrl(value: string | undefined, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(value);
  } catch {
    problems.push('DATABASE_URL is not a valid URL (value not shown: it may contain a password)');
    return value;
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')
    problems.push(`DATABASE_URL must use postgres:// or postgresql://, got scheme '${parsed.protocol.slice(0, 16)}'`);
  else if (parsed.hostname === '' && !parsed.searchParams.has('host'))
    problems.push('DATABASE_URL must name a host (or a socket directory in ?host=)');
  return value;
}

function parseInteger(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const value = read(env, name);
  if (value === undefined) return fallback;
  const n = /^\d{1,9}$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) problems.push(`${name} must be an integer from ${min} to ${max}, got '${value}'`);
  return n;
}

function parseDemo(value: string | undefined, problems: string[]): boolean {
  if (value !== undefined && value !== '1') problems.push(`DEMO must be '1' or unset, got '${value}'`);
  return value === '1';
}

function parseAuthorityHost(value: string | undefined, problems: string[]): string {
  const host = value ?? 'login.microsoftonline.com';
  if (!HOST_PORT.test(host))
    problems.push(`AUTHORITY_HOST must be a host name with an optional port (no scheme or path), got '${host}'`);
  return host.toLowerCase();
}

/**
 * Reads and validates the relay configuration.
 *
 * @throws AppError('relay', 'BAD_CONFIG', …, { problems: string[] }) listing every bad value.
 */
export function loadConfig(env: Env): RelayConfig {
  const problems: string[] = [];
  const demo = parseDemo(read(env, 'DEMO'), problems);
  const tenantId = parseGuid(env, 'TENANT_ID', problems);
  const authorityHost = parseAuthorityHost(read(env, 'AUTHORITY_HOST'), problems);
  const config: RelayConfig = {
    port: parsePort(read(env, 'PORT'), problems),
    host: read(env, 'HOST') ?? '127.0.0.1',
    tenantId,
    relayClientId: parseGuid(env, 'RELAY_CLIENT_ID', problems),
    authorityHost,
    issuer: `https://${authorityHost}/${tenantId}/v2.0`,
    requiredScope: parseWord(env, 'REQUIRED_SCOPE', 'Mail.Send', problems),
    operatorRole: parseWord(env, 'OPERATOR_ROLE', 'Keyward.Operator', problems),
    allowedOrigins: parseOrigins(read(env, 'ALLOWED_ORIGINS'), problems),
    smtpUrl: parseSmtpUrl(read(env, 'SMTP_URL'), demo, problems),
    mailFrom: parseMailFrom(read(env, 'MAIL_FROM'), demo, problems),
    allowedDomains: parseDomains(read(env, 'ALLOWED_DOMAINS'), demo, problems),
    demo,
    graphClientSecret: parseGraphSecret(read(env, 'GRAPH_CLIENT_SECRET'), demo, problems),
    graphBaseUrl: parseGraphBaseUrl(read(env, 'GRAPH_BASE_URL'), demo, authorityHost, problems),
    mailRatePerMinute: parseInteger(env, 'MAIL_RATE_PER_MINUTE', 30, 1, 100_000, problems),
    smtpMaxConnections: parseInteger(env, 'SMTP_MAX_CONNECTIONS', 5, 1, 100, problems),
    auditorRole: parseWord(env, 'AUDITOR_ROLE', 'Keyward.Auditor', problems),
    administratorRole: parseWord(env, 'ADMINISTRATOR_ROLE', 'Keyward.Administrator', problems),
    databaseUrl: parseDatabaseUrl(read(env, 'DATABASE_URL'), problems),
    databasePoolSize: parseInteger(env, 'DATABASE_POOL_SIZE', 10, 1, 1000, problems),
    dataDir: read(env, 'KEYWARD_DATA_DIR') ?? DEFAULT_DATA_DIR,
  };
  if (config.databaseUrl !== undefined && read(env, 'KEYWARD_DATA_DIR') !== undefined)
    problems.push('Set DATABASE_URL (PostgreSQL) or KEYWARD_DATA_DIR (embedded PGlite), not both');
  if (problems.length > 0) {
    throw new AppError('relay', 'BAD_CONFIG', `Invalid relay configuration:\n- ${problems.join('\n- ')}`, { problems });
  }
  return config;
}

/**
 * A log-safe summary of the configuration: the SMTP and database URLs are reduced to scheme, host and
 * port, and the Graph client secret is left out.
 */
export function describeConfig(config: RelayConfig): Record<string, string | number | boolean> {
  const smtp = new URL(config.smtpUrl);
  return {
    host: config.host,
    port: config.port,
    issuer: config.issuer,
    audience: config.relayClientId,
    requiredScope: config.requiredScope,
    operatorRole: config.operatorRole,
    allowedOrigins: config.allowedOrigins.join(','),
    smtp: `${smtp.protocol}//${smtp.host}`,
    mailFrom: config.mailFrom,
    allowedDomains: config.allowedDomains.join(','),
    demo: config.demo,
    graphBaseUrl: config.graphBaseUrl,
    mailRatePerMinute: config.mailRatePerMinute,
    smtpMaxConnections: config.smtpMaxConnections,
    auditorRole: config.auditorRole,
    administratorRole: config.administratorRole,
    database: config.databaseUrl === undefined ? `pglite:${config.dataDir}` : describeDatabaseUrl(config.databaseUrl),
  };
}

function describeDatabaseUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}
