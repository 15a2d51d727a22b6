/**
 * The card template's Temporary Access Pass rules, one module for the operator console (Smart Card
 * Unblock, Batch TAP, activation), the relay (its self-service routes) and so the holder's page, so the
 * three cannot disagree (issue 14, "Template rules are one module"; the options are vSEC:CMS's, DESIGN.md
 * "The workflow being reproduced", step 2):
 * - who may get a pass under a template and how it reaches them: an operator (*Operator may generate TAP
 *   codes*, *Show code*, its *Deliver* email), the holder (*User may request TAP via console*, *Force
 *   authentication* and its Deliver email) and the system at activation (*System generate Entra ID TAP
 *   code* and its emails);
 * - what Graph is asked for (*Override lifetime*, *Usable once*), and whether a lifetime is inside the
 *   tenant's policy;
 * - whether an email goes at once: the data-export template's *Send email automatically*. An email that
 *   is not is held: the console shows it to the operator, who sends it or not. Where nobody could send it
 *   (a batch, the holder's page) a pass that would reach nobody else is refused before Graph is called;
 * - the pass's and the card's variables in the email (`CardSerial`, `CredentialType`, `AadTap*`).
 *
 * Pure. It sits beside the template schemas (./template-schemas.ts), which the relay and the PWA share.
 */
import type { TemplateValues } from '../mail/template';
import type { CardTemplateBody, ExportTemplateBody } from './template-schemas';

/** The Entra ID TAP Code options of a card template. */
export type TapOptions = CardTemplateBody['tap'];
/** The Initiate Card options of a card template. */
export interface InitiateOptions {
  readonly systemGeneratesTap: boolean;
  readonly exportTemplateIds: readonly string[];
}
/** What the rules read of a data-export template. */
export type EmailOptions = Pick<ExportTemplateBody, 'id' | 'name' | 'sendAutomatically'>;
/** A published data-export template at its version, as each side holds one (the console's `Published`). */
export interface PublishedEmail {
  readonly record: EmailOptions;
  readonly version: number;
}
/** A published data-export template by id; undefined when it is not published (or withdrawn). */
export type FindEmail<E extends PublishedEmail> = (id: string) => E | undefined;

/** What Graph is asked for. Usable once off means "as the tenant policy says", so it is not sent. */
export interface PassRequest {
  readonly lifetimeInMinutes?: number;
  readonly isUsableOnce?: true;
}

/** The request under the template's *Override lifetime* and *Usable once*. */
export function passRequest(tap: TapOptions): PassRequest {
  return {
    ...(tap.lifetimeOverrideMinutes === null ? {} : { lifetimeInMinutes: tap.lifetimeOverrideMinutes }),
    ...(tap.usableOnce ? { isUsableOnce: true as const } : {}),
  };
}

/** The tenant policy's lifetime bounds (Graph's `temporaryAccessPass` configuration). */
export interface LifetimeBounds {
  readonly minimumLifetimeInMinutes: number;
  readonly maximumLifetimeInMinutes: number;
}

/** A sentence when `minutes` is outside the tenant policy (Graph would refuse it), else null. */
export function lifetimeProblem(policy: LifetimeBounds, minutes: number): string | null {
  if (minutes < policy.minimumLifetimeInMinutes || minutes > policy.maximumLifetimeInMinutes) {
    return `The tenant policy allows passes of ${policy.minimumLifetimeInMinutes} to ${policy.maximumLifetimeInMinutes} minutes; ${minutes} is outside that.`;
  }
  return null;
}

/** True when an email goes at once (*Send email automatically*); false: it is held for a person to send. */
export const sendsAutomatically = (email: PublishedEmail): boolean => email.record.sendAutomatically;

/** Why an operator may not create a pass for a card under a template (`workflows` codes, with words). */
export type OperatorTapRefusal =
  'TAP_NOT_ALLOWED' | 'TAP_DELIVER_TEMPLATE_GONE' | 'TAP_NOWHERE_TO_GO' | 'TAP_LIFETIME_OUTSIDE_POLICY';

/** What an operator may do under a template, or why not. */
export type OperatorTap<E> =
  | {
      readonly allowed: true;
      readonly showCode: boolean;
      readonly deliverWith: E | null;
      readonly request: PassRequest;
    }
  | { readonly allowed: false; readonly refusal: OperatorTapRefusal; readonly why: string };

/**
 * Actions > Smart Card Unblock > Request TAP Code under `tap`: *Operator may generate*, then its Deliver
 * email published, then somewhere for the code to go, then the lifetime inside `policy` (null: unread,
 * so Graph decides).
 */
export function operatorTap<E extends PublishedEmail>(
  tap: TapOptions,
  find: FindEmail<E>,
  policy: LifetimeBounds | null,
): OperatorTap<E> {
  const no = (refusal: OperatorTapRefusal, why: string) => ({ allowed: false as const, refusal, why });
  if (!tap.enabled || !tap.operatorMayGenerate)
    return no('TAP_NOT_ALLOWED', 'The card template does not let operators generate TAP codes.');
  const deliverWith = tap.operatorDeliverTemplateId === null ? null : find(tap.operatorDeliverTemplateId);
  if (deliverWith === undefined)
    return no('TAP_DELIVER_TEMPLATE_GONE', "The template's Deliver email template is not published.");
  if (!tap.showCode && !deliverWith)
    return no('TAP_NOWHERE_TO_GO', 'The template neither shows nor delivers the code.');
  const lifetime = tap.lifetimeOverrideMinutes;
  const outside = lifetime !== null && policy ? lifetimeProblem(policy, lifetime) : null;
  if (outside) return no('TAP_LIFETIME_OUTSIDE_POLICY', outside);
  return { allowed: true, showCode: tap.showCode, deliverWith, request: passRequest(tap) };
}

/** What the holder's page may promise for a pass the holder requests (the contract's `requestTap`). */
export interface HolderTapShape {
  /** *Force authentication*: the card proves itself, and the pass goes by email only. */
  readonly forceAuthentication: boolean;
  /** The pass is shown on the page (never with *Force authentication*). */
  readonly showCode: boolean;
  /** The pass is sent at once by the template's email. */
  readonly deliverByEmail: boolean;
}

/** What the holder may request under a template, or why not, in words for the holder. */
export type HolderTap<E> = HolderTapShape &
  (
    | { readonly allowed: true; readonly deliverWith: E | null; readonly held: E | null; readonly request: PassRequest }
    | { readonly allowed: false; readonly reason: string }
  );

/**
 * The holder's *Request a TAP* under `tap`: with *Force authentication* the pass goes only by its Deliver
 * email; without it, the template's *Show code* and Deliver email decide. A Deliver email that is not sent
 * automatically is held: nobody on the holder's page can send it, so it delivers nothing.
 */
export function holderTap<E extends PublishedEmail>(tap: TapOptions, find: FindEmail<E>): HolderTap<E> {
  const force = tap.forceAuthentication;
  const showCode = !force && tap.showCode;
  const deliverId = force ? tap.forceAuthenticationDeliverTemplateId : tap.operatorDeliverTemplateId;
  const email = deliverId === null ? null : find(deliverId);
  const deliverWith = email && sendsAutomatically(email) ? email : null;
  const shape = { forceAuthentication: force, showCode, deliverByEmail: deliverWith !== null };
  const no = (reason: string): HolderTap<E> => ({ ...shape, allowed: false, reason });
  if (!tap.enabled || !tap.userMayRequest)
    return no('The card template does not let holders request a Temporary Access Pass.');
  if (force && deliverId === null) return no('The template asks for proof but names no email to deliver the pass.');
  if (email === undefined) return no("The template's email for the pass is not published, so the pass cannot be sent.");
  if (!showCode && !deliverWith)
    return no(
      email
        ? `The template's email “${email.record.name}” is not sent automatically and the pass is not shown, so a pass would reach nobody.`
        : 'The template neither shows the pass nor names an email to deliver it.',
    );
  return { ...shape, allowed: true, deliverWith, held: deliverWith ? null : email, request: passRequest(tap) };
}

/** True when activation creates a pass: *System generate Entra ID TAP code* with Entra ID TAP Code on. */
export const generatesAtActivation = (t: { tap: TapOptions; initiate: InitiateOptions }): boolean =>
  t.tap.enabled && t.initiate.systemGeneratesTap;

/** One Initiate Card email: sent at once, held (not sent automatically), or gone (not published). */
export type InitiateEmail<E> =
  | { readonly status: 'send' | 'held'; readonly id: string; readonly email: E }
  | { readonly status: 'gone'; readonly id: string };

/** What becomes of each Initiate Card email of `t` once activation has created the pass. */
export function initiateEmails<E extends PublishedEmail>(
  t: { initiate: InitiateOptions },
  find: FindEmail<E>,
): InitiateEmail<E>[] {
  return t.initiate.exportTemplateIds.map((id) => {
    const email = find(id);
    if (!email) return { status: 'gone', id };
    return { status: sendsAutomatically(email) ? 'send' : 'held', id, email };
  });
}

/** A credential type in an email's words. */
export const CREDENTIAL_TYPE_NAMES: Readonly<Record<string, string>> = { yubikey: 'YubiKey', piv: 'PIV card' };

/** What names a card in an email: the registry's id, its serial (a YubiKey's) and its kind. */
export interface CardNaming {
  readonly cardId: string;
  readonly serial: number | string | null;
  readonly credentialType: string;
}

/** `CardSerial` (the serial, else the id the registry knows the card by) and `CredentialType` in words. */
export function cardEmailValues(card: CardNaming): TemplateValues {
  return {
    CardSerial: card.serial === null ? card.cardId : String(card.serial),
    CredentialType: CREDENTIAL_TYPE_NAMES[card.credentialType] ?? 'PIV card',
  };
}

/** What an email says of a pass. */
export interface PassNaming {
  readonly id: string;
  /** The code; null or empty once it is no longer held. */
  readonly temporaryAccessPass: string | null;
  readonly lifetimeInMinutes: number;
  readonly startDateTime: string;
  readonly isUsableOnce: boolean;
}

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The `AadTap*` variables of `tap`; a start Graph did not give is taken as `now`. */
export function passEmailValues(tap: PassNaming, now: number = Date.now()): TemplateValues {
  const parsed = Date.parse(tap.startDateTime);
  const start = Number.isNaN(parsed) ? now : parsed;
  return {
    AadTapId: tap.id,
    AadTapCode: tap.temporaryAccessPass ?? '',
    AadTapLifetimeMinutes: String(tap.lifetimeInMinutes),
    AadTapStart: utc(new Date(start)),
    AadTapExpires: utc(new Date(start + tap.lifetimeInMinutes * 60_000)),
    AadTapUsableOnce: tap.isUsableOnce ? 'yes' : 'no',
  };
}
