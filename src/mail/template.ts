/**
 * Data-export email templates (vSEC:CMS "Data Export > Email"): `${Variable}` placeholders in the
 * recipients, subject and bodies, filled from the user, the pass and the card.
 *
 * Pure and shared: the browser uses it for the live preview and for checking a template on save; the
 * relay uses the same code to render the message it sends. Values are HTML-escaped in HTML bodies, and a
 * value that would put CR or LF into a header is refused (header injection).
 */
import { AppError } from '../app-error';

/** Every variable a template may use, with what it holds. */
export const TEMPLATE_VARIABLES = {
  AadTapId: 'Temporary Access Pass id',
  AadTapCode: 'Temporary Access Pass code',
  AadTapLifetimeMinutes: 'Pass lifetime in minutes',
  AadTapStart: 'When the pass becomes usable',
  AadTapExpires: 'When the pass expires',
  AadTapUsableOnce: '"yes" when the pass works once',
  DisplayName: "User's display name",
  GivenName: "User's given name",
  Surname: "User's surname",
  UserPrincipalName: "User's sign-in name",
  Mail: "User's email address",
  CardSerial: 'Card serial number',
  CredentialType: 'Credential type in words: "YubiKey" or "PIV card"',
  OperatorName: 'The operator who acted',
  ActivationPin: 'The activation PIN the holder enters to choose their own PIN',
} as const;

export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES;
export type TemplateValues = Partial<Record<TemplateVariable, string>>;

/** The parts of an email template that contain placeholders. */
export interface EmailTemplateParts {
  readonly to: string;
  readonly cc?: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
}

/** A rendered message, ready for a mail transport. */
export interface RenderedEmail {
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
}

const PLACEHOLDER = /\$\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** Own keys only: `in` would also accept `${toString}` and other Object.prototype members. */
const isVariable = (name: string): name is TemplateVariable =>
  Object.prototype.hasOwnProperty.call(TEMPLATE_VARIABLES, name);

/** Names used in `source` that are not template variables. */
export function unknownVariables(parts: EmailTemplateParts): string[] {
  const bad = new Set<string>();
  for (const source of [parts.to, parts.cc ?? '', parts.subject, parts.text, parts.html ?? '']) {
    for (const m of source.matchAll(PLACEHOLDER)) if (!isVariable(m[1]!)) bad.add(m[1]!);
  }
  return [...bad];
}

/** The variables a template uses. */
export function usedVariables(parts: EmailTemplateParts): TemplateVariable[] {
  const used = new Set<TemplateVariable>();
  for (const source of [parts.to, parts.cc ?? '', parts.subject, parts.text, parts.html ?? '']) {
    for (const m of source.matchAll(PLACEHOLDER)) if (isVariable(m[1]!)) used.add(m[1]!);
  }
  return [...used];
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

function fill(source: string, values: TemplateValues, escape: (s: string) => string): string {
  return source.replace(PLACEHOLDER, (_m, name: string) => {
    const value = isVariable(name) && Object.prototype.hasOwnProperty.call(values, name) ? values[name] : undefined;
    return escape(typeof value === 'string' ? value : '');
  });
}

function headerValue(field: string, source: string, values: TemplateValues): string {
  const out = fill(source, values, (s) => s);
  // RFC 5322 §2.2: header fields end at CRLF; a CR or LF inside a value would start a new header.
  if (/[\r\n\u0085\u2028\u2029]/.test(out)) {
    throw new AppError(
      'mail',
      'HEADER_INJECTION',
      `The ${field} would contain a line break; a variable value is not allowed to add header lines.`,
      { field },
    );
  }
  return out.trim();
}

function addresses(field: string, source: string, values: TemplateValues): string[] {
  return headerValue(field, source, values)
    .split(/[,;]/)
    .map((a) => a.trim())
    .filter(Boolean);
}

/**
 * Renders a template. Throws `AppError('mail', 'UNKNOWN_VARIABLE')` for a placeholder that is not a
 * template variable, and `HEADER_INJECTION` for a line break in To, Cc or Subject.
 */
export function renderEmail(parts: EmailTemplateParts, values: TemplateValues): RenderedEmail {
  const unknown = unknownVariables(parts);
  if (unknown.length) {
    throw new AppError(
      'mail',
      'UNKNOWN_VARIABLE',
      `Unknown template variables: ${unknown.map((u) => `\${${u}}`).join(', ')}.`,
      { unknown },
    );
  }
  return {
    to: addresses('To', parts.to, values),
    cc: addresses('Cc', parts.cc ?? '', values),
    subject: headerValue('Subject', parts.subject, values),
    text: fill(parts.text, values, (s) => s),
    ...(parts.html ? { html: fill(parts.html, values, escapeHtml) } : {}),
  };
}
