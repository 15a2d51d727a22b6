/**
 * The checks every self-service request passes before it acts: the caller is a member of the tenant
 * (Graph says so, not the token), within the per-holder rate limit, asking about a card the registry
 * says is theirs and not retired. Each refusal is an `AppError` the routes audit.
 */
import type { Kysely } from 'kysely';
import { AppError } from '../../src/app-error';
import type { Person } from '../../src/relay-api/contract';
import type { AuditRecorder } from '../audit/record';
import type { CardKeyVault } from '../card-keys/vault';
import { getCard, type CardRecord } from '../cards/registry';
import type { RelayConfig } from '../config';
import type { Schema } from '../db/schema';
import type { DirectoryUser, UserDirectory } from '../graph/directory';
import type { TapBroker } from '../graph/tap-broker';
import type { RateLimiter } from '../mail/rate-limit';
import type { PublishedMailDeps } from '../mail/send-published';
import type { Caller, TokenVerifier } from '../token';

/** What the self-service routes need. */
export interface SelfServiceDeps {
  config: RelayConfig;
  verifier: TokenVerifier;
  db: Kysely<Schema>;
  directory: UserDirectory;
  broker: TapBroker;
  mail: PublishedMailDeps;
  /** The card keys (for an unblock's PUK); undefined when the relay has no KEK. */
  vault: CardKeyVault | undefined;
  limiter: RateLimiter;
  audit: AuditRecorder;
  /** Wall clock in ms (nonce lifetimes); defaults to `Date.now`. */
  now?: () => number;
}

/** The signed-in holder, as Graph knows them. */
export interface Holder {
  actor: Person;
  user: DirectoryUser;
}

/**
 * The caller as a holder: an enabled member of the tenant.
 *
 * @throws AppError('relay', 'SELF_SERVICE_GUEST', …, { status: 403 }) for a guest or a disabled account.
 */
export async function holderOf(deps: Pick<SelfServiceDeps, 'directory'>, caller: Caller): Promise<Holder> {
  const actor = { oid: caller.oid, name: caller.name || caller.preferredUsername };
  const user = await deps.directory.getUser(caller.oid);
  if (user.userType.toLowerCase() !== 'member' || !user.accountEnabled)
    throw new AppError(
      'relay',
      'SELF_SERVICE_GUEST',
      'Self-service is for members of the organisation; guests and disabled accounts ask their helpdesk.',
      { status: 403, retryable: false },
    );
  return { actor, user };
}

/**
 * Takes one of the holder's self-service tokens.
 *
 * @throws AppError('relay', 'HOLDER_RATE_LIMITED', …, { status: 429, retryAfterSeconds })
 */
export async function takeHolderToken(deps: SelfServiceDeps, holderOid: string): Promise<void> {
  const take = await deps.limiter.take(holderOid);
  if (!take.allowed)
    throw new AppError(
      'relay',
      'HOLDER_RATE_LIMITED',
      `Too many self-service requests from your account; try again in ${take.retryAfterSeconds} s.`,
      { status: 429, retryable: true, retryAfterSeconds: take.retryAfterSeconds },
    );
}

/**
 * The card `cardId` held by `holderOid`.
 *
 * @throws AppError('relay', 'CARD_RETIRED' (409) | 'CARD_NOT_YOURS' (403))
 */
export async function ownCard(db: Kysely<Schema>, holderOid: string, cardId: string): Promise<CardRecord> {
  const card = await getCard(db, cardId);
  // A retired card has no holder any more; saying it is retired reveals nothing about anyone.
  if (card?.state === 'retired')
    throw new AppError('relay', 'CARD_RETIRED', 'This card is retired and can no longer be used.', {
      status: 409,
      retryable: false,
    });
  if (!card || card.holder_oid.toLowerCase() !== holderOid.toLowerCase())
    throw new AppError('relay', 'CARD_NOT_YOURS', 'The registry has no card of that id issued to you.', {
      status: 403,
      retryable: false,
    });
  return card;
}
