/**
 * The relay's API as both sides see it: request bodies, queries and answers of `/api/whoami`,
 * `/api/cards` (with a card's pass), `/api/audit` and `/api/templates`, as Zod schemas. The relay validates requests with
 * them (Hono's validator middleware, relay/validate.ts); the browser's clients in this folder type their
 * calls with them and check what comes back. One definition, so the two sides cannot drift.
 *
 * A body is a closed schema: a stray `pin`, `puk`, `tapCode` or `key` field is refused, never stored.
 */
import { z } from 'zod';
import { TEMPLATE_VARIABLES, type TemplateValues, type TemplateVariable } from '../mail/template';

// Zod compiles object parsers with `new Function` unless told not to; the page's CSP and Trusted Types
// forbid that (and Chrome logs the blocked probe), so parse without code generation everywhere.
z.config({ jitless: true });

/** Printable text on one line: no control characters that could forge CSV lines or log records. */
export const line = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[^\p{Cc}]*$/u, 'must be one line of printable text');

const instant = z.iso.datetime({ offset: true });
const base64 = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

/** A card id: `serial:<n>` or `chuid:<FASC-N hex>` (src/cards/card.ts). */
export const CardId = z.string().regex(/^[A-Za-z0-9:._-]{1,100}$/, 'must be 1 to 100 letters, digits and : . _ -');

/** Who did something, as the relay's token validation saw them. */
export const Person = z.strictObject({ oid: line(64), name: line(200) });
export type Person = z.infer<typeof Person>;

// ---------------------------------------------------------------------------------------------------
// /api/whoami

/** `GET /api/whoami`: the caller and what their app roles let them do. */
export const WhoAmI = z.object({
  oid: z.string(),
  name: z.string(),
  preferredUsername: z.string(),
  roles: z.array(z.string()),
  /** `Keyward.Operator`: lifecycle operations and TAPs. */
  isOperator: z.boolean(),
  /** `Keyward.Administrator`: templates, connections, card keys, configuration import. */
  isAdministrator: z.boolean(),
  /** `Keyward.Auditor`: read and export the audit trail. */
  isAuditor: z.boolean(),
});
export type WhoAmI = z.infer<typeof WhoAmI>;

// ---------------------------------------------------------------------------------------------------
// /api/cards

export const CARD_STATES = ['blank', 'issued', 'active', 'locked', 'retired'] as const;
export type CardState = (typeof CARD_STATES)[number];

/** Lifecycle transitions and the states they lead from and to. */
export const CARD_TRANSITIONS = {
  // A retired card is factory-fresh again, so it may be issued anew.
  issue: { from: ['blank', 'retired'], to: 'issued' },
  activate: { from: ['issued'], to: 'active' },
  lock: { from: ['active'], to: 'locked' },
  unblock: { from: ['locked'], to: 'active' },
  retire: { from: ['issued', 'active', 'locked'], to: 'retired' },
} as const satisfies Record<string, { from: readonly CardState[]; to: CardState }>;
export type CardTransition = keyof typeof CARD_TRANSITIONS;
const TRANSITION_NAMES = Object.keys(CARD_TRANSITIONS) as [CardTransition, ...CardTransition[]];

/** A key generated on the card at issuance (SP 800-73-4 Part 1 §3.3.2 key references). */
export const CardKey = z.strictObject({
  slot: z.enum(['9a', '9c', '9d', '9e']),
  algorithm: z.enum(['ECCP256', 'ECCP384', 'RSA2048']),
  /** DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), base64. */
  publicKey: base64(2000).min(1),
  /** DER certificate written to the slot, base64, when the template writes one. */
  certificate: base64(12_000).optional(),
});
export type CardKey = z.infer<typeof CardKey>;

/** Management-key (9B) algorithms a card can take (SP 800-78-4 Table 5; AES per Yubico from firmware 5.4). */
export const MANAGEMENT_KEY_ALGORITHMS = ['TDES', 'AES128', 'AES192', 'AES256'] as const;

/** A card as the registry holds it. `version` is what a transition names in `expectedVersion`. */
export const Card = z.object({
  cardId: z.string(),
  state: z.enum(CARD_STATES),
  /** Empty strings while the card is blank or retired. */
  holder: z.object({ oid: z.string(), name: z.string(), upn: z.string() }),
  template: z.object({ id: z.string(), version: z.number() }),
  credentialType: z.string(),
  serial: z.number().nullable(),
  chuidGuid: z.string(),
  keys: z.array(CardKey),
  issuedBy: Person.nullable(),
  issuedAt: z.string().nullable(),
  /** Set when the card was retired as lost or stolen. */
  lostAt: z.string().nullable(),
  /** What the card took for its derived management key at issuance; null when not issued (or issued before it was recorded). */
  managementKeyAlgorithm: z.enum(MANAGEMENT_KEY_ALGORITHMS).nullable(),
  updatedAt: z.string(),
  version: z.number(),
});
export type Card = z.infer<typeof Card>;

/** `POST /api/cards/:cardId/transitions`. */
export const TransitionBody = z.strictObject({
  transition: z.enum(TRANSITION_NAMES),
  /** The version read with GET; 0 for a card the registry does not know. */
  expectedVersion: z.number().int().min(0),
  /** For `issue`: the binding. */
  issue: z
    .strictObject({
      holderOid: line(64).min(1),
      holderName: line(200),
      holderUpn: line(320),
      templateId: line(100).min(1),
      templateVersion: z.number().int().min(1),
      credentialType: z.enum(['yubikey', 'piv']),
      serial: z.number().int().min(0).nullable(),
      chuidGuid: line(64),
      keys: z.array(CardKey).max(4),
      /** The algorithm the card took (asked of it, cards/issue-preconditions.ts); absent from older consoles. */
      managementKeyAlgorithm: z.enum(MANAGEMENT_KEY_ALGORITHMS).optional(),
    })
    .optional(),
  /** For `retire`: the card was reported lost or stolen (retired without the card in hand). */
  lost: z.boolean().optional(),
});
export type TransitionBody = z.infer<typeof TransitionBody>;

/** `GET /api/cards`: a holder's cards, or cards in a state; newest change first. */
export const CardQuery = z.strictObject({
  holder: line(64).optional(),
  state: z.enum(CARD_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type CardQuery = z.input<typeof CardQuery>;

export const CardList = z.object({ cards: z.array(Card) });
export type CardList = z.infer<typeof CardList>;

/** A card from one browser's old IndexedDB registry (src/store/db.ts `RegistryRecord`). */
export const ImportedCard = z.strictObject({
  cardId: CardId,
  state: z.enum(CARD_STATES),
  credentialType: line(20),
  serial: z.number().int().min(0).nullable(),
  holderOid: line(64),
  holderName: line(200),
  holderUpn: line(320),
  templateId: line(100),
  issuedAt: instant.nullable(),
  lostAt: instant.nullable(),
});
export type ImportedCard = z.infer<typeof ImportedCard>;

/** `POST /api/cards/import` (administrators): registers cards the service does not know; never overwrites. */
export const CardImportBody = z.strictObject({ cards: z.array(ImportedCard).max(5000) });
export type CardImportBody = z.infer<typeof CardImportBody>;

export const CardImportResult = z.object({
  imported: z.array(z.string()),
  /** Cards the service already knows: left as they are, listed with the service's record. */
  conflicts: z.array(z.object({ cardId: z.string(), current: Card })),
});
export type CardImportResult = z.infer<typeof CardImportResult>;

/**
 * `PUT /api/cards/:cardId/pass`: the Temporary Access Pass Keyward just created for the card's holder, so
 * that retiring the card (or reporting it lost) can delete it. Its id only: a code is never sent here.
 */
export const CardPassBody = z.strictObject({
  /** Graph's id of the pass (temporaryAccessPassAuthenticationMethod `id`). */
  tapId: line(100).min(1),
  /** The Entra object id of the user the pass is for: the card's holder. */
  userOid: line(64).min(1),
});
export type CardPassBody = z.infer<typeof CardPassBody>;

/** The pass Keyward recorded for a card. */
export const CardPass = z.object({ tapId: z.string(), userOid: z.string(), createdAt: z.string(), createdBy: Person });
export type CardPass = z.infer<typeof CardPass>;

/** `GET /api/cards/:cardId/pass`: the pass recorded for the card since it was last issued, or null. */
export const CardPassAnswer = z.object({ pass: CardPass.nullable() });
export type CardPassAnswer = z.infer<typeof CardPassAnswer>;

// ---------------------------------------------------------------------------------------------------
// /api/audit

/** Dotted lower-case verb: `card.issue`, `tap.create`, `template.publish`. */
export const AuditAction = z
  .string()
  .max(64)
  .regex(/^[a-z]+(\.[a-z][a-z-]*)+$/, 'must be a dotted lower-case verb such as card.issue');

export const AUDIT_TARGET_TYPES = ['card', 'user', 'template', 'connection', 'key', 'configuration'] as const;

/** `POST /api/audit`: what happened to what. The actor always comes from the caller's token. */
export const AuditAppendBody = z.strictObject({
  action: AuditAction,
  target: z.strictObject({
    type: z.enum(AUDIT_TARGET_TYPES),
    id: line(200).min(1),
    label: line(200).optional(),
  }),
  outcome: z.enum(['succeeded', 'failed', 'refused']),
  /** What failed, in words, for failures and refusals. */
  reason: line(500).optional(),
});
export type AuditAppendBody = z.infer<typeof AuditAppendBody>;

/** `GET /api/audit` (and its CSV export). */
export const AuditQuery = z.strictObject({
  actor: line(200).optional(),
  target: line(200).optional(),
  action: line(64).optional(),
  from: instant.optional(),
  to: instant.optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  format: z.enum(['json', 'csv']).default('json'),
});
export type AuditQuery = z.input<typeof AuditQuery>;

/** One stored audit row. */
export const AuditRow = z.object({
  seq: z.number(),
  at: z.string(),
  actor: z.object({ oid: z.string(), name: z.string() }),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string(), label: z.string() }),
  outcome: z.string(),
  reason: z.string(),
  hash: z.string(),
});
export type AuditRow = z.infer<typeof AuditRow>;

/** One page, newest first; `nextBefore` continues it, absent on the last page. */
export const AuditPage = z.object({ entries: z.array(AuditRow), nextBefore: z.number().optional() });
export type AuditPage = z.infer<typeof AuditPage>;

/** `GET /api/audit/verify`: the chain's verdict, naming the first row that breaks it. */
export const ChainVerdict = z.union([
  z.object({ ok: z.literal(true), rows: z.number(), lastHash: z.string() }),
  z.object({
    ok: z.literal(false),
    rows: z.number(),
    brokenSeq: z.number(),
    problem: z.enum(['ROW_ALTERED', 'CHAIN_BROKEN', 'SEQUENCE_GAP']),
  }),
]);
export type ChainVerdict = z.infer<typeof ChainVerdict>;

// ---------------------------------------------------------------------------------------------------
// /api/templates

/** Card templates and data-export (email) templates. */
export const TemplateKind = z.enum(['card', 'export']);
export type TemplateKind = z.infer<typeof TemplateKind>;

/**
 * A published template. `body` is the template record itself (src/store/db.ts `CardTemplateRecord` or
 * `ExportTemplateRecord`), checked by the kind's schema in ./template-schemas.ts when published.
 */
export const PublishedTemplate = z.object({
  kind: TemplateKind,
  id: z.string(),
  /** 1 for the first publication, +1 for each one after. */
  version: z.number(),
  name: z.string(),
  body: z.record(z.string(), z.unknown()),
  publishedAt: z.string(),
  publishedBy: Person,
  /** Withdrawn templates stay readable (issued cards name them) but cannot be used for new work. */
  withdrawn: z.boolean(),
});
export type PublishedTemplate = z.infer<typeof PublishedTemplate>;

/** `GET /api/templates`: the newest version of every template. */
export const TemplateList = z.object({ templates: z.array(PublishedTemplate) });
export type TemplateList = z.infer<typeof TemplateList>;

/** `PUT /api/templates/:kind/:id` (administrators): publishes the next version. */
export const PublishBody = z.strictObject({
  /** The version the administrator edited; 0 for a new template. 409 TEMPLATE_CHANGED_ELSEWHERE otherwise. */
  expectedVersion: z.number().int().min(0),
  body: z.record(z.string(), z.unknown()),
});
export type PublishBody = z.infer<typeof PublishBody>;

/** `POST /api/templates/:kind/:id/withdraw` (administrators): every version becomes unusable for new work. */
export const WithdrawBody = z.strictObject({
  /** The newest version the administrator read. 409 TEMPLATE_CHANGED_ELSEWHERE otherwise. */
  expectedVersion: z.number().int().min(1),
});
export type WithdrawBody = z.infer<typeof WithdrawBody>;

// ---------------------------------------------------------------------------------------------------
// /api/mail

/** `POST /api/mail` and `/api/mail/test`: what the SMTP server accepted (never the message itself). */
export const MailReceipt = z.object({
  messageId: z.string(),
  accepted: z.array(z.string()),
  requestId: z.string(),
});
export type MailReceipt = z.infer<typeof MailReceipt>;

/** Variables the relay fills itself, from the Graph user and the caller's token; a client may not send them. */
export const SERVER_FILLED_VARIABLES = [
  'DisplayName',
  'GivenName',
  'Surname',
  'UserPrincipalName',
  'Mail',
  'OperatorName',
] as const satisfies readonly TemplateVariable[];
const SERVER_FILLED: ReadonlySet<string> = new Set(SERVER_FILLED_VARIABLES);
const CLIENT_VARIABLES = (Object.keys(TEMPLATE_VARIABLES) as TemplateVariable[]).filter((v) => !SERVER_FILLED.has(v));

/** A string field of a mail request, bounded in UTF-16 code units; messages never quote what was sent. */
const mailText = (max: number) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .max(max, `is longer than ${max} characters`);

/** A closed object: each unknown key is named (cut to 64 characters), never its value. */
const closedObject = <S extends z.core.$ZodLooseShape>(shape: S, unknown = 'is not a known field') =>
  z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((k) => `${k.slice(0, 64)} ${unknown}`).join('; ')
        : issue.code === 'invalid_type'
          ? 'must be an object'
          : undefined,
  });

/**
 * The published data-export template to send: its id and the version the browser read. The relay renders
 * that version from its own store; it refuses one never published, withdrawn, or no longer the newest
 * (an administrator changed it since), and never takes a subject, body or recipient from the browser.
 */
export const MailTemplateRef = closedObject({
  id: z
    .string({ error: 'must be a template id' })
    .regex(/^[A-Za-z0-9:._-]{1,100}$/, 'must be 1 to 100 letters, digits and : . _ -'),
  version: z.number({ error: 'must be a version number' }).int('must be a whole number').min(1, 'must be 1 or more'),
});
export type MailTemplateRef = z.infer<typeof MailTemplateRef>;

/** The parts of a data-export template the relay renders (the relay's own test message is one too). */
export interface MailTemplate {
  readonly name: string;
  readonly to: string;
  readonly cc?: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
}

/**
 * The client's variable values: TAP and card variables only, each at most 1,000 characters. A value
 * for a variable the relay fills is an issue whose `params.code` is `RESERVED_VARIABLE` (the relay
 * answers with that code); a name that is no template variable is refused like an unknown field.
 */
const ClientValues = closedObject(
  Object.fromEntries(CLIENT_VARIABLES.map((v) => [v, mailText(1000).optional()])) as Record<
    Exclude<TemplateVariable, (typeof SERVER_FILLED_VARIABLES)[number]>,
    z.ZodOptional<z.ZodString>
  >,
  'is not a template variable',
);
export const MailValues = z.preprocess((values: z.input<typeof ClientValues>, ctx) => {
  const reserved =
    typeof values === 'object' && values !== null ? Object.keys(values).filter((k) => SERVER_FILLED.has(k)) : [];
  if (reserved.length > 0)
    ctx.addIssue({
      code: 'custom',
      message: `The relay fills ${reserved.join(', ')} itself (from Graph and the signed-in operator); do not send them.`,
      params: { code: 'RESERVED_VARIABLE', variables: reserved },
    });
  return values;
}, ClientValues);

const ENTRA_OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `POST /api/mail`: render the published `template` for the Entra user `targetUserId` with the client's `values`. */
export const MailRequest = closedObject({
  template: MailTemplateRef,
  /** An Entra object id; the relay compares it in lower case. */
  targetUserId: z
    .string({ error: 'must be an Entra object id (a GUID)' })
    .regex(ENTRA_OBJECT_ID, 'must be an Entra object id (a GUID)')
    .transform((id) => id.toLowerCase()),
  values: MailValues.optional().transform((values): TemplateValues => values ?? {}),
});
/** What the browser sends. */
export type MailRequestBody = z.input<typeof MailRequest>;
/** What the relay works with, once validated. */
export type MailRequest = z.output<typeof MailRequest>;

/**
 * The `Idempotency-Key` header of `POST /api/mail`: 1 to 128 of `A-Z a-z 0-9 _ -`, the same on every
 * retry of one message. Its issues carry the code the relay answers with in `params.code`.
 */
export const IdempotencyKey = z.string().superRefine((key, ctx) => {
  if (key === '')
    ctx.addIssue({
      code: 'custom',
      message:
        'Send an Idempotency-Key header (1–128 characters of A-Z a-z 0-9 _ -), the same one on every retry of this message.',
      params: { code: 'IDEMPOTENCY_KEY_REQUIRED' },
    });
  else if (!/^[A-Za-z0-9_-]{1,128}$/.test(key))
    ctx.addIssue({
      code: 'custom',
      message: 'The Idempotency-Key header must be 1–128 characters of A-Z a-z 0-9 _ -.',
      params: { code: 'IDEMPOTENCY_KEY_INVALID' },
    });
});

/**
 * `POST /api/audit` as the relay accepts it: {@link AuditAppendBody}, and a failure or refusal says what
 * failed in words (`reason`), not as a bare error code such as `GRAPH_FORBIDDEN`.
 */
export const AuditAppend = AuditAppendBody.superRefine((body, ctx) => {
  if (body.outcome === 'succeeded') return;
  const reason = body.reason?.trim() ?? '';
  if (reason === '')
    ctx.addIssue({ code: 'custom', path: ['reason'], message: `is required when the outcome is ${body.outcome}` });
  else if (/^[A-Z0-9_.:/-]+$/.test(reason))
    ctx.addIssue({ code: 'custom', path: ['reason'], message: 'must say what failed in words, not as an error code' });
});
