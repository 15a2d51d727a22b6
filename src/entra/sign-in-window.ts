/**
 * How long a sign-in window may take before MSAL gives up on it. Under COOP same-origin (which the
 * Isolated Web App needs) the page cannot see that window close, so a closed window is noticed only when
 * this runs out; the UI says so while it waits. Longer than MSAL's 60 s default, which a password plus an
 * MFA prompt can exceed. Kept apart from msal-adapter.ts so the first screen can say it without MSAL.
 */
export const SIGN_IN_WINDOW_TIMEOUT_MS = 90_000;
