/**
 * One card's derived secrets, computed in the relay with the browser's own derivation
 * (src/cards/card-secrets.ts over src/cards/admin-secrets.ts: HKDF-SHA256 over the card identity), and
 * management-key authentication answered from the card's witness or challenge so the management key need
 * not leave the relay (SP 800-73-4 Part 2 §3.2.4 and Appendix A.1.2/A.1.3; the byte layout is
 * src/piv/management-key.ts).
 */
import { AppError } from '../../src/app-error';
import { deriveManagementKey, derivePuk, type CardIdentity } from '../../src/cards/admin-secrets';
import { managementKeyCipher } from '../../src/piv/crypto/block-cipher';
import { keyResponder } from '../../src/piv/management-key-auth';
import { MANAGEMENT_KEY_SIZES, type ManagementKeyAlgorithm } from '../../src/piv/constants';
import { MANAGEMENT_KEY_ALGORITHMS } from '../../src/relay-api/contract';
import type {
  DerivedSecret,
  ManagementAuthAnswer,
  ManagementAuthBody,
  ReleasedSecret,
} from '../../src/relay-api/card-keys-contract';
import type { CardRecord } from '../cards/registry';
import { fromBase64, toBase64 } from './kek';
import type { CardKeyVault } from './vault';

/** The card a secret is derived for: what it derives from, and its management-key algorithm where known. */
export interface SecretSubject {
  readonly identity: CardIdentity;
  readonly algorithm: ManagementKeyAlgorithm | undefined;
}

const unknownIdentity = () =>
  new AppError(
    'relay',
    'CARD_IDENTITY_UNKNOWN',
    'Neither the registry nor the request names a serial or a CHUID for this card, so its keys cannot be derived.',
    { status: 409, retryable: false },
  );

/** What a card's secrets derive from: its serial, or the CHUID Keyward wrote (card id `chuid:<FASC-N>`). */
export function identityOf(cardId: string, chuidGuid: string | undefined): CardIdentity {
  const serial = /^serial:(\d{1,10})$/.exec(cardId);
  if (serial) return { serial: Number(serial[1]) };
  const fascn = /^chuid:([0-9a-fA-F]{50})$/.exec(cardId);
  if (fascn && chuidGuid) return { chuidFascn: fascn[1]!, chuidGuid };
  throw unknownIdentity();
}

/** The subject of a registered card, from its record. */
export function recordedSubject(card: CardRecord): SecretSubject {
  const algorithm = MANAGEMENT_KEY_ALGORITHMS.find((a) => a === card.management_key_algorithm);
  if (card.serial !== null) return { identity: { serial: Number(card.serial) }, algorithm };
  if (card.chuid_guid === '') throw unknownIdentity();
  return { identity: identityOf(card.card_id, card.chuid_guid), algorithm };
}

/** The algorithm to derive with: the one the caller names (issuance, older records), else the registry's. */
function algorithmOf(subject: SecretSubject, given?: ManagementKeyAlgorithm): ManagementKeyAlgorithm {
  const algorithm = given ?? subject.algorithm;
  if (algorithm) return algorithm;
  throw new AppError(
    'relay',
    'MANAGEMENT_ALGORITHM_UNKNOWN',
    "The registry does not record this card's management-key algorithm; name it (GET METADATA 9B tells).",
    { status: 400, retryable: false },
  );
}

/** Derives `secret` for `subject`, marking the master key used. */
export async function deriveSecret(
  vault: CardKeyVault,
  subject: SecretSubject,
  secret: DerivedSecret,
  algorithm?: ManagementKeyAlgorithm,
): Promise<ReleasedSecret> {
  const masterKey = await vault.masterKey({ release: true });
  if (secret === 'puk') return { secret, puk: await derivePuk(masterKey, subject.identity) };
  const alg = algorithmOf(subject, algorithm);
  const key = await deriveManagementKey(masterKey, subject.identity, alg);
  try {
    return { secret, algorithm: alg, key: toBase64(key) };
  } finally {
    key.fill(0);
  }
}

function block(text: string, algorithm: ManagementKeyAlgorithm): Uint8Array {
  const bytes = fromBase64(text);
  if (bytes.length !== MANAGEMENT_KEY_SIZES[algorithm].blockSize)
    throw new AppError(
      'relay',
      'INVALID_BODY',
      `A ${algorithm} witness or challenge is ${MANAGEMENT_KEY_SIZES[algorithm].blockSize} bytes.`,
      { status: 400, retryable: false },
    );
  return bytes;
}

/** Answers one GENERAL AUTHENTICATE exchange for key 9B with the card's derived management key. */
export async function answerManagementAuth(
  vault: CardKeyVault,
  subject: SecretSubject,
  body: ManagementAuthBody,
): Promise<ManagementAuthAnswer> {
  const algorithm = algorithmOf(subject, body.algorithm);
  const key = await deriveManagementKey(await vault.masterKey(), subject.identity, algorithm);
  try {
    if ('challenge' in body) {
      const cipher = await managementKeyCipher(algorithm, key);
      return { response: toBase64(await cipher.encryptBlock(block(body.challenge, algorithm))) };
    }
    const answer = await keyResponder(key, algorithm).answerWitness(block(body.witness, algorithm));
    return {
      witness: toBase64(answer.witness),
      challenge: toBase64(answer.challenge),
      expectedResponse: toBase64(answer.expectedResponse),
    };
  } finally {
    key.fill(0);
  }
}
