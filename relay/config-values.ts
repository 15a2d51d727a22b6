/**
 * The relay configuration's values one by one: the defaults of demo mode and each variable's parser.
 * Parsers push what is wrong onto `problems` (relay/config.ts reports them all at once) and quote a
 * value only when it cannot be secret.
 */

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

/** The environment variables the configuration is read from. */
export type Env = Record<string, string | undefined>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// A DNS host name or IPv4 address, optionally with a port; no scheme, path or user info.
const HOST_PORT = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/i;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const TOKEN_WORD = /^[A-Za-z0-9._:/-]+$/;
// `Name <local@domain>` or `local@domain`; CR/LF can never pass, which keeps headers unforgeable.
const MAIL_ADDRESS = /^([^<>\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/;

/** Trims a variable; empty counts as unset. */
export function read(env: Env, name: string): string | undefined {
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

/** PORT; defaults to 8787. */
export function parsePort(value: string | undefined, problems: string[]): number {
  if (value === undefined) return 8787;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535)) problems.push(`PORT must be an integer from 0 to 65535, got '${value}'`);
  return port;
}

/** A required GUID (TENANT_ID, RELAY_CLIENT_ID), lower-cased. */
export function parseGuid(env: Env, name: string, problems: string[]): string {
  const value = read(env, name);
  if (value === undefined) problems.push(`${name} is required (a GUID)`);
  else if (!GUID.test(value)) problems.push(`${name} must be a GUID, got '${value}'`);
  return (value ?? '').toLowerCase();
}

/** A scope or app-role name: one word, `fallback` when unset. */
export function parseWord(env: Env, name: string, fallback: string, problems: string[]): string {
  const value = read(env, name) ?? fallback;
  if (!TOKEN_WORD.test(value)) problems.push(`${name} must be a single word without spaces, got '${value}'`);
  return value;
}

/**
 * An installed app's origin: `isolated-app://` and its Web Bundle ID (base32 of the signing key's bytes
 * and a type suffix, lower case, no padding: 56 characters for Ed25519 and for dev-proxy ids).
 */
const ISOLATED_APP_ORIGIN = /^isolated-app:\/\/[a-z2-7]{56}$/;

/** ALLOWED_ORIGINS: required, each an exact http(s) origin or an installed app's `isolated-app://<id>`. */
export function parseOrigins(value: string | undefined, problems: string[]): string[] {
  const origins = list(value);
  if (origins.length === 0)
    problems.push('ALLOWED_ORIGINS is required (comma list of page origins, e.g. https://keyward.example.com)');
  for (const origin of origins) {
    let exact = false;
    try {
      const url = new URL(origin);
      exact =
        ((url.protocol === 'https:' || url.protocol === 'http:') && url.origin === origin) ||
        ISOLATED_APP_ORIGIN.test(origin);
    } catch {
      exact = false;
    }
    if (!exact)
      problems.push(
        `ALLOWED_ORIGINS entries must be exact origins like https://host[:port] or the installed app's isolated-app://<Web Bundle ID> (no path, no trailing slash, no '*'), got '${origin}'`,
      );
  }
  return origins;
}

/**
 * Parses a URL that may hold a password and checks its scheme; no message quotes the URL. Undefined when
 * it is not a URL or has another scheme (both reported).
 */
function parseSecretUrl(name: string, url: string, schemes: readonly string[], problems: string[]): URL | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    problems.push(`${name} is not a valid URL (value not shown: it may contain a password)`);
    return undefined;
  }
  if (schemes.includes(parsed.protocol)) return parsed;
  const names = schemes.map((s) => `${s}//`).join(' or ');
  problems.push(`${name} must use ${names}, got scheme '${parsed.protocol.slice(0, 16)}'`);
  return undefined;
}

/** Validates SMTP_URL without ever putting the URL (which may hold a password) in a message. */
export function parseSmtpUrl(value: string | undefined, demo: boolean, problems: string[]): string {
  const url = value ?? (demo ? DEMO_SMTP_URL : undefined);
  if (url === undefined) {
    problems.push('SMTP_URL is required (smtp:// or smtps:// URL) unless DEMO=1');
    return '';
  }
  if (parseSecretUrl('SMTP_URL', url, ['smtp:', 'smtps:'], problems)?.hostname === '')
    problems.push('SMTP_URL must name a host');
  return url;
}

/** MAIL_FROM: an address without CR/LF; required outside demo mode. */
export function parseMailFrom(value: string | undefined, demo: boolean, problems: string[]): string {
  const from = value ?? (demo ? DEMO_MAIL_FROM : undefined);
  if (from === undefined) problems.push('MAIL_FROM is required (e.g. "Keyward <keyward@example.com>") unless DEMO=1');
  else if (!MAIL_ADDRESS.test(from))
    problems.push(`MAIL_FROM must be an address like "Name <user@example.com>", got '${from}'`);
  return from ?? '';
}

/** ALLOWED_DOMAINS, lower-cased; required outside demo mode. */
export function parseDomains(value: string | undefined, demo: boolean, problems: string[]): string[] {
  const domains = list(value).map((d) => d.toLowerCase());
  if (domains.length === 0 && demo) return [...DEMO_ALLOWED_DOMAINS];
  if (domains.length === 0)
    problems.push('ALLOWED_DOMAINS is required (comma list of recipient domains, e.g. contoso.com) unless DEMO=1');
  for (const d of domains)
    if (!DOMAIN.test(d)) problems.push(`ALLOWED_DOMAINS entries must be domain names, got '${d}'`);
  return domains;
}

/** The secret is never quoted, whatever is wrong with it. */
export function parseGraphSecret(value: string | undefined, demo: boolean, problems: string[]): string {
  const secret = value ?? (demo ? DEMO_GRAPH_CLIENT_SECRET : undefined);
  if (secret === undefined)
    problems.push(
      "GRAPH_CLIENT_SECRET is required (the relay app's client secret, for app-only Graph lookups) unless DEMO=1",
    );
  return secret ?? '';
}

/** Defaults to Graph itself; in demo mode to the Entra emulator's Graph on the authority host. */
export function parseGraphBaseUrl(
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
export function parseDatabaseUrl(value: string | undefined, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  const parsed = parseSecretUrl('DATABASE_URL', value, ['postgres:', 'postgresql:'], problems);
  if (parsed?.hostname === '' && !parsed.searchParams.has('host'))
    problems.push('DATABASE_URL must name a host (or a socket directory in ?host=)');
  return value;
}

/** An integer from `min` to `max`, `fallback` when unset. */
export function parseInteger(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  const value = read(env, name);
  if (value === undefined) return fallback;
  const n = /^\d{1,9}$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) problems.push(`${name} must be an integer from ${min} to ${max}, got '${value}'`);
  return n;
}

/** DEMO: '1' or unset. */
export function parseDemo(value: string | undefined, problems: string[]): boolean {
  if (value !== undefined && value !== '1') problems.push(`DEMO must be '1' or unset, got '${value}'`);
  return value === '1';
}

/** AUTHORITY_HOST: a host with an optional port; defaults to Entra's. */
export function parseAuthorityHost(value: string | undefined, problems: string[]): string {
  const host = value ?? 'login.microsoftonline.com';
  if (!HOST_PORT.test(host))
    problems.push(`AUTHORITY_HOST must be a host name with an optional port (no scheme or path), got '${host}'`);
  return host.toLowerCase();
}
