/**
 * The relay's TAP broker: creates a Temporary Access Pass for a card holder with an app-only Graph token
 * (application permission `UserAuthMethod-TAP.ReadWrite.All`, admin consent), since nobody can create
 * their own pass through Graph. Graph docs "Create temporaryAccessPassMethod":
 * `POST /v1.0/users/{id}/authentication/temporaryAccessPassMethods` with `lifetimeInMinutes` and
 * `isUsableOnce`, 201 with the pass in `temporaryAccessPass`.
 *
 * A create is NEVER retried, not even after a 401: a second request could leave the holder with a pass
 * they never saw. A timeout, a lost connection or a 5xx means the outcome is unknown
 * (TAP_OUTCOME_UNKNOWN: the helpdesk can look at the user's methods); a 4xx means nothing was created.
 * The pass is returned to the caller only; it is never logged or put in an error.
 */
import { AppError } from '../../src/app-error';
import type { AppTokenSource } from './app-token';
import { parseRetryAfter } from './directory';
import type { HttpFetch } from './http-fetch';

/**
 * What the broker asks Graph for: the template's lifetime (absent: the tenant policy's default) and single
 * use (absent: as the tenant policy says), src/relay-api/tap-rules.ts `passRequest`.
 */
export interface TapRequest {
  lifetimeInMinutes?: number;
  isUsableOnce?: boolean;
}

/** A created pass, as Graph answered. */
export interface CreatedTap {
  id: string;
  temporaryAccessPass: string;
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
  startDateTime: string;
}

/** Creates passes for users. */
export interface TapBroker {
  create(userId: string, request: TapRequest): Promise<CreatedTap>;
}

/** Options for {@link createTapBroker}. */
export interface TapBrokerOptions {
  /** Graph root without `/v1.0`. */
  baseUrl: string;
  tokens: AppTokenSource;
  fetch: HttpFetch;
  /** How long to wait for Graph's answer; defaults to 15 s. */
  timeoutMs?: number;
}

const unknownOutcome = (why: string, cause?: unknown) =>
  new AppError(
    'relay',
    'TAP_OUTCOME_UNKNOWN',
    `Microsoft Graph did not say whether the Temporary Access Pass was created (${why}); it was not tried again. Ask the helpdesk to look at your authentication methods before asking again.`,
    { status: 502, retryable: false },
    cause === undefined ? undefined : { cause },
  );

/** Graph's own error message, cut to one printable line (it names rules, never the pass). */
async function graphMessage(res: Response): Promise<string> {
  try {
    const json = (await res.json()) as { error?: { message?: unknown } };
    const message = typeof json.error?.message === 'string' ? json.error.message : '';
    return message.replace(/[\p{Cc}]/gu, ' ').slice(0, 300);
  } catch {
    return '';
  }
}

async function refusal(res: Response): Promise<AppError> {
  if (res.status === 401 || res.status === 403)
    return new AppError(
      'relay',
      'GRAPH_APP_AUTH_FAILED',
      `Microsoft Graph refused the relay's app-only token for creating a Temporary Access Pass (HTTP ${res.status}): grant the relay app the UserAuthMethod-TAP.ReadWrite.All application permission with admin consent.`,
      { status: 502, retryable: false },
    );
  if (res.status === 429) {
    const retryAfterSeconds = parseRetryAfter(res.headers.get('Retry-After'));
    return new AppError(
      'relay',
      'GRAPH_UNAVAILABLE',
      'Microsoft Graph is throttling the relay; no pass was created, try again later.',
      { status: 503, retryable: true, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) },
    );
  }
  const message = await graphMessage(res);
  return new AppError(
    'relay',
    'TAP_REFUSED',
    `Microsoft Graph refused to create the Temporary Access Pass (HTTP ${res.status}${message ? `: ${message}` : ''}).`,
    { status: 409, retryable: false },
  );
}

function createdTap(json: Record<string, unknown>): CreatedTap {
  const { id, temporaryAccessPass, lifetimeInMinutes, isUsableOnce, startDateTime } = json;
  if (typeof temporaryAccessPass !== 'string' || temporaryAccessPass === '' || typeof id !== 'string')
    throw unknownOutcome('its answer carried no pass');
  return {
    id,
    temporaryAccessPass,
    lifetimeInMinutes: typeof lifetimeInMinutes === 'number' ? lifetimeInMinutes : 0,
    isUsableOnce: isUsableOnce === true,
    startDateTime: typeof startDateTime === 'string' ? startDateTime : '',
  };
}

/** Creates the broker; nothing is fetched until the first pass. */
export function createTapBroker(options: TapBrokerOptions): TapBroker {
  return {
    async create(userId, request) {
      const token = await options.tokens.token();
      const url = `${options.baseUrl}/v1.0/users/${encodeURIComponent(userId)}/authentication/temporaryAccessPassMethods`;
      const body = {
        ...(request.isUsableOnce === undefined ? {} : { isUsableOnce: request.isUsableOnce }),
        ...(request.lifetimeInMinutes === undefined ? {} : { lifetimeInMinutes: request.lifetimeInMinutes }),
      };
      let res: Response;
      try {
        res = await options.fetch(url, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
        });
      } catch (cause) {
        throw unknownOutcome('no answer arrived', cause);
      }
      if (res.status >= 500) throw unknownOutcome(`HTTP ${res.status}`);
      if (res.status !== 201 && res.status !== 200) throw await refusal(res);
      try {
        return createdTap((await res.json()) as Record<string, unknown>);
      } catch (e) {
        throw e instanceof AppError ? e : unknownOutcome('its answer could not be read', e);
      }
    },
  };
}
