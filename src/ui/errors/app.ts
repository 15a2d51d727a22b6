/**
 * Words for the app's own codes: the deployment settings it starts from, mail templates rendered in the
 * browser, and the page state classes (src/state).
 */
import { list, say, type Words } from './types';

/** `AppError('config', code)` → words. */
export const CONFIG_WORDS: Words = {
  CONFIG_UNREACHABLE: say(
    'Keyward could not load its deployment settings (keyward.config.json). Check that the site is reachable, then reload.',
  ),
  BAD_DEPLOYMENT_CONFIG: (f) =>
    `The deployment settings file keyward.config.json is wrong: ${list(f.problems)} Ask whoever deployed Keyward to fix it.`,
};

/** `AppError('mail', code)` (src/mail/template.ts; the relay sends the same codes back) → words. */
export const MAIL_WORDS: Words = {
  UNKNOWN_VARIABLE: (f) =>
    `The template uses variables Keyward does not know${Array.isArray(f.unknown) ? `: ${f.unknown.map((u) => `\${${String(u)}}`).join(', ')}` : ''}. Correct their names (see the list of variables) or remove them.`,
  HEADER_INJECTION: (f) =>
    `The ${String(f.field ?? 'To, Cc or Subject')} would contain a line break once the variables are filled in, which an email header cannot carry. Check the template and the user's attributes in Entra ID.`,
};

/** `AppError('state', code)` → words. */
export const STATE_WORDS: Words = {
  CARD_CHANGED: (f) =>
    f.state === 'locked'
      ? 'The card was read again just now and its PIN is blocked (too many wrong PINs, here or in another program). Use Unblock to set a new PIN.'
      : `The card was read again just now and is ${typeof f.state === 'string' ? f.state : 'in another state'}, so ${typeof f.transition === 'string' ? f.transition : 'that'} no longer applies. Choose again from the diagram.`,
  CARD_NOT_OPEN: say('Open a reader with a card in it first (on the Lifecycle page), then try again.'),
  HOLDER_CARD_NOT_OPEN: say('Put your card in a reader, choose that reader above, and try again.'),
  REAUTH_CANCELLED: say(
    'Re-authentication was cancelled, so nothing was issued. Choose "Re-authenticate" to try again.',
  ),
  REAUTH_OTHER_ACCOUNT: (f) =>
    `You re-authenticated as ${String(f.got)}, not as the signed-in operator. Re-authenticate with your own account.`,
  AUDIT_FILTER_INVALID: (f) =>
    `The ${typeof f.field === 'string' ? f.field : 'time'} filter is not a date and time. Pick one, or clear the field.`,
  AUDIT_RANGE_BACKWARDS: say('The time range ends before it starts. Set "From" before "To", or clear one of them.'),
};

/** `AppError('bytes', code)` (src/bytes.ts) → words. */
export const BYTES_WORDS: Words = {
  NOT_HEX: say(
    'Keyward was given a value that should be hexadecimal and is not (for example a user object ID or a card identifier). Check the value, or report it if it came from Entra ID or the card.',
  ),
};
