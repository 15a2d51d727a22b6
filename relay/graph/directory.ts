/**
 * The relay's one Graph call: `GET /v1.0/users/{id}` with an app-only token (application permission
 * `User.Read.All`, which `otherMails` needs; Graph docs "Get user", "Permissions"). The relay trusts
 * only what Graph says about the target user, never what the browser says.
 *
 * Graph failures become relay errors that say whether a retry is safe: 404 → USER_NOT_FOUND, 429 and
 * 5xx → GRAPH_UNAVAILABLE (retryable, with Retry-After when Graph gave one), 401 → one retry with a
 * fresh token, then GRAPH_APP_AUTH_FAILED; 403 → GRAPH_APP_AUTH_FAILED (the permission is missing).
 *
 * Found users are cached briefly (30 s by default, at most 1 000): an operator issuing a card sends a
 * few messages about one user in a row, and Graph throttles. The cost is that a change in Entra (a new
 * mail address, a disabled account) reaches the relay's checks up to that long after it is made.
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
  /**
   * `Member` or `Guest`; empty when Graph did not say. Only an explicit `Member` is eligible for mail
   * (relay/mail/compose.ts): an absent value must not pass as a member.
   */
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
  /** How long a found user is reused; defaults to 30 s, 0 disables the cache. */
  cacheTtlMs?: number;
  /** Most users cached at once; defaults to 1 000. */
  cacheMax?: number;
  /** Milliseconds, for the cache; defaults to `Date.now`. */
  now?: () => number;
}

const SELECT = [
  'id',
  'displayName',
  'givenName',
  'surname',
  'userPrincipalName',
  'mail',
  'otherMails',
  'accountEnabled',
  'userType',
];
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
    userType: str(json.userType),
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
    return new AppError(
      'relay',
      'GRAPH_UNAVAILABLE',
      `Microsoft Graph answered HTTP ${status}; nothing was sent, try again later.`,
      { status: 503, retryable: true, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) },
    );
  }
  if (status === 401 || status === 403) {
    return new AppError(
      'relay',
      'GRAPH_APP_AUTH_FAILED',
      `Microsoft Graph refused the relay's app-only token (HTTP ${status}): grant the relay app the User.Read.All application permission.`,
      { status: 502, retryable: false },
    );
  }
  return new AppError('relay', 'GRAPH_UNEXPECTED', `Microsoft Graph answered HTTP ${status} to a user lookup.`, {
    status: 502,
    retryable: false,
  });
}

/** A small TTL cache in least-recently-used order. */
function userCache(ttlMs: number, max: number, now: () => number) {
  const entries = new Map<string, { user: DirectoryUser; expiresAt: number }>();
  return {
    get(id: string): DirectoryUser | undefined {
      const e = entries.get(id);
      if (!e || e.expiresAt <= now()) return void entries.delete(id);
      entries.delete(id);
      entries.set(id, e);
      return e.user;
    },
    set(id: string, user: DirectoryUser): void {
      if (ttlMs <= 0) return;
      entries.delete(id);
      entries.set(id, { user, expiresAt: now() + ttlMs });
      while (entries.size > max) entries.delete(entries.keys().next().value as string);
    },
  };
}

/** One `GET /users/{id}`; network failures become GRAPH_UNAVAILABLE. */
async function lookup(o: GraphDirectoryOptions, objectId: string, token: string): Promise<Response> {
  const url = `${o.baseUrl}/v1.0/users/${encodeURIComponent(objectId)}?$select=${SELECT.join(',')}`;
  try {
    return await o.fetch(url, {
      method: 'GET',
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
      signal: AbortSignal.timeout(o.timeoutMs ?? 5000),
    });
  } catch (cause) {
    throw new AppError(
      'relay',
      'GRAPH_UNAVAILABLE',
      'Microsoft Graph could not be reached; nothing was sent.',
      { status: 503, retryable: true },
      { cause },
    );
  }
}

/** Looks a user up in Graph, retrying once with a fresh token after a 401. */
async function fetchUser(o: GraphDirectoryOptions, objectId: string): Promise<DirectoryUser> {
  let res = await lookup(o, objectId, await o.tokens.token());
  if (res.status === 401) {
    // A token revoked or rotated early: one fresh token, once.
    o.tokens.invalidate();
    res = await lookup(o, objectId, await o.tokens.token());
  }
  if (res.status === 404) {
    throw new AppError('relay', 'USER_NOT_FOUND', `No user with object id ${objectId} in the tenant.`, {
      status: 404,
      retryable: false,
    });
  }
  if (res.status !== 200) throw graphFailure(res.status, res.headers.get('Retry-After'));
  return toDirectoryUser((await res.json()) as Record<string, unknown>);
}

/** Creates the Graph-backed directory. */
export function createGraphDirectory(options: GraphDirectoryOptions): UserDirectory {
  const cache = userCache(options.cacheTtlMs ?? 30_000, options.cacheMax ?? 1000, options.now ?? Date.now);
  // Concurrent lookups of one user share a single Graph request.
  const inFlight = new Map<string, Promise<DirectoryUser>>();
  return {
    getUser(objectId) {
      // Graph would also take a UPN here; the contract is an object id, so nothing else reaches the URL.
      if (!GUID.test(objectId))
        return Promise.reject(
          new AppError('relay', 'INVALID_BODY', 'targetUserId must be an Entra object id (a GUID).', { status: 400 }),
        );
      const key = objectId.toLowerCase();
      const cached = cache.get(key);
      if (cached) return Promise.resolve(cached);
      let pending = inFlight.get(key);
      if (!pending) {
        pending = fetchUser(options, key)
          .then((user) => (cache.set(key, user), user))
          .finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      return pending;
    },
  };
}
