/**
 * The SMTP catcher's record of one message: the SMTP envelope (what the client said in MAIL FROM /
 * RCPT TO, RFC 5321 §3.3) beside the parsed RFC 5322 message, in plain JSON-friendly values.
 */
import type { AddressObject, HeaderValue, ParsedMail } from 'mailparser';

/** One mailbox from a header (`"Name" <address>`). */
export interface MailAddress {
  name: string;
  address: string;
}

/** A message as the catcher keeps it. */
export interface CaughtMessage {
  id: string;
  /** ISO 8601 time the catcher accepted the message. */
  receivedAt: string;
  envelope: { from: string; to: string[] };
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  subject: string;
  text: string;
  /** The HTML part as sent (untrusted: never render it unsandboxed), or null. */
  html: string | null;
  /** Header values keyed by lower-case name; repeated headers are joined with newlines. */
  headers: Record<string, string>;
}

/** Flattens mailparser's address objects (and RFC 5322 §3.4 groups) to mailboxes. */
function mailboxes(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const objects = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const out: MailAddress[] = [];
  const walk = (list: AddressObject['value']) => {
    for (const a of list) {
      if (a.group) walk(a.group);
      else out.push({ name: a.name ?? '', address: a.address ?? '' });
    }
  };
  for (const o of objects) walk(o.value);
  return out;
}

/** Renders a decoded header value (string, date, address list or value-with-params) as text. */
function headerText(value: HeaderValue): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(headerText).join(', ');
  const v = value as { text?: unknown; value?: unknown; params?: Record<string, string> };
  if (typeof v.text === 'string') return v.text;
  if (typeof v.value === 'string') {
    return (
      v.value +
      Object.entries(v.params ?? {})
        .map(([k, p]) => `; ${k}=${p}`)
        .join('')
    );
  }
  return JSON.stringify(value);
}

/** Builds the catcher's record from mailparser's result and the SMTP envelope. */
export function toCaughtMessage(
  id: string,
  receivedAt: Date,
  envelope: CaughtMessage['envelope'],
  parsed: ParsedMail,
): CaughtMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of parsed.headers) {
    const text = headerText(value);
    headers[name] = name in headers ? `${headers[name]}\n${text}` : text;
  }
  return {
    id,
    receivedAt: receivedAt.toISOString(),
    envelope,
    from: mailboxes(parsed.from)[0] ?? null,
    to: mailboxes(parsed.to),
    cc: mailboxes(parsed.cc),
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : null,
    headers,
  };
}

/** `Name <address>` or just the address, for lists. */
export function formatAddress(a: MailAddress): string {
  return a.name ? `${a.name} <${a.address}>` : a.address;
}
