/**
 * Words for the relay, as the browser's client sees it (src/relay-api): its own `RELAY_UNREACHABLE`, and
 * the codes the relay sends in its one JSON error shape (relay/http-errors.ts; relay/token.ts; the mail
 * routes in relay/mail/ and relay/graph/). The mail template's codes come back from the relay too.
 */
import { MAIL_WORDS } from './app';
import { say, sentence, type Describer, type Fields, type Words } from './types';

/** ` Quote request id … to whoever runs the relay.`, when the relay gave one. */
const ref = (f: Fields) =>
  typeof f.requestId === 'string'
    ? ` If it keeps happening, quote request id ${f.requestId} to whoever runs the relay.`
    : '';

/** The relay did not accept the sign-in's token: signing in again fetches a fresh one. */
const token =
  (what: string): Describer =>
  (f) =>
    `The Keyward relay did not accept your sign-in (${what}). Sign out, sign in again and retry; if it still refuses, ask an administrator to check the relay's tenant and API settings.${ref(f)}`;

/** The page sent a request the relay calls malformed: a bug, or a page and relay of different versions. */
const misfit: Describer = (f, message) =>
  `The Keyward relay refused the request as malformed (${message}). Reload the page; if it happens again, this page and the relay may be different versions.${ref(f)}`;

/** The relay's mail server failed; `after` says whether anything was sent. */
const smtp =
  (what: string, after: string): Describer =>
  (f) =>
    `The relay's mail server ${what}. ${after}${ref(f)}`;

/** The card's state as the registry has it now (a conflict's `current`), wrapped in `before`…`after`. */
const stateNow = (f: Fields, before: string, after: string) => {
  const state = (f.current as { state?: unknown } | undefined)?.state;
  return typeof state === 'string' ? `${before}${state}${after}` : '';
};

/** Who has the card now and in what state, from a conflict's `current` (contract `Card`). */
const cardNow = (f: Fields): string => {
  const card = f.current as
    { state?: unknown; holder?: { name?: unknown; upn?: unknown }; issuedBy?: { name?: unknown } | null } | undefined;
  if (typeof card?.state !== 'string') return '';
  const holder = [card.holder?.name, card.holder?.upn].filter((v) => typeof v === 'string' && v !== '');
  const who = holder.length === 2 ? `${String(holder[0])} (${String(holder[1])})` : holder.map(String).join('');
  const by = typeof card.issuedBy?.name === 'string' && card.state === 'issued' ? `, by ${card.issuedBy.name}` : '';
  return ` It is now ${card.state}${who ? ` for ${who}` : ''}${by}.`;
};

/** What TLS with the relay's mail server failed on (the relay's `tlsCause`, relay/mail/smtp-tls.ts). */
const TLS_CAUSES: Readonly<Record<string, string>> = {
  'untrusted-certificate': 'its certificate is not signed by a CA the relay trusts',
  'expired-certificate': 'its certificate has expired or is not yet valid',
  'name-mismatch': 'its certificate is for another host name',
  'no-starttls': 'it does not offer STARTTLS, and the relay sends nothing in clear text',
  'handshake-failed': 'the TLS handshake failed',
};
const tlsCauseWords = (cause: unknown) => TLS_CAUSES[String(cause)] ?? 'TLS failed';

/** `AppError('relay-api', code)` → words. */
export const RELAY_API_WORDS: Words = {
  RELAY_UNREACHABLE: (f) =>
    `The Keyward relay at ${String(f.relayUrl)} did not answer. Check the relay URL in Options > Connections${f.retryable ? '; trying again is safe, it never sends twice' : ''}.`,
  RELAY_TIMEOUT: (f) =>
    `The Keyward relay at ${String(f.relayUrl)} gave no answer within ${String(f.timeoutSeconds)} seconds${f.retryable ? '; trying again is safe, it never sends twice' : ''}. If it keeps happening, ask whoever runs the relay to look at its log.`,
  RELAY_ANSWER_INVALID: say(
    'The Keyward relay answered in a form this page does not understand. Reload the page; if it happens again, this page and the relay may be different versions.',
  ),
  ROLE_MISSING: say(
    'The relay does not list you as an operator. Ask an administrator to assign you the Keyward.Operator app role, then sign in again.',
  ),
  SCOPE_MISSING: say(
    'Your sign-in lacks the relay API permission. Ask an administrator to grant the Keyward app registration the relay API scope, then sign in again.',
  ),
  FORBIDDEN: (f) => `The Keyward relay refused this request for your account.${ref(f)}`,
  TOKEN_MISSING: token('no token was sent'),
  TOKEN_MALFORMED: token('the token is not valid'),
  TOKEN_EXPIRED: token('the token has expired'),
  TOKEN_NOT_YET_VALID: token('the token is not valid yet; check this computer’s clock'),
  TOKEN_BAD_SIGNATURE: token('the token’s signature does not match the tenant'),
  TOKEN_BAD_ALG: token('the token is signed with an algorithm it does not accept'),
  TOKEN_WRONG_ISSUER: token('the token comes from another authority'),
  TOKEN_WRONG_AUDIENCE: token('the token is for another API'),
  TOKEN_GRAPH_AUDIENCE: token('the token is for Microsoft Graph, not the relay'),
  TOKEN_WRONG_TENANT: token('the token belongs to another tenant'),
  TOKEN_WRONG_VERSION: token('the token is not a v2.0 token'),
  TOKEN_WRONG_CLIENT: token('the token was issued to another application, not this Keyward page'),
  UNAUTHENTICATED: token('no valid token'),
  JWKS_UNAVAILABLE: (f) =>
    `The Keyward relay could not fetch the tenant's signing keys to check your sign-in. Try again in a moment.${ref(f)}`,
  RATE_LIMITED: (f) =>
    `You have sent too many messages in a short time. Wait ${f.retryAfterSeconds ? `${String(f.retryAfterSeconds)} seconds` : 'a minute'} and try again.`,
  IN_PROGRESS: say('The relay is still sending this message. Wait a moment, then check whether it arrived.'),
  IDEMPOTENCY_MISMATCH: say(
    'The relay already sent a different message for this same request, so it sent nothing now. Start the request again to send this one.',
  ),
  IDEMPOTENCY_KEY_REQUIRED: misfit,
  IDEMPOTENCY_KEY_INVALID: misfit,
  INVALID_BODY: misfit,
  RESERVED_VARIABLE: misfit,
  BAD_REQUEST: misfit,
  METHOD_NOT_ALLOWED: misfit,
  UNSUPPORTED_MEDIA_TYPE: misfit,
  NOT_FOUND: (f) =>
    `The Keyward relay does not offer this service. Check the relay URL in Options > Connections, and that the relay is up to date.${ref(f)}`,
  INVALID_REQUEST: misfit,
  DATABASE_UNAVAILABLE: (f) =>
    `The Keyward relay cannot reach its database just now, so nothing was recorded. Try again in ${f.retryAfterSeconds ? `${String(f.retryAfterSeconds)} seconds` : 'a moment'}; if it persists, tell whoever runs the relay.${ref(f)}`,
  CARD_CHANGED_ELSEWHERE: (f) =>
    `Another operator changed this card in the registry a moment ago, so this change was not recorded.${cardNow(f)} Read the card again and decide with what it is now.`,
  TRANSITION_NOT_ALLOWED: (f) =>
    `The registry does not allow this step from the card's current state${stateNow(f, ' (', ')')}. Read the card again.`,
  BATCH_NOT_FOUND: say('The relay has no such batch. Open Batch TAP again to see the batches it holds.'),
  BATCH_RUNNING: say(
    'A batch for this group is already running or paused. Resume or cancel it under Batch TAP before starting another, so nobody gets two passes.',
  ),
  BATCH_NOT_RUNNING: (f) =>
    `The batch is ${typeof f.state === 'string' ? f.state : 'no longer running'}, so this step was not taken. Open it again to see where it stands.`,
  BATCH_NOT_DONE: say('Some users of the batch are still pending, so it cannot be marked finished. Resume it first.'),
  CARD_NOT_REGISTERED: say(
    'The registry has no record of this card. Issue it first, or check that you read the right card.',
  ),
  PASS_NOT_FOR_CARD: (f) =>
    `The registry did not record the pass against this card: the card${stateNow(f, ' is ', ' and')} is not held by this user. The pass itself exists; retiring the card will not remove it, so remove it in Entra ID when it is no longer needed.`,
  TEMPLATE_CHANGED_ELSEWHERE: (f) => {
    const version = (f.current as { version?: unknown } | null | undefined)?.version;
    const now = typeof version === 'number' ? ` (it is now at version ${version})` : '';
    return `Another administrator published or withdrew this template a moment ago${now}, so nothing was published here. Reload the templates, look at theirs, and make your change again.`;
  },
  TEMPLATE_NOT_PUBLISHED: say(
    'The registry refused to issue this card: its card template (in this version) is not published, or was withdrawn. Reload the templates, pick a published one, and issue again.',
  ),
  TEMPLATE_NOT_FOUND: say(
    'The relay has no published template of that name and version. Reload the templates; it may never have been published.',
  ),
  MAIL_TEMPLATE_NOT_PUBLISHED: say(
    'The relay sends only published email templates, and this one (in this version) is not published. Reload the page and try again; if it persists, an administrator must publish it under Options > Connections > Data Export.',
  ),
  MAIL_TEMPLATE_WITHDRAWN: say(
    'The email template was withdrawn by an administrator, so nothing was sent. Ask an administrator which template to use now.',
  ),
  MAIL_TEMPLATE_OUTDATED: say(
    'An administrator changed the email template since this page read it, so nothing was sent. Reload the page (it reads the new version) and send again.',
  ),
  MAIL_TEMPLATE_INVALID: (f) =>
    `The published email template breaks the rules for emails (${Array.isArray(f.problems) ? f.problems.join('; ') : 'see the template'}), so the relay sent nothing. An administrator must correct and publish it again.`,
  BODY_TOO_LARGE: say('The message is too large for the relay. Shorten the template (its HTML especially).'),
  USER_NOT_FOUND: say('The relay could not find this user in Entra ID; they may have been deleted. Search again.'),
  USER_DISABLED: say('This user’s account is disabled in Entra ID, so the relay sends nothing about it.'),
  USER_IS_GUEST: say('This user is a guest in the tenant; the relay only writes to members.'),
  NO_RECIPIENTS: say(
    'The email has no recipient: the user has no mail address in Entra ID, or the template’s To is empty. Add one, then try again.',
  ),
  INVALID_RECIPIENT: (_, message) => `${sentence(message)} Correct the template’s To or Cc.`,
  RECIPIENT_NOT_ALLOWED: (_, message) =>
    `${sentence(message)} The relay only writes to addresses its administrator allowed; correct the template or ask them.`,
  TOO_MANY_RECIPIENTS: (_, message) => `${sentence(message)} Remove some from the template’s To or Cc.`,
  SUBJECT_TOO_LONG: (_, message) => `${sentence(message)} Shorten the template’s subject.`,
  GRAPH_UNAVAILABLE: (f) =>
    `The relay could not reach Microsoft Graph to look the user up; nothing was sent. Try again later.${ref(f)}`,
  GRAPH_APP_AUTH_FAILED: say(
    "Microsoft Graph refused the relay's own sign-in, so nothing was sent. An administrator must grant the relay app the User.Read.All application permission.",
  ),
  GRAPH_UNEXPECTED: (f) =>
    `Microsoft Graph gave the relay an unexpected answer while looking the user up; nothing was sent.${ref(f)}`,
  SMTP_UNAVAILABLE: smtp('is unavailable or deferred the message', 'Nothing was sent, so trying again is safe.'),
  SMTP_AUTH_FAILED: smtp(
    "refused the relay's credentials",
    'Nothing was sent. Ask whoever runs the relay to check its SMTP settings.',
  ),
  SMTP_TLS_FAILED: (f) =>
    `The relay's mail server could not be reached securely: ${tlsCauseWords(f.tlsCause)}. Nothing was sent. Ask whoever runs the relay to check its SMTP settings.${ref(f)}`,
  SMTP_TIMEOUT: smtp(
    'stopped answering before the message was sent',
    'Nothing was sent. Ask whoever runs the relay to check the mail server; it did not refuse the credentials, it went silent.',
  ),
  SMTP_REJECTED: smtp('refused the message', 'It was not sent. Check the recipients and the template.'),
  SMTP_UNCERTAIN: smtp(
    'failed while the message was being sent',
    'It may or may not have been delivered: check the mailbox before sending again.',
  ),
  UNAVAILABLE: (f) => `The Keyward relay is unavailable at the moment. Try again shortly.${ref(f)}`,
  INTERNAL: (f) => `The Keyward relay failed with an internal error. Try again.${ref(f)}`,
  ...MAIL_WORDS,
};

/** A relay answer without the relay's JSON (`HTTP_<status>`, e.g. from a proxy in front of it). */
export const RELAY_HTTP_FALLBACK: Describer = (f) =>
  `The Keyward relay answered HTTP ${String(f.status ?? '')} without saying why (a proxy in front of it may have answered). Check the relay URL in Options > Connections and try again.`;
