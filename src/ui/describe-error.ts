/**
 * Turns any error into words a person can act on. The only place error codes become prose.
 */
import { isAppError } from '../app-error';
import { SIGN_IN_WINDOW_TIMEOUT_MS } from '../entra/sign-in-window';

type Describer = (fields: Readonly<Record<string, unknown>>) => string;

const WORDS: Record<string, Describer> = {
  'config/CONFIG_UNREACHABLE': () =>
    'Keyward could not load its deployment settings (keyward.config.json). Check that the site is reachable, then reload.',
  'config/BAD_DEPLOYMENT_CONFIG': (f) =>
    `The deployment settings file keyward.config.json is wrong: ${list(f.problems)} Ask whoever deployed Keyward to fix it.`,
  'entra/SIGN_IN_CANCELLED': () => 'Sign-in was cancelled. Choose "Sign in" to try again.',
  'entra/POPUP_BLOCKED': () =>
    'The browser blocked the sign-in window. Allow pop-ups for this site (the icon at the right of the address bar), then choose "Sign in" again.',
  'entra/SIGN_IN_TIMED_OUT': () =>
    `The sign-in window did not finish within ${SIGN_IN_WINDOW_TIMEOUT_MS / 1000} seconds: it was closed, or left waiting. Try again.`,
  'entra/INTERACTION_IN_PROGRESS': () => 'A sign-in window is already open. Finish or close it first.',
  'entra/OFFLINE': () => 'You are offline. Sign-in needs a connection to Microsoft Entra ID.',
  'entra/AUTHORITY_UNREACHABLE': (f) =>
    `The sign-in service at ${String(f.authorityHost)} could not be reached. Check the network and the authority host in Options > Connections > Entra ID. In the demo, open the emulator's address once and accept its certificate.`,
  'entra/CONSENT_REQUIRED': () =>
    'An administrator has not yet consented to the permissions Keyward needs. Ask them to grant admin consent for the Keyward app registration.',
  'entra/SCOPE_NOT_GRANTED': () =>
    'The Keyward app registration lacks a delegated permission it needs (User.Read.All, UserAuthMethod-TAP.ReadWrite.All, or the relay API scope). Ask an administrator to add it and grant consent.',
  'entra/APP_REGISTRATION': () =>
    'Entra ID does not recognise this app registration. Check the tenant ID and SPA client ID in Options > Connections > Entra ID.',
  'entra/ACCESS_DENIED': () => 'Entra ID refused the sign-in for this account.',
  'entra/NOT_SIGNED_IN': () => 'Sign in first.',
  'relay-api/RELAY_UNREACHABLE': (f) =>
    `The Keyward relay at ${String(f.relayUrl)} did not answer. Check the relay URL in Options > Connections${f.retryable ? '; trying again is safe, it never sends twice' : ''}.`,
  'relay-api/ROLE_MISSING': () => 'The relay does not list you as an operator.',
  'workflows/INVALID_SETTINGS': (f) => `These settings cannot be saved: ${list(f.problems)}`,
  'workflows/INVALID_TEMPLATE': (f) => `This template cannot be saved: ${list(f.problems)}`,
  'entra/GRAPH_UNAUTHORIZED': () => 'Microsoft Graph did not accept your sign-in. Sign out, sign in again, and retry.',
  'entra/GRAPH_FORBIDDEN': (f) =>
    `Microsoft Graph refused: ${String(f.graphMessage ?? '')} Passes need the Authentication Administrator role (members) or Privileged Authentication Administrator (also administrators), and nobody can create one for themselves. Keyward also needs the delegated permission UserAuthMethod-TAP.ReadWrite.All.`,
  'entra/GRAPH_BAD_REQUEST': (f) => `Microsoft Graph refused the request: ${String(f.graphMessage ?? '')}`,
  'entra/GRAPH_NOT_FOUND': () =>
    'Microsoft Graph could not find it; the user or pass may have been deleted. Search again.',
  'entra/GRAPH_THROTTLED': (f) =>
    `Microsoft Graph is throttling requests. Wait ${f.retryAfterSeconds ? `${String(f.retryAfterSeconds)} seconds` : 'a moment'} and try again${f.method === 'POST' ? '; no pass was created' : ''}.`,
  'entra/GRAPH_UNAVAILABLE': (f) =>
    f.retrySafe
      ? 'Microsoft Graph is unavailable at the moment. Try again shortly.'
      : "Microsoft Graph failed while creating the pass, so it may or may not exist. Check the user's pass before requesting another.",
  'entra/GRAPH_OFFLINE': (f) =>
    f.retrySafe
      ? 'Microsoft Graph could not be reached. Check the connection and try again.'
      : "Microsoft Graph could not be reached while creating the pass, so it may or may not exist. Check the user's pass before requesting another.",
  'entra/SEARCH_EMPTY': () => 'Type part of a name, email address or user principal name.',
  'entra/TAP_LIFETIME_OUT_OF_RANGE': () => 'A pass lifetime must be between 10 and 43,200 minutes (30 days).',
  'workflows/TAP_CODE_GONE': () =>
    'The code of this pass is no longer held, so it cannot be emailed. Request a new pass.',
  // Lifecycle (Issue, Activate, Unblock, Retire).
  'workflows/MASTER_KEY_MISSING': () =>
    'This browser holds no card master key, so nothing can be issued. An administrator generates or imports it under Options > Security.',
  'workflows/CARD_BOUND': (f) =>
    `This card is already ${String(f.state ?? 'in use')} for a holder. Retire it before issuing it to someone else.`,
  'workflows/TEMPLATE_MISMATCH': () =>
    'This card template does not apply to this type of credential. Choose another template.',
  'workflows/TEMPLATE_GONE': () =>
    'The card template this card was issued under has been deleted. Retire the card and issue it again.',
  'workflows/NOT_ISSUED': () =>
    'This card is not issued from this browser (or is already in that state). Check the card in the reader.',
  'workflows/RUN_UNFINISHED': (f) =>
    `An interrupted ${String(f.operation ?? 'operation')} on this card must be finished first: run it again.`,
  'workflows/CARD_FOREIGN': () =>
    'The card holds a management key Keyward did not set, so it was issued elsewhere or under another master key. Reset it with its own tools first.',
  'workflows/MANAGEMENT_KEY_FIXED': () =>
    "This card's management key is the factory default and the card offers no command to change it, so Keyward will not issue it: anyone could then rewrite the card. Use a YubiKey or another PIV card that can change its management key; this one can only be personalised with its vendor's own tool.",
  'workflows/PUK_UNKNOWN': () =>
    'The card’s PUK is neither the factory value nor the one derived for it, so its PIN cannot be set.',
  'workflows/PIN_POLICY': (f) =>
    `The new PIN must be ${String(f.minLength)} to ${String(f.maxLength)} ${f.digitsOnly ? 'digits' : 'characters (no spaces)'} long and not the factory default 123456.`,
  'workflows/PIN_MISMATCH': () => 'The two new PINs differ. Type the same PIN twice.',
  'workflows/TAP_CONTEXT_MISSING': () =>
    'Sign in first: this template creates a Temporary Access Pass as the card is activated.',
  'workflows/CARD_UNKNOWN_TYPE': () => 'This card has no PIV application, so Keyward cannot manage it.',
  'workflows/VERIFY_FAILED': () => 'The card did not accept the change. Remove and reinsert it, then try again.',
  'state/REAUTH_CANCELLED': () =>
    'Re-authentication was cancelled, so nothing was issued. Choose "Re-authenticate" to try again.',
  'state/REAUTH_OTHER_ACCOUNT': (f) =>
    `You re-authenticated as ${String(f.got)}, not as the signed-in operator. Re-authenticate with your own account.`,
  'state/NO_CARD': () => 'Put a card in the open reader first.',
  'piv/PIN_INVALID': (f) =>
    `The card refused the ${f.reference === 'PUK' ? 'PUK' : 'PIN'}.${typeof f.retriesLeft === 'number' ? ` Tries left: ${f.retriesLeft}.` : ''}${f.retriesLeft === 1 ? ' One more wrong try blocks it.' : ''}`,
  'piv/PIN_BLOCKED': (f) =>
    f.reference === 'PUK'
      ? 'The PUK is blocked: this card can only be retired.'
      : 'The PIN is blocked. Use Unblock to set a new one.',
  // The local PC/SC bridge (bridge/) and the cards behind it.
  'transport/BRIDGE_UNREACHABLE': () =>
    'The Keyward bridge did not answer. Is it running, started with this page’s address in --origin, and did Chrome allow this site to reach devices on the local network?',
  'transport/LOCAL_NETWORK_DENIED': () =>
    'Chrome is not letting this site reach programs on this computer (Local Network Access), so it cannot reach the bridge. Click the icon at the left of the address bar, open Site settings, set “Local network access” to Allow, then choose Reconnect. On a managed laptop, ask IT to list this site in the LocalNetworkAccessAllowedForUrls policy.',
  'transport/BRIDGE_CLOSED': () =>
    'The Keyward bridge stopped or closed the connection. Start it again, then choose Reconnect.',
  'transport/BRIDGE_VERSION': (f) =>
    `The Keyward bridge speaks protocol version ${String(f.version)}, which this page does not. Install the bridge that matches this Keyward.`,
  'transport/PAIRING_FAILED': () => 'That is not the code the bridge printed. Check its window and try again.',
  'transport/PAIRING_LOCKED': () =>
    'Too many wrong codes: the bridge has locked pairing for ten minutes. Restart it to get a new code.',
  'transport/SERVICE_NOT_RUNNING': () =>
    'The bridge is running but the computer’s smart-card service is not. Linux: sudo systemctl start pcscd. Windows: start the “Smart Card” service. macOS: plug a reader in.',
  'transport/NO_CARD': () => 'There is no card in that reader. Insert one.',
  'transport/SHARING_VIOLATION': () =>
    'Another program is using that card (a smart-card tool, another Keyward tab, or a background agent such as gpg’s scdaemon), so Keyward cannot have it to itself. Close it, then choose the reader again.',
  'transport/NATIVE_MODULE_MISSING': () =>
    'The bridge is missing its smart-card module. Reinstall it (see the README).',
};

function list(v: unknown): string {
  return Array.isArray(v) ? v.join(' ') : '';
}

/** One sentence (or a few) for a person, never containing secrets. */
export function describeError(e: unknown): string {
  if (isAppError(e)) {
    const words = WORDS[`${e.layer}/${e.code}`];
    return words ? words(e.fields) : e.message;
  }
  return e instanceof Error ? e.message : String(e);
}
