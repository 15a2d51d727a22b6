/**
 * Self-service nonces in the relay's database (table `self_service_challenges`), so any relay instance
 * can check what another issued. A challenge is bound to the holder, the card and the purpose, lives two
 * minutes and is consumed by its first answer, right or wrong: one statement marks it used only while it
 * is unused and unexpired, so two answers racing on two instances cannot both pass.
 *
 * An unblock whose signature verified leaves a short-lived authorisation (purpose `unblock-authorised`)
 * that `/unblocked` consumes, so only a holder who proved the card can record it active again.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError } from '../../src/app-error';
import type { SelfServicePurpose } from '../../src/relay-api/self-service-contract';
import type { Schema } from '../db/schema';

/** How long a nonce may be answered. */
export const CHALLENGE_LIFETIME_MS = 2 * 60_000;
/** How long after an authorised unblock the holder may record the new PIN. */
export const UNBLOCK_WINDOW_MS = 10 * 60_000;
const NONCE_BYTES = 32;

type Purpose = SelfServicePurpose | 'unblock-authorised';

/** Who a challenge is for. */
export interface ChallengeBinding {
  holderOid: string;
  cardId: string;
  purpose: Purpose;
}

/** Issues a fresh nonce; also sweeps challenges that expired long ago. */
export async function issueChallenge(
  db: Kysely<Schema>,
  binding: ChallengeBinding,
  now: number,
  lifetimeMs = CHALLENGE_LIFETIME_MS,
) {
  await db
    .deleteFrom('self_service_challenges')
    .where('expires_at_ms', '<', now - UNBLOCK_WINDOW_MS)
    .execute();
  const row = {
    id: randomUUID(),
    holder_oid: binding.holderOid,
    card_id: binding.cardId,
    purpose: binding.purpose,
    nonce: randomBytes(NONCE_BYTES).toString('base64'),
    expires_at_ms: now + lifetimeMs,
    used_at_ms: null,
  };
  await db.insertInto('self_service_challenges').values(row).execute();
  return { challengeId: row.id, nonce: row.nonce, expiresAt: new Date(row.expires_at_ms).toISOString() };
}

/**
 * Consumes challenge `id` for `binding`, returning its nonce.
 *
 * @throws AppError('relay', 'CHALLENGE_UNKNOWN' (404) | 'CHALLENGE_REPLAYED' (409) | 'CHALLENGE_EXPIRED' (409))
 */
export async function consumeChallenge(
  db: Kysely<Schema>,
  id: string,
  binding: ChallengeBinding,
  now: number,
): Promise<Uint8Array> {
  const used = await db
    .updateTable('self_service_challenges')
    .set({ used_at_ms: now })
    .where('id', '=', id)
    .where('holder_oid', '=', binding.holderOid)
    .where('card_id', '=', binding.cardId)
    .where('purpose', '=', binding.purpose)
    .where('used_at_ms', 'is', null)
    .where('expires_at_ms', '>', now)
    .returning('nonce')
    .executeTakeFirst();
  if (used) return Uint8Array.from(Buffer.from(used.nonce, 'base64'));
  const row = await db
    .selectFrom('self_service_challenges')
    .selectAll()
    .where('id', '=', id)
    .where('holder_oid', '=', binding.holderOid)
    .where('card_id', '=', binding.cardId)
    .where('purpose', '=', binding.purpose)
    .executeTakeFirst();
  if (!row)
    throw new AppError(
      'relay',
      'CHALLENGE_UNKNOWN',
      'The relay issued no such challenge for this card and action: ask for a new one.',
      { status: 404, retryable: false },
    );
  if (row.used_at_ms !== null)
    throw new AppError(
      'relay',
      'CHALLENGE_REPLAYED',
      'This challenge was already answered once; each is single-use. Ask for a new one.',
      { status: 409, retryable: false },
    );
  throw new AppError(
    'relay',
    'CHALLENGE_EXPIRED',
    `The challenge expired (they last ${CHALLENGE_LIFETIME_MS / 60_000} minutes): ask for a new one and answer it promptly.`,
    { status: 409, retryable: false },
  );
}

/** Records that `holderOid` proved `cardId` for an unblock. */
export async function authoriseUnblock(db: Kysely<Schema>, holderOid: string, cardId: string, now: number) {
  await issueChallenge(db, { holderOid, cardId, purpose: 'unblock-authorised' }, now, UNBLOCK_WINDOW_MS);
}

/**
 * Consumes the holder's unblock authorisation for `cardId`.
 *
 * @throws AppError('relay', 'UNBLOCK_NOT_AUTHORISED', …, { status: 409 }) when there is none in the window.
 */
export async function consumeUnblockAuthorisation(db: Kysely<Schema>, holderOid: string, cardId: string, now: number) {
  const open = await db
    .selectFrom('self_service_challenges')
    .select('id')
    .where('holder_oid', '=', holderOid)
    .where('card_id', '=', cardId)
    .where('purpose', '=', 'unblock-authorised')
    .where('used_at_ms', 'is', null)
    .where('expires_at_ms', '>', now)
    .executeTakeFirst();
  const consumed =
    open &&
    (await db
      .updateTable('self_service_challenges')
      .set({ used_at_ms: now })
      .where('id', '=', open.id)
      .where('used_at_ms', 'is', null)
      .executeTakeFirst());
  if (!consumed || consumed.numUpdatedRows === 0n)
    throw new AppError(
      'relay',
      'UNBLOCK_NOT_AUTHORISED',
      'No unblock of this card was authorised in the last minutes: prove the card again (Unblock my PIN) first.',
      { status: 409, retryable: false },
    );
}
