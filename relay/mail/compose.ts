/**
 * Turns a validated request into the message the relay will send, or refuses it.
 *
 * Order matters and is fixed: the target user must be eligible (an enabled member); the user variables
 * come from Graph and `OperatorName` from the token, never from the client; the template is rendered
 * by the shared `renderEmail` (HTML escaping, CR/LF refusal); then every To/Cc recipient must be one of
 * the target user's own addresses (`mail` or `otherMails`) AND be in an allowed domain. Nothing reaches
 * SMTP unless all of this passes.
 *
 * Guests and disabled accounts are refused (403): Graph will not issue a guest a TAP, a guest's mail
 * lives outside the tenant, and a disabled account cannot use what the message carries.
 */
import { AppError, isAppError } from '../../src/app-error';
import { renderEmail, type TemplateValues } from '../../src/mail/template';
import type { DirectoryUser } from '../graph/directory';
import type { MailTemplate } from '../../src/relay-api/contract';

/** One mailbox of a header. */
export interface MailAddress {
  name: string;
  address: string;
}

/** A rendered, checked message. */
export interface ComposedMail {
  to: MailAddress[];
  cc: MailAddress[];
  subject: string;
  text: string;
  html?: string;
}

/** At most this many To + Cc recipients. */
export const MAX_RECIPIENTS = 10;
/** Rendered subjects longer than this are refused (nodemailer folds and encodes the header). */
export const MAX_SUBJECT_LENGTH = 255;
/** RFC 5321 §4.5.3.1.3: a path is at most 256 octets, so an address at most 254. */
const MAX_ADDRESS_LENGTH = 254;

// Dot-atom-ish local part and a host name: no quoted local parts, IP literals or comments, which a TAP
// email has no use for and which would make "is this the user's address" ambiguous.
const ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const NAMED = /^"?([^"<>\p{Cc}]*?)"?\s*<([^<>\s]+)>$/u;

const bad = (status: number, code: string, message: string, fields: Record<string, unknown> = {}) =>
  new AppError('relay', code, message, { status, retryable: false, ...fields });

/** Refuses guests and disabled accounts. */
export function checkEligible(user: DirectoryUser): void {
  if (!user.accountEnabled)
    throw bad(403, 'USER_DISABLED', 'The target user account is disabled; the relay sends nothing about it.');
  if (user.userType.toLowerCase() !== 'member')
    throw bad(403, 'USER_IS_GUEST', 'The target user is a guest; the relay only writes to members of the tenant.');
}

/** The client's values plus the user variables from Graph and the operator's name from the token. */
export function fillValues(client: TemplateValues, user: DirectoryUser, operatorName: string): TemplateValues {
  return {
    ...client,
    DisplayName: user.displayName,
    GivenName: user.givenName,
    Surname: user.surname,
    UserPrincipalName: user.userPrincipalName,
    Mail: user.mail ?? '',
    OperatorName: operatorName,
  };
}

/** Parses `addr`, `Name <addr>` or `"Name" <addr>`. */
export function parseMailbox(entry: string): MailAddress {
  const named = NAMED.exec(entry);
  const name = named ? named[1]!.trim() : '';
  const address = named ? named[2]! : entry;
  if (address.length > MAX_ADDRESS_LENGTH || !ADDRESS.test(address)) {
    throw bad(400, 'INVALID_RECIPIENT', `'${entry.slice(0, 300)}' is not an email address the relay accepts.`, {
      recipient: entry.slice(0, 300),
    });
  }
  return { name, address };
}

/** Requires `address` to be the user's own and in an allowed domain. */
export function checkRecipient(address: string, user: DirectoryUser, allowedDomains: readonly string[]): void {
  const lower = address.toLowerCase();
  const own = [user.mail ?? '', ...user.otherMails].some((m) => m.toLowerCase() === lower);
  const domain = lower.slice(lower.lastIndexOf('@') + 1);
  const allowedDomain = allowedDomains.includes(domain);
  if (own && allowedDomain) return;
  const why = own
    ? `its domain ${domain} is not one of ALLOWED_DOMAINS`
    : "it is not one of the target user's addresses in Entra ID";
  throw bad(403, 'RECIPIENT_NOT_ALLOWED', `The relay will not send to ${address}: ${why}.`, { recipient: address });
}

/** Renders with the shared template code; its errors become 400s with the template module's codes. */
function render(template: MailTemplate, values: TemplateValues) {
  try {
    return renderEmail(template, values);
  } catch (e) {
    if (isAppError(e, 'mail'))
      throw new AppError('mail', e.code, e.message, { ...e.fields, status: 400, retryable: false }, { cause: e });
    throw e;
  }
}

/**
 * Renders `template` for `user` and checks every recipient and bound.
 *
 * @throws AppError with status 400 (UNKNOWN_VARIABLE, HEADER_INJECTION, INVALID_RECIPIENT, NO_RECIPIENTS,
 *   TOO_MANY_RECIPIENTS, SUBJECT_TOO_LONG) or 403 (RECIPIENT_NOT_ALLOWED).
 */
export function composeMail(
  template: MailTemplate,
  values: TemplateValues,
  user: DirectoryUser,
  allowedDomains: readonly string[],
): ComposedMail {
  const rendered = render(template, values);
  const to = rendered.to.map(parseMailbox);
  const cc = rendered.cc.map(parseMailbox);
  if (to.length === 0)
    throw bad(400, 'NO_RECIPIENTS', 'The rendered To is empty (does the user have a mail address in Entra ID?).');
  if (to.length + cc.length > MAX_RECIPIENTS)
    throw bad(400, 'TOO_MANY_RECIPIENTS', `At most ${MAX_RECIPIENTS} To and Cc recipients are allowed.`);
  if (rendered.subject.length > MAX_SUBJECT_LENGTH)
    throw bad(400, 'SUBJECT_TOO_LONG', `The rendered subject is longer than ${MAX_SUBJECT_LENGTH} characters.`);
  for (const r of [...to, ...cc]) checkRecipient(r.address, user, allowedDomains);
  return {
    to,
    cc,
    subject: rendered.subject,
    text: rendered.text,
    ...(rendered.html !== undefined ? { html: rendered.html } : {}),
  };
}
