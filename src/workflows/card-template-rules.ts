/**
 * The rules a credential (card) template must follow, checked field by field, the same for the editor's
 * draft and for a template arriving in a configuration backup. Structure first (types, ranges), then how
 * options depend on each other (an option only while its parent is on) and what they refer to (data-export
 * templates that exist).
 */
import type { TapPolicy } from '../entra/tap-policy';
import type { CardTemplateRecord } from '../store/db';
import { checkInitiate, checkTap, exportReference, TAP_KEYS } from './card-template-tap-rules';
import { FieldChecks, type FieldProblem } from './field-checks';

/** What a template is checked against besides itself. */
export interface TemplateRuleContext {
  /** Ids of the data-export templates deliveries may use. */
  readonly exportTemplateIds: ReadonlySet<string>;
  /** Names (any case) already used by other card templates. */
  readonly takenNames: ReadonlySet<string>;
  /** The tenant's TAP policy when it could be read; lifetimes must then fall inside it. */
  readonly policy?: TapPolicy | null;
  /** A stored record (import): `id` and `updatedAt` are checked and unknown fields refused. */
  readonly record?: boolean;
  /**
   * Told of a reference to a data-export template that is not in `exportTemplateIds`, instead of that
   * being a problem: a backup carries what the relay holds, which may name an email since withdrawn.
   */
  readonly onMissingExport?: (path: string, id: string) => void;
}

export const CREDENTIAL_TYPES = ['yubikey', 'piv'] as const;
export const CERTIFICATE_SLOTS = ['9a', '9c', '9d', '9e'] as const;
export const CERTIFICATE_ALGORITHMS = ['ECCP256', 'ECCP384', 'RSA2048'] as const;
/** SP 800-73-4 Part 2 §2.4.3: the PIV Card Application PIN is 6 to 8 characters. */
export const PIN_LENGTH = { min: 6, max: 8 } as const;
/** User attributes a certificate subject or UPN SAN may use. */
export const CERTIFICATE_VARIABLES = [
  'DisplayName',
  'GivenName',
  'Surname',
  'UserPrincipalName',
  'Mail',
  'CardSerial',
] as const;
export const NAME_MAX = 80;
export const DESCRIPTION_MAX = 500;

const KEYS = {
  root: ['name', 'description', 'allowedCredentialTypes', 'issue', 'tap', 'initiate'],
  issue: ['assignUser', 'pinPolicy', 'activationPin', 'certificate', 'selfServiceUnblock'],
  pinPolicy: ['minLength', 'maxLength', 'digitsOnly'],
  certificate: ['slot', 'algorithm', 'subject', 'upnSan'],
} as const;

/** What a field check returns: the value, or null where it failed. */
export type Checked<T> = { -readonly [K in keyof T]: T[K] | null };

/** Every problem with `value` as a card template (no problems: it may be saved or imported as is). */
export function cardTemplateProblems(value: unknown, ctx: TemplateRuleContext): FieldProblem[] {
  const c = new FieldChecks();
  const o = c.object(value, '', ctx.record ? ['id', ...KEYS.root, 'updatedAt'] : undefined);
  if (!o) return c.problems;
  if (ctx.record) {
    c.string(o.id, 'id', 100, true);
    c.timestamp(o.updatedAt, 'updatedAt');
  }
  const name = c.string(o.name, 'name', NAME_MAX, true);
  if (name && ctx.takenNames.has(name.trim().toLowerCase())) c.add('name', 'is already used by another card template');
  c.string(o.description, 'description', DESCRIPTION_MAX);
  const types = credentialTypes(c, o.allowedCredentialTypes);
  const issue = checkIssue(c, o.issue, ctx, types);
  const tapOn = checkTap(c, o.tap, ctx, issue?.assignUser === true);
  checkInitiate(c, o.initiate, ctx, tapOn);
  return c.problems;
}

function credentialTypes(c: FieldChecks, v: unknown): string[] {
  const list = c.array(v, 'allowedCredentialTypes');
  if (!list) return [];
  if (!list.length) c.add('allowedCredentialTypes', 'must list at least one credential type');
  list.forEach((t, i) => c.oneOf(t, `allowedCredentialTypes[${i}]`, CREDENTIAL_TYPES));
  if (new Set(list).size !== list.length) c.add('allowedCredentialTypes', 'must not list a type twice');
  return list.filter((t): t is string => typeof t === 'string');
}

function checkIssue(
  c: FieldChecks,
  v: unknown,
  ctx: TemplateRuleContext,
  types: string[],
): { assignUser: boolean | null } | null {
  const o = c.object(v, 'issue', ctx.record ? KEYS.issue : undefined);
  if (!o) return null;
  const assignUser = c.boolean(o.assignUser, 'issue.assignUser');
  checkPinPolicy(c, o.pinPolicy, ctx, types);
  const pin = c.object(
    o.activationPin,
    'issue.activationPin',
    ctx.record ? ['delivery', 'exportTemplateId'] : undefined,
  );
  const delivery = pin && c.oneOf(pin.delivery, 'issue.activationPin.delivery', ['show', 'email'] as const);
  if (pin && delivery === 'email') {
    exportReference(c, pin.exportTemplateId, 'issue.activationPin.exportTemplateId', ctx, false);
    if (assignUser === false)
      c.add(
        'issue.activationPin.delivery',
        'must be "show" unless Assign user ID is on (an email goes to the assigned user)',
      );
  } else if (pin && delivery === 'show' && pin.exportTemplateId !== undefined) {
    c.add('issue.activationPin.exportTemplateId', 'must be absent when the activation PIN is shown');
  }
  if (o.certificate !== null) checkCertificate(c, o.certificate, ctx, assignUser);
  if (o.selfServiceUnblock !== undefined) {
    const unblock = c.boolean(o.selfServiceUnblock, 'issue.selfServiceUnblock');
    if (unblock && assignUser === false)
      c.add('issue.selfServiceUnblock', 'needs Assign user ID on (the holder signs in to unblock their own card)');
  }
  return { assignUser };
}

function checkPinPolicy(c: FieldChecks, v: unknown, ctx: TemplateRuleContext, types: string[]): void {
  const o = c.object(v, 'issue.pinPolicy', ctx.record ? KEYS.pinPolicy : undefined);
  if (!o) return;
  const min = c.integer(o.minLength, 'issue.pinPolicy.minLength', PIN_LENGTH.min, PIN_LENGTH.max);
  const max = c.integer(o.maxLength, 'issue.pinPolicy.maxLength', PIN_LENGTH.min, PIN_LENGTH.max);
  if (min !== null && max !== null && max < min)
    c.add('issue.pinPolicy.maxLength', 'must be at least the minimum length');
  const digits = c.boolean(o.digitsOnly, 'issue.pinPolicy.digitsOnly');
  // SP 800-73-4 Part 2 §2.4.3: a PIV card's PIN is digits 0-9 only; YubiKeys also accept other characters.
  if (digits === false && types.includes('piv'))
    c.add('issue.pinPolicy.digitsOnly', 'must be on when PIV cards are allowed (a PIV PIN is digits only)');
}

function checkCertificate(c: FieldChecks, v: unknown, ctx: TemplateRuleContext, assignUser: boolean | null): void {
  const o = c.object(v, 'issue.certificate', ctx.record ? KEYS.certificate : undefined);
  if (!o) return;
  c.oneOf(o.slot, 'issue.certificate.slot', CERTIFICATE_SLOTS);
  c.oneOf(o.algorithm, 'issue.certificate.algorithm', CERTIFICATE_ALGORITHMS);
  const subject = c.string(o.subject, 'issue.certificate.subject', 250, true);
  if (subject?.trim() && !/^\s*[A-Za-z][A-Za-z0-9.]*=/.test(subject))
    c.add('issue.certificate.subject', 'must be a distinguished name such as CN=${DisplayName}');
  const upn = c.string(o.upnSan, 'issue.certificate.upnSan', 250);
  let usesUser = false;
  for (const [path, text] of [
    ['issue.certificate.subject', subject],
    ['issue.certificate.upnSan', upn],
  ] as const) {
    for (const name of placeholders(text ?? '')) {
      usesUser = true;
      if (!(CERTIFICATE_VARIABLES as readonly string[]).includes(name))
        c.add(path, `uses \${${name}}, which is not a user attribute`);
    }
  }
  if (usesUser && assignUser === false)
    c.add('issue.certificate', 'uses user attributes, so Assign user ID must be on');
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]!);
}

/** A record with its fields in one fixed order (so backups of equal templates are equal byte for byte). */
export function canonicalCardTemplate(r: CardTemplateRecord): CardTemplateRecord {
  const { issue, tap, initiate } = r;
  const pin = issue.activationPin;
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    allowedCredentialTypes: [...r.allowedCredentialTypes],
    issue: {
      assignUser: issue.assignUser,
      pinPolicy: {
        minLength: issue.pinPolicy.minLength,
        maxLength: issue.pinPolicy.maxLength,
        digitsOnly: issue.pinPolicy.digitsOnly,
      },
      activationPin:
        pin.delivery === 'email' ? { delivery: 'email', exportTemplateId: pin.exportTemplateId } : { delivery: 'show' },
      certificate: issue.certificate && {
        slot: issue.certificate.slot,
        algorithm: issue.certificate.algorithm,
        subject: issue.certificate.subject,
        upnSan: issue.certificate.upnSan,
      },
      ...(issue.selfServiceUnblock === undefined ? {} : { selfServiceUnblock: issue.selfServiceUnblock }),
    },
    tap: Object.fromEntries(TAP_KEYS.map((k) => [k, tap[k]])) as unknown as CardTemplateRecord['tap'],
    initiate: { systemGeneratesTap: initiate.systemGeneratesTap, exportTemplateIds: [...initiate.exportTemplateIds] },
    updatedAt: r.updatedAt,
  };
}
