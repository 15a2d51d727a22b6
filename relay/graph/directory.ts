/**
 * The relay's one Graph call: `GET /v1.0/users/{id}` with an app-only token (application permission
 * `User.Read.All`, which `otherMails` needs; Graph docs "Get user", "Permissions"). The relay trusts
 * only what Graph says about the target user, never what the browser says.
 *
 * Graph failures become relay errors that say whether a retry is safe: 404 → USER_NOT_FOUND, 429 and
 * 5xx → GRAPH_UNAVAILABLE (retryable, with Retry-After when Graph gave one), 401 → one retry with a
 * fresh token, then GRAPH_APP_AUTH_FAILED; 403 → GRAPH_APP_AUTH_FAILED (the permission is missing).
 */
import { AppError } from '../../src/app-error';
import type { AppTokenSource } from './app-token';
import type { HttpFetch } from './http-fetch';

/** A directory user as the mail export needs it. */
export interface DirectoryUser {
  id: string;
  displayName: string;
  givenName: string;
  surname: string;
  userPrincipalName: string;
  /** Primary SMTP address; null when the user has no mailbox address. */
  mail: string | null;
  otherMails: string[];
  accountEnabled: boolean;
  /** `Member` or `Guest`. */
  userType: string;
}

/** Looks users up by Entra object id. */
export interface UserDirectory {
  /** Rejects with `AppError('relay', 'USER_NOT_FOUND' | 'GRAPH_UNAVAILABLE' | 'GRAPH_APP_AUTH_FAILED')`. */
  getUser(objectId: string): Promise<DirectoryUser>;
}

/** Options for {@link createGraphDirectory}. */
export interface GraphDirectoryOptions {
  /** Graph root without `/v1.0`, e.g. `https://graph.microsoft.com`. */
  baseUrl: string;
  tokens: AppTokenSource;
  fetch: HttpFetch;
  /** Per-request timeout; defaults to 5 s. */
  timeoutMs?: number;
}

const SELECT = ['id', 'displayName', 'givenName', 'surname', 'userPrincipalName', 'mail', 'otherMails', 'accountEnabled', 'userType'];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function toDirectoryUser(json: Record<string, unknown>): DirectoryUser {
  return {
    id: str(json.id),
    displayName: str(json.displayName),
    givenName: str(json.givenName),
    surname: str(json.surname),
    userPrincipalName: str(json.userPrincipalName),
    mail: typeof json.mail === 'string' && json.mail !== '' ? json.mail : null,
    otherMails: Array.isArray(json.otherMails) ? json.otherMails.filter((m): m is string => typeof m === 'string') : [],
    // Graph returns accountEnabled only when selected; anything but an explicit true counts as disabled.
    accountEnabled: json.accountEnabled === true,
    userType: str(json.userType) || 'Member',
  };
}

/** Delta-seconds or HTTP-date (RFC 9110 §10.2.3) to whole seconds, capped at an hour. */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | undefined {
  if (value === null) return undefined;
  const seconds = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Math.ceil((Date.parse(value) - nowMs) / 1000);
  return Number.isFinite(seconds) ? Math.min(Math.max(seconds, 1), 3600) : undefined;
}

function graphFailure(status: number, retryAfter: string | null): AppError {
  if (status === 429 || status >= 500) {
    const retryAfterSeconds = parseRetryAfter(retryAfter);
    return new AppError('relay', 'GRAPH_UNAVAILABLE', `Microsoft Graph answered HTTP ${status}; nothing was sent, try again later.`,
      { status: 503, retryable: true, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) });
  }
  if (status === 401 || status === 403) {
    return new AppError('relay', 'GRAPH_APP_AUTH_FAILED',
      `Microsoft Graph refused the relay's app-only token (HTTP ${status}): grant the relay app the User.Read.All application permission.`,
      { status: 502, retryable: false });
  }
  return new AppError('relay', 'GRAPH_UNEXPECTED', `Microsoft Graph answered HTTP ${status} to a user lookup.`, { status: 502, retryable: false });
}

/** Creates the Graph-backed directory. */
export function createGraphDirectory(options: GraphDirectoryOptions): UserDirectory {
  const timeoutMs = options.timeoutMs ?? 5000;
  const lookup = async (objectId: string, token: string): Promise<Response> => {
    const url = `${options.baseUrl}/v1.0/users/${encodeURIComponent(objectId)}?$select=${SELECT.join(',')}`;
    try {
      return await options.fetch(url, { method: 'GET', headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
    } catch (cause) {
      throw new AppError('relay', 'GRAPH_UNAVAILABLE', 'Microsoft Graph could not be reached; nothing was sent.', { status: 503, retryable: true }, { cause });
    }
  };
  return {
    async getUser(objectId) {
      // Graph would also take a UPN here; the contract is an object id, so nothing else reaches the URL.
      if (!GUID.test(objectId)) throw new AppError('relay', 'INVALID_BODY', 'targetUserId must be an Entra object id (a GUID).', { status: 400 });
      let res = await lookup(objectId, await options.tokens.token());
      if (res.status === 401) {
        // A token revoked or rotated early: one fresh token, once.
        options.tokens.invalidate();
        res = await lookup(objectId, await options.tokens.token());
      }
      if (res.status === 404) {
        throw new AppError('relay', 'USER_NOT_FOUND', `No user with object id ${objectId} in the tenant.`, { status: 404, retryable: false });
      }
      if (res.status !== 200) throw graphFailure(res.status, res.headers.get('Retry-After'));
      return toDirectoryUser((await res.json()) as Record<string, unknown>);
    },
  };
}
