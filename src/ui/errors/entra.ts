/**
 * Words for Microsoft Entra ID: signing in through MSAL (src/entra/msal-adapter.ts) or, in the installed
 * app, the loopback flow (src/entra/loopback-sign-in.ts), and Microsoft Graph
 * (src/entra/graph-errors.ts, users, TAP).
 */
import { say, sentence, type Fields, type Words } from './types';

/** Graph's own words (written for administrators), or the developer message when it sent none. */
const graphSaid = (f: Fields, message: string) => sentence(String(f.graphMessage ?? message));

/** `AppError('entra', code)` → words. */
export const ENTRA_WORDS: Words = {
  SIGN_IN_CANCELLED: say('Sign-in was cancelled. Choose "Sign in" to try again.'),
  POPUP_BLOCKED: say(
    'The browser blocked the sign-in window. Allow pop-ups for this site (the icon at the right of the address bar), then choose "Sign in" again.',
  ),
  SIGN_IN_TIMED_OUT: (f) =>
    `The sign-in window did not finish within ${String(f.timeoutSeconds ?? 90)} seconds: it was closed, or left waiting. Try again.`,
  INTERACTION_IN_PROGRESS: say('A sign-in window is already open. Finish or close it first.'),
  OFFLINE: say('You are offline. Sign-in needs a connection to Microsoft Entra ID.'),
  AUTHORITY_UNREACHABLE: (f) =>
    `The sign-in service at ${String(f.authorityHost)} could not be reached. Check the network and the authority host in Options > Connections > Entra ID. In the demo, open the emulator's address once and accept its certificate.`,
  CONSENT_REQUIRED: say(
    'An administrator has not yet consented to the permissions Keyward needs. Ask them to grant admin consent for the Keyward app registration.',
  ),
  SCOPE_NOT_GRANTED: say(
    'The Keyward app registration lacks a delegated permission it needs (User.Read.All, UserAuthMethod-TAP.ReadWrite.All, or the relay API scope). Ask an administrator to add it and grant consent.',
  ),
  APP_REGISTRATION: say(
    'Entra ID does not recognise this app registration. Check the tenant ID and SPA client ID in Options > Connections > Entra ID.',
  ),
  ACCESS_DENIED: say('Entra ID refused the sign-in for this account.'),
  SIGN_IN_FAILED: (f) => {
    const why = f.msalCode ?? f.oauthError;
    return `Sign-in did not complete${why ? ` (${String(why)})` : ''}. Try again; if it keeps failing, check Options > Connections > Entra ID.`;
  },
  LOOPBACK_UNAVAILABLE: say(
    'The installed app could not open its local sign-in address (Direct Sockets). Check that the app was installed with its permissions (direct-sockets), or sign in from the web app instead.',
  ),
  LOOPBACK_CLOSED: say('The local sign-in address closed before the sign-in finished. Choose "Sign in" to try again.'),
  LOOPBACK_REDIRECT_PLATFORM: (f) =>
    `Entra ID refused to complete the sign-in for the installed app${f.aadsts ? ` (AADSTS${String(f.aadsts)})` : ''}: the Keyward app registration must list http://localhost as a redirect URI under "Single-page application". Ask an administrator to add it.`,
  NOT_SIGNED_IN: say('Sign in first.'),
  GRAPH_UNAUTHORIZED: say('Microsoft Graph did not accept your sign-in. Sign out, sign in again, and retry.'),
  GRAPH_FORBIDDEN: (f, message) =>
    `Microsoft Graph refused: ${graphSaid(f, message)} Passes need the Authentication Administrator role (members) or Privileged Authentication Administrator (also administrators), and nobody can create one for themselves. Keyward also needs the delegated permission UserAuthMethod-TAP.ReadWrite.All.`,
  GRAPH_BAD_REQUEST: (f, message) => `Microsoft Graph refused the request: ${graphSaid(f, message)}`,
  GRAPH_NOT_FOUND: say('Microsoft Graph could not find it; the user or pass may have been deleted. Search again.'),
  GRAPH_THROTTLED: (f) =>
    `Microsoft Graph is throttling requests. Wait ${f.retryAfterSeconds ? `${String(f.retryAfterSeconds)} seconds` : 'a moment'} and try again${f.method === 'POST' ? '; no pass was created' : ''}.`,
  GRAPH_UNAVAILABLE: (f) =>
    f.retrySafe
      ? 'Microsoft Graph is unavailable at the moment. Try again shortly.'
      : "Microsoft Graph failed while creating the pass, so it may or may not exist. Check the user's pass before requesting another.",
  GRAPH_OFFLINE: (f) =>
    f.retrySafe
      ? 'Microsoft Graph could not be reached. Check the connection and try again.'
      : "Microsoft Graph could not be reached while creating the pass, so it may or may not exist. Check the user's pass before requesting another.",
  GRAPH_FAILED: (f) =>
    f.retrySafe
      ? 'The request to Microsoft Graph failed before it got an answer. Check the connection and try again.'
      : "The request to Microsoft Graph failed before it got an answer, so the pass may or may not exist. Check the user's pass before requesting another.",
  SEARCH_EMPTY: say('Type part of a name, email address or user principal name.'),
  GROUP_SEARCH_EMPTY: say('Type part of a group name to search Entra ID groups.'),
  TAP_LIFETIME_OUT_OF_RANGE: say('A pass lifetime must be between 10 and 43,200 minutes (30 days).'),
};
