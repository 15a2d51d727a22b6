/**
 * The deployment's configuration: `/keyward.config.json`, served beside the app.
 *
 * An administrator edits that file (or the demo server generates it); Options > Connections can override
 * the Entra ID and relay fields per browser. Nothing in it is secret: it holds ids and URLs only.
 */
import { AppError } from '../app-error';

/** Where the operator signs in and which APIs the app calls. */
export interface EntraSettings {
  /** Directory (tenant) id, a GUID. */
  readonly tenantId: string;
  /** The SPA app registration's client id, a GUID. */
  readonly clientId: string;
  /** Authority host, e.g. `login.microsoftonline.com`, or `localhost:8443` for the emulator. */
  readonly authorityHost: string;
  /** Microsoft Graph's base URL, e.g. `https://graph.microsoft.com`. */
  readonly graphBaseUrl: string;
  /** The relay API's delegated scope, e.g. `api://<relay-app-id>/Mail.Send`. */
  readonly relayScope: string;
}

/**
 * Where MSAL keeps the operator's tokens (refresh tokens included). `sessionStorage` (the default) lives
 * as long as the tab: a script injected into the page can still use it while the tab is open, but it does
 * not outlive the tab on a shared helpdesk machine. `localStorage` keeps the sign-in across tabs and
 * restarts, and so keeps refresh tokens that can create passes within reach of the page for their lifetime.
 */
export type TokenCacheLocation = 'sessionStorage' | 'localStorage';

/** The whole deployment file. */
export interface DeploymentConfig {
  readonly entra: EntraSettings;
  /** Where MSAL keeps tokens (default `sessionStorage`); see {@link TokenCacheLocation}. */
  readonly tokenCache?: TokenCacheLocation;
  /** Base URL of the Keyward relay (mail export), e.g. `https://keyward-relay.contoso.com`. */
  readonly relayUrl: string;
  /**
   * The port of the local PC/SC bridge (bridge/) on operators' machines, when it is not the default
   * 35990. The page connects to ws://127.0.0.1:<port>; the server's CSP connect-src must list the same.
   */
  readonly pcscBridgePort?: number;
  /** Present only in the embedded demo: links a newcomer needs. */
  readonly demo?: { readonly inboxUrl: string; readonly certificateUrl: string };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HOST = /^[a-z0-9.-]+(:\d{1,5})?$/i;

/** Checks one Entra settings object; returns a sentence per bad field (empty when all are good). */
export function entraSettingsProblems(s: Partial<Record<keyof EntraSettings, unknown>>): string[] {
  const problems: string[] = [];
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  if (!GUID.test(str(s.tenantId)))
    problems.push('Tenant ID must be a GUID (Entra admin center > Overview > Tenant ID).');
  if (!GUID.test(str(s.clientId)))
    problems.push("SPA client ID must be a GUID (the app registration's Application (client) ID).");
  if (!HOST.test(str(s.authorityHost)))
    problems.push('Authority host must be a host name such as login.microsoftonline.com.');
  if (!isHttpsUrl(str(s.graphBaseUrl)))
    problems.push('Graph base URL must be an https URL such as https://graph.microsoft.com.');
  if (!/^api:\/\/[^/\s]+\/[^/\s]+$/.test(str(s.relayScope)))
    problems.push('Relay API scope must look like api://<relay app id>/Mail.Send.');
  return problems;
}

function isHttpsUrl(v: string): boolean {
  try {
    return new URL(v).protocol === 'https:';
  } catch {
    return false;
  }
}

function isHttpUrl(v: unknown): boolean {
  try {
    return typeof v === 'string' && /^https?:$/.test(new URL(v).protocol);
  } catch {
    return false;
  }
}

/** Validates a parsed deployment file, throwing `AppError('config','BAD_DEPLOYMENT_CONFIG')` listing each problem. */
export function parseDeploymentConfig(raw: unknown): DeploymentConfig {
  const o = (raw ?? {}) as Record<string, unknown>;
  const entra = (o.entra ?? {}) as Record<string, unknown>;
  const problems = entraSettingsProblems(entra);
  if (!isHttpUrl(o.relayUrl)) problems.push('relayUrl must be an http(s) URL.');
  if (
    o.pcscBridgePort !== undefined &&
    !(Number.isInteger(o.pcscBridgePort) && (o.pcscBridgePort as number) > 0 && (o.pcscBridgePort as number) < 65536)
  ) {
    problems.push('pcscBridgePort must be a port number (1–65535).');
  }
  if (o.tokenCache !== undefined && o.tokenCache !== 'sessionStorage' && o.tokenCache !== 'localStorage')
    problems.push('tokenCache must be "sessionStorage" (the default) or "localStorage".');
  if (problems.length) {
    throw new AppError('config', 'BAD_DEPLOYMENT_CONFIG', `keyward.config.json: ${problems.join(' ')}`, { problems });
  }
  return o as unknown as DeploymentConfig;
}

/** Fetches and validates `/keyward.config.json`. */
export async function loadDeploymentConfig(url = '/keyward.config.json'): Promise<DeploymentConfig> {
  let res: Response;
  try {
    res = await fetch(url, { cache: 'no-cache' });
  } catch (cause) {
    throw new AppError('config', 'CONFIG_UNREACHABLE', `Could not load ${url}.`, {}, { cause });
  }
  if (!res.ok)
    throw new AppError('config', 'CONFIG_UNREACHABLE', `Could not load ${url}: HTTP ${res.status}.`, {
      status: res.status,
    });
  let body: unknown;
  try {
    body = await res.json();
  } catch (cause) {
    throw new AppError('config', 'BAD_DEPLOYMENT_CONFIG', `${url} is not valid JSON.`, {}, { cause });
  }
  return parseDeploymentConfig(body);
}
