/**
 * `/api/card-keys`: the card master key held by the relay (DESIGN.md "Card keys"). Administrators see
 * which key it is and import today's browser key file once; operators get one card's derived secret for
 * an operation that needs it, or have the relay answer the card's management-key authentication. Every
 * release, import and authentication is audited, refusals included. Shapes:
 * src/relay-api/card-keys-contract.ts. Mounted by relay/app.ts.
 */
import { Hono, type Context } from 'hono';
import type { Kysely } from 'kysely';
import { AppError } from '../../src/app-error';
import {
  ManagementAuthBody,
  MasterKeyImportBody,
  ReleaseBody,
  SECRET_RELEASES,
  type MasterKeyStatus,
  type SecretOperation,
} from '../../src/relay-api/card-keys-contract';
import { CardId, type CardState, type Person } from '../../src/relay-api/contract';
import { outcomeOf, type AuditEvent, type AuditRecorder } from '../audit/record';
import { getCaller, requireRoles, type RelayEnv } from '../auth';
import { getCard } from '../cards/registry';
import type { RelayConfig } from '../config';
import type { Schema } from '../db/schema';
import type { TokenVerifier } from '../token';
import { validJson } from '../validate';
import { answerManagementAuth, deriveSecret, identityOf, recordedSubject, type SecretSubject } from './derive';
import { requireVault, type CardKeyVault } from './vault';

/** What the card-key routes need. */
export interface CardKeyRouteDeps {
  config: RelayConfig;
  verifier: TokenVerifier;
  db: Kysely<Schema>;
  /** Undefined when the relay has no KEK configured: every route then answers 503 CARD_KEYS_UNAVAILABLE. */
  vault: CardKeyVault | undefined;
  audit: AuditRecorder;
}

/**
 * States in which a card's secrets may be used for each operation. Issuance asks before the registry
 * records the card (it does so only once every card step is verified): a card it does not know yet, or
 * holds as blank, retired, or issued (an interrupted issuance resuming), may be issued. An active or
 * locked card is in its holder's hands: its management key is never released (SECRET_RELEASES), only
 * authenticated with.
 */
const OPERATION_STATES: Readonly<Record<SecretOperation, readonly CardState[]>> = {
  issue: ['blank', 'retired', 'issued'],
  unblock: ['issued', 'active', 'locked'],
  // Retired already: an interrupted retirement recorded before its card steps were all redone.
  retire: ['issued', 'active', 'locked', 'retired'],
};

const actorOf = (c: Context<RelayEnv>): Person => {
  const caller = getCaller(c);
  return { oid: caller.oid, name: caller.name || caller.preferredUsername };
};

/**
 * The card `cardId` as a subject for `operation` (any operation on a registered card when undefined), with
 * its record when the registry has one.
 */
async function subjectFor(
  db: Kysely<Schema>,
  cardId: string,
  operation: SecretOperation | undefined,
  chuidGuid: string | undefined,
): Promise<SecretSubject> {
  if (!CardId.safeParse(cardId).success)
    throw new AppError('relay', 'INVALID_REQUEST', 'A card id is 1 to 100 letters, digits and : . _ -.', {
      status: 400,
    });
  const card = await getCard(db, cardId);
  const allowed = operation ? OPERATION_STATES[operation] : ['issued', 'active', 'locked'];
  if (operation === 'issue' && (!card || allowed.includes(card.state as CardState)))
    return {
      identity: identityOf(cardId, chuidGuid),
      // A card issued already (an issuance resuming) keeps the algorithm it took; a new one is named.
      algorithm: card?.state === 'issued' ? recordedSubject(card).algorithm : undefined,
    };
  if (!card)
    throw new AppError('relay', 'CARD_NOT_REGISTERED', 'The registry has no record of this card.', { status: 404 });
  if (!allowed.includes(card.state as CardState))
    throw new AppError(
      'relay',
      'SECRET_NOT_FOR_STATE',
      `A card that is ${card.state} gets no derived secret for '${operation ?? 'authenticate'}'.`,
      { status: 409, retryable: false },
    );
  return recordedSubject(card);
}

/** Runs `work` and audits its outcome as `action` on `target`, refusals and failures included. */
async function audited<T>(
  deps: CardKeyRouteDeps,
  event: Omit<AuditEvent, 'outcome' | 'reason'>,
  work: () => Promise<T>,
): Promise<T> {
  try {
    const result = await work();
    await deps.audit({ ...event, outcome: 'succeeded' });
    return result;
  } catch (e) {
    await deps.audit({ ...event, ...outcomeOf(e) });
    throw e;
  }
}

const cardTarget = (cardId: string, label: string) => ({ type: 'card' as const, id: cardId, label });

/** Builds the `/api/card-keys` sub-app. */
export function cardKeyRoutes(deps: CardKeyRouteDeps): Hono<RelayEnv> {
  const { config, verifier, db } = deps;
  const administrators = requireRoles(verifier, config.administratorRole);
  const operators = requireRoles(verifier, config.operatorRole);
  return new Hono<RelayEnv>()
    .get('/master-key', administrators, async (c) => {
      return c.json((await requireVault(deps.vault).ensure()) satisfies MasterKeyStatus);
    })
    .post('/master-key/import', administrators, validJson(MasterKeyImportBody), async (c) => {
      const { keyFile, passphrase } = c.req.valid('json');
      const target = { type: 'key' as const, id: 'card-master-key', label: 'Card master key' };
      return c.json(
        await audited(deps, { actor: actorOf(c), action: 'key.import', target }, () =>
          requireVault(deps.vault).importKeyFile(keyFile, passphrase),
        ),
      );
    })
    .post('/:cardId/release', operators, validJson(ReleaseBody), async (c) => {
      const body = c.req.valid('json');
      const cardId = c.req.param('cardId');
      const label = `${body.secret === 'puk' ? 'PUK' : 'management key'} for ${body.operation}`;
      const event = { actor: actorOf(c), action: 'key.release', target: cardTarget(cardId, label) };
      return c.json(
        await audited(deps, event, async () => {
          const vault = requireVault(deps.vault);
          // The operation's rule first: it refuses whatever the card, without reading the registry.
          if (!(SECRET_RELEASES[body.operation] as readonly string[]).includes(body.secret))
            throw new AppError(
              'relay',
              'SECRET_NOT_FOR_OPERATION',
              body.secret === 'puk'
                ? `The PUK is not released for '${body.operation}'.`
                : `The management key leaves the relay only to be written to a card at issuance, not for '${body.operation}'; the relay answers the card's authentication instead.`,
              { status: 403, retryable: false },
            );
          const subject = await subjectFor(db, cardId, body.operation, body.chuidGuid);
          return deriveSecret(vault, subject, body.secret, body.algorithm);
        }),
      );
    })
    .post('/:cardId/management-auth', operators, validJson(ManagementAuthBody), async (c) => {
      const body = c.req.valid('json');
      const cardId = c.req.param('cardId');
      const event = {
        actor: actorOf(c),
        action: 'key.authenticate',
        target: cardTarget(cardId, 'management-key authentication'),
      };
      return c.json(
        await audited(deps, event, async () =>
          answerManagementAuth(
            requireVault(deps.vault),
            await subjectFor(db, cardId, body.operation, body.chuidGuid),
            body,
          ),
        ),
      );
    });
}
