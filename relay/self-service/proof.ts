/**
 * The gate of each self-service action: the template and the card allow it (else a refusal naming why),
 * and, where the action needs it, the card proved itself by signing the relay's nonce with the key
 * recorded at issuance (9A after PIN verify, 9E for an unblock; ./signature.ts says what is signed).
 */
import type { Kysely } from 'kysely';
import { AppError } from '../../src/app-error';
import type { CardKey, CardState } from '../../src/relay-api/contract';
import { PROOF_SLOT, type SelfServicePurpose } from '../../src/relay-api/self-service-contract';
import type { Schema } from '../db/schema';
import { consumeChallenge } from './challenges';
import { permissionFor, recordedKey, type HolderView } from './permissions';
import { cardSignatureVerifies } from './signature';

const STATES: Record<SelfServicePurpose, readonly CardState[]> = {
  activate: ['issued'],
  'request-tap': ['active'],
  unblock: ['active', 'locked'],
};

/**
 * Refuses `purpose` unless the holder's view allows it.
 *
 * @throws AppError('relay', 'CARD_STATE_FORBIDS' | 'NO_RECORDED_KEY' (409) | 'TEMPLATE_FORBIDS' (403))
 */
export function requireAllowed(v: HolderView, purpose: SelfServicePurpose): void {
  const permission = permissionFor(v.view, purpose);
  if (permission.allowed) return;
  const reason = permission.reason ?? 'The card template does not allow this.';
  // In the order ./permissions.ts gives its reasons, so the code and the words agree.
  const tap = v.template?.tap;
  const templateForbids =
    (purpose === 'request-tap' && !(tap?.enabled && tap.userMayRequest)) ||
    (purpose === 'unblock' && !v.template?.issue.selfServiceUnblock);
  if (templateForbids) throw new AppError('relay', 'TEMPLATE_FORBIDS', reason, { status: 403, retryable: false });
  if (!STATES[purpose].includes(v.card.state as CardState))
    throw new AppError('relay', 'CARD_STATE_FORBIDS', reason, { status: 409, retryable: false });
  // A pass request needs the 9A key only under Force authentication.
  const needsKey = purpose !== 'request-tap' || v.view.actions.requestTap.forceAuthentication;
  if (needsKey && !recordedKey(v.card, PROOF_SLOT[purpose]))
    throw new AppError('relay', 'NO_RECORDED_KEY', reason, { status: 409, retryable: false });
  throw new AppError('relay', 'TEMPLATE_FORBIDS', reason, { status: 403, retryable: false });
}

/** A challenge answered by the card. */
export interface Answer {
  challengeId: string;
  signature: string;
}

/** The public key recorded at issuance that proves the card for `purpose` (9A or 9E). */
export function proofKey(v: HolderView, purpose: SelfServicePurpose): CardKey {
  const slot = PROOF_SLOT[purpose];
  const key = recordedKey(v.card, slot);
  if (!key)
    throw new AppError('relay', 'NO_RECORDED_KEY', `No ${slot} key was recorded for this card at issuance.`, {
      status: 409,
      retryable: false,
    });
  return key;
}

/**
 * Consumes the challenge and checks the card's signature under the recorded key for `purpose`.
 *
 * @throws AppError('relay', 'NO_RECORDED_KEY' (409) | 'SIGNATURE_WRONG' (403)) and the challenge's refusals.
 */
export async function requireProof(
  db: Kysely<Schema>,
  v: HolderView,
  purpose: SelfServicePurpose,
  answer: Answer,
  now: number,
): Promise<void> {
  const key = proofKey(v, purpose);
  const binding = { holderOid: v.card.holder_oid, cardId: v.card.card_id, purpose };
  const nonce = await consumeChallenge(db, answer.challengeId, binding, now);
  if (!cardSignatureVerifies(key, nonce, Uint8Array.from(Buffer.from(answer.signature, 'base64'))))
    throw new AppError(
      'relay',
      'SIGNATURE_WRONG',
      `The card's signature does not match the ${PROOF_SLOT[purpose]} key recorded when it was issued: use the card issued to you.`,
      { status: 403, retryable: false },
    );
}
