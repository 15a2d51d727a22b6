/**
 * OAuth 2.0 error names (RFC 6749 §4.1.2.1 and §5.2, OpenID Connect Core §3.1.2.6) as Keyward's `entra`
 * error codes, shared by both sign-in strategies; src/ui/errors/entra.ts has the words.
 */
export const OAUTH_ERROR_CODES: Readonly<Record<string, string>> = {
  consent_required: 'CONSENT_REQUIRED',
  invalid_scope: 'SCOPE_NOT_GRANTED',
  invalid_client: 'APP_REGISTRATION',
  unauthorized_client: 'APP_REGISTRATION',
  access_denied: 'ACCESS_DENIED',
};

/** The `entra` error code for an OAuth error name (SIGN_IN_FAILED for any other). */
export function oauthErrorCode(error: string): string {
  return OAUTH_ERROR_CODES[error] ?? 'SIGN_IN_FAILED';
}
