/**
 * Turns any thrown value into the relay's one JSON error shape:
 * `{ error: { code, message, retryable, requestId } }`.
 *
 * Token refusals follow RFC 6750 §3: 401 with `WWW-Authenticate: Bearer …, error="invalid_token"` for a
 * bad token, no `error` attribute when none was sent (§3.1), 403 `insufficient_scope` for a missing scope
 * or app role. Unknown errors become a bare 500: their text could carry anything.
 */
import { HTTPException } from 'hono/http-exception';
import { isAppError } from '../src/app-error';

/** The JSON body of every relay error response. */
export interface ErrorBody {
  error: {
    code: string;
    message: string;
    retryable: boolean;
    requestId: string;
    /** For a conflict, the resource as it is now (e.g. the card after CARD_CHANGED_ELSEWHERE). */
    current?: unknown;
    /** For a refused body or query, each problem as `path: what is wrong` (never the value sent). */
    problems?: string[];
    /** SMTP_TLS_FAILED: what TLS failed on (relay/mail/smtp-tls.ts `SmtpTlsCause`). */
    tlsCause?: string;
  };
}

/** A fully described error response. */
export interface ErrorResponse {
  status: 400 | 401 | 403 | 404 | 405 | 413 | 415 | 429 | 500 | 502 | 503;
  body: ErrorBody;
  headers: Record<string, string>;
}

/** `realm` names the protection space in WWW-Authenticate challenges (RFC 6750 §3). */
export const REALM = 'keyward-relay';

type Mapping = {
  status: ErrorResponse['status'];
  retryable: boolean;
  oauth?: 'invalid_token' | 'insufficient_scope' | 'none';
};

/** A refused token: 401 with an `invalid_token` challenge. */
const badToken = (retryable = false): Mapping => ({ status: 401, retryable, oauth: 'invalid_token' });

const APP_ERRORS: Readonly<Record<string, Mapping>> = {
  TOKEN_MISSING: { status: 401, retryable: false, oauth: 'none' },
  TOKEN_MALFORMED: badToken(),
  // An expired token is worth retrying once the client has a fresh one.
  TOKEN_EXPIRED: badToken(true),
  TOKEN_NOT_YET_VALID: badToken(true),
  TOKEN_BAD_SIGNATURE: badToken(),
  TOKEN_WRONG_ISSUER: badToken(),
  TOKEN_WRONG_AUDIENCE: badToken(),
  TOKEN_GRAPH_AUDIENCE: badToken(),
  TOKEN_WRONG_TENANT: badToken(),
  TOKEN_WRONG_VERSION: badToken(),
  TOKEN_WRONG_CLIENT: badToken(),
  TOKEN_BAD_ALG: badToken(),
  SCOPE_MISSING: { status: 403, retryable: false, oauth: 'insufficient_scope' },
  ROLE_MISSING: { status: 403, retryable: false, oauth: 'insufficient_scope' },
  JWKS_UNAVAILABLE: { status: 503, retryable: true },
  BODY_TOO_LARGE: { status: 413, retryable: false },
};

const HTTP_CODES: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'BODY_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

/**
 * Builds an RFC 6750 challenge. The description is cut down to the characters §3 allows in
 * `error_description` (%x20-21 / %x23-5B / %x5D-7E): a header value must be ASCII, and a quote would
 * end the quoted-string.
 */
function challenge(kind: Mapping['oauth'], description: string, scope?: unknown): string {
  if (kind === 'none') return `Bearer realm="${REALM}"`;
  const parts = [
    `Bearer realm="${REALM}"`,
    `error="${kind}"`,
    `error_description="${description.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '')}"`,
  ];
  if (kind === 'insufficient_scope' && typeof scope === 'string') parts.push(`scope="${scope}"`);
  return parts.join(', ');
}

const knownStatus = (s: number): s is ErrorResponse['status'] =>
  [400, 401, 403, 404, 405, 413, 415, 429, 500, 502, 503].includes(s);

/**
 * Describes `err` as a relay error response. Only AppError and HTTPException details reach the client.
 * AppErrors raised by relay routes may carry `fields.status` (and `fields.retryable`) when their code is
 * not one of the token/config codes above.
 */
export function toErrorResponse(err: unknown, requestId: string): ErrorResponse {
  if (isAppError(err)) {
    // Codes outside the table (later routes) may name their status in `fields.status`.
    const declared = err.fields.status;
    const m = APP_ERRORS[err.code] ?? {
      status: typeof declared === 'number' && knownStatus(declared) ? declared : 500,
      retryable: err.fields.retryable === true,
    };
    const headers: Record<string, string> = {};
    if (m.oauth) headers['WWW-Authenticate'] = challenge(m.oauth, err.message, err.fields.scope);
    return {
      status: m.status,
      headers,
      body: {
        error: {
          code: err.code,
          message: err.message,
          retryable: m.retryable,
          requestId,
          ...(err.fields.current !== undefined ? { current: err.fields.current } : {}),
          ...(Array.isArray(err.fields.problems) ? { problems: err.fields.problems.map(String) } : {}),
          ...(typeof err.fields.tlsCause === 'string' ? { tlsCause: err.fields.tlsCause } : {}),
        },
      },
    };
  }
  if (err instanceof HTTPException) {
    const status = knownStatus(err.status) ? err.status : 500;
    const code = HTTP_CODES[status] ?? 'INTERNAL';
    const message = status === 500 ? 'Internal error.' : err.message || code;
    return {
      status,
      headers: {},
      body: { error: { code, message, retryable: status === 429 || status === 503, requestId } },
    };
  }
  return {
    status: 500,
    headers: {},
    body: { error: { code: 'INTERNAL', message: 'Internal error.', retryable: false, requestId } },
  };
}
