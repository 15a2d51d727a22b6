/**
 * The relay's configuration, read once from the environment and validated as a whole.
 *
 * Every bad value is collected so that an operator sees all problems at once, in one
 * `AppError('relay', 'BAD_CONFIG', …, { problems })`. Messages quote offending values only when they
 * cannot be secret: SMTP_URL (which may carry a password) and GRAPH_CLIENT_SECRET are never echoed.
 */
import { AppError } from '../src/app-error';
import {
  DEFAULT_DATA_DIR,
  parseAuthorityHost,
  parseDatabaseUrl,
  parseDemo,
  parseDomains,
  parseGraphBaseUrl,
  parseGraphSecret,
  parseGuid,
  parseInteger,
  parseMailFrom,
  parseOrigins,
  parsePort,
  parseSmtpUrl,
  parseWord,
  read,
  type Env,
} from './config-values';
import { parseKekSetting, type KekSetting } from './card-keys/kek';
import { parseTlsServername, readSmtpCaFile } from './mail/smtp-tls';

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
  /**
   * `SPA_CLIENT_IDS`: application (client) ids of the Keyward pages (operator console, self-service); a
   * token must have been issued to one of them (`azp`, or `appid` in v1.0 tokens).
   */
  spaClientIds: string[];
  /**
   * `BEHIND_TLS_PROXY=1`: a reverse proxy in front terminates TLS, so listening on a non-loopback HOST
   * (where the relay itself speaks plain HTTP) is intended.
   */
  behindTlsProxy: boolean;
  /** Delegated scope every caller's token must carry in `scp`, e.g. `Mail.Send`. */
  requiredScope: string;
  /** App role that marks an operator, e.g. `Keyward.Operator`. */
  operatorRole: string;
  /** Exact page origins allowed by CORS. */
  allowedOrigins: string[];
  /** smtp:// or smtps:// URL; may contain credentials, so never log it. */
  smtpUrl: string;
  /** `SMTP_CA_FILE`'s PEM text: the CAs trusted for the SMTP server's certificate (else Node's roots). */
  smtpCa?: string;
  /** `SMTP_TLS_SERVERNAME`: the name the SMTP server's certificate must carry, when not SMTP_URL's host. */
  smtpTlsServername?: string;
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
  /** `SELF_SERVICE_RATE_PER_MINUTE`: self-service requests each card holder may make per minute. */
  selfServiceRatePerMinute: number;
  /** The KEK wrapping the card master key (relay/card-keys/kek.ts); secret, never log it. Undefined: no card keys. */
  kek: KekSetting | undefined;
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
    spaClientIds: parseSpaClientIds(read(env, 'SPA_CLIENT_IDS'), demo, problems),
    behindTlsProxy: parseFlag(read(env, 'BEHIND_TLS_PROXY'), 'BEHIND_TLS_PROXY', problems),
    selfServiceRatePerMinute: parseInteger(env, 'SELF_SERVICE_RATE_PER_MINUTE', 10, 1, 10_000, problems),
    kek: parseKekSetting(env, demo, problems),
  };
  const smtpCa = readSmtpCaFile(read(env, 'SMTP_CA_FILE'), problems);
  if (smtpCa !== undefined) config.smtpCa = smtpCa;
  const smtpTlsServername = parseTlsServername(read(env, 'SMTP_TLS_SERVERNAME'), problems);
  if (smtpTlsServername !== undefined) config.smtpTlsServername = smtpTlsServername;
  problems.push(...exposureProblems(config));
  if (config.databaseUrl !== undefined && read(env, 'KEYWARD_DATA_DIR') !== undefined)
    problems.push('Set DATABASE_URL (PostgreSQL) or KEYWARD_DATA_DIR (embedded PGlite), not both');
  if (problems.length > 0) {
    throw new AppError('relay', 'BAD_CONFIG', `Invalid relay configuration:\n- ${problems.join('\n- ')}`, { problems });
  }
  return config;
}

/**
 * The Entra emulator's registration of the Keyward page (demo/entra-emulator/tenant.ts,
 * `DEMO_SPA_CLIENT_ID`): the client ids accepted when `DEMO=1` and SPA_CLIENT_IDS is unset.
 */
export const DEMO_SPA_CLIENT_ID = '0da58537-44b5-46fb-83f9-23649ede607e';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** SPA_CLIENT_IDS: comma-separated GUIDs; required outside demo mode. */
function parseSpaClientIds(value: string | undefined, demo: boolean, problems: string[]): string[] {
  if (value === undefined) {
    if (demo) return [DEMO_SPA_CLIENT_ID];
    problems.push("SPA_CLIENT_IDS is required: the Keyward page's application (client) id(s), comma-separated");
    return [];
  }
  const ids = value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  for (const id of ids) if (!GUID.test(id)) problems.push(`SPA_CLIENT_IDS must list GUIDs, got '${id}'`);
  if (ids.length === 0) problems.push('SPA_CLIENT_IDS names no client id');
  return ids.map((id) => id.toLowerCase());
}

function parseFlag(value: string | undefined, name: string, problems: string[]): boolean {
  if (value !== undefined && value !== '1') problems.push(`${name} must be '1' or unset, got '${value}'`);
  return value === '1';
}

/** True for a HOST that only this machine can reach: `localhost`, 127.0.0.0/8 and `::1`. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * Refusals to listen where the network can reach a relay that should not be reached: the demo (its
 * defaults trust the emulator's secrets) anywhere but loopback, and plain HTTP on a non-loopback HOST
 * unless a reverse proxy terminates TLS in front (`BEHIND_TLS_PROXY=1`).
 */
export function exposureProblems(config: Pick<RelayConfig, 'host' | 'demo' | 'behindTlsProxy'>): string[] {
  if (isLoopbackHost(config.host)) return [];
  if (config.demo)
    return [`DEMO=1 serves the demo's defaults and may only listen on loopback, not HOST '${config.host}'`];
  if (!config.behindTlsProxy)
    return [
      `HOST '${config.host}' is not loopback, and the relay itself speaks plain HTTP: put a reverse proxy that terminates TLS in front of it and set BEHIND_TLS_PROXY=1, or listen on 127.0.0.1`,
    ];
  return [];
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
    smtpPrivateCa: config.smtpCa !== undefined,
    smtpTlsServername: config.smtpTlsServername ?? '',
    mailFrom: config.mailFrom,
    allowedDomains: config.allowedDomains.join(','),
    demo: config.demo,
    graphBaseUrl: config.graphBaseUrl,
    mailRatePerMinute: config.mailRatePerMinute,
    smtpMaxConnections: config.smtpMaxConnections,
    auditorRole: config.auditorRole,
    administratorRole: config.administratorRole,
    spaClientIds: config.spaClientIds.join(','),
    behindTlsProxy: config.behindTlsProxy,
    selfServiceRatePerMinute: config.selfServiceRatePerMinute,
    cardKeys: config.kek === undefined ? 'none' : config.kek.kind === 'value' ? 'KEYWARD_KEK' : config.kek.path,
    database: config.databaseUrl === undefined ? `pglite:${config.dataDir}` : describeDatabaseUrl(config.databaseUrl),
  };
}

function describeDatabaseUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}
