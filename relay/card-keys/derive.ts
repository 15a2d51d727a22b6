/**
 * One card's derived secrets, computed in the relay with the browser's own derivation
 * (src/cards/admin-secrets.ts: HKDF-SHA256 over the card identity), and management-key authentication
 * answered from the card's witness or challenge so the management key need not leave the relay
 * (SP 800-73-4 Part 2 §3.2.4 and Appendix A.1.2/A.1.3; the byte layout is src/piv/management-key.ts).
 */
import { AppError } from '../../src/app-error';
import { deriveManagementKey, derivePuk, type CardIdentity } from '../../src/cards/admin-secrets';
import { managementKeyCipher, randomBytes } from '../../src/piv/crypto/block-cipher';
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

/** What a card's secrets derive from: its serial, or the CHUID Keyward wrote (card id `chuid:<FASC-N>`). */
export function cardIdentityOf(card: CardRecord): CardIdentity {
  if (card.serial !== null) return { serial: Number(card.serial) };
  if (card.card_id.startsWith('chuid:') && card.chuid_guid !== '')
    return { chuidFascn: card.card_id.slice('chuid:'.length), chuidGuid: card.chuid_guid };
  throw new AppError(
    'relay',
    'CARD_IDENTITY_UNKNOWN',
    'The registry records neither a serial nor a CHUID for this card, so its keys cannot be derived.',
    { status: 409, retryable: false },
  );
}

/** The card's management-key algorithm: the registry's, else the one the caller names (older records). */
export function managementAlgorithmOf(card: CardRecord, given?: ManagementKeyAlgorithm): ManagementKeyAlgorithm {
  const recorded = MANAGEMENT_KEY_ALGORITHMS.find((a) => a === card.management_key_algorithm);
  if (recorded) return recorded;
  if (given) return given;
  throw new AppError(
    'relay',
    'MANAGEMENT_ALGORITHM_UNKNOWN',
    "The registry does not record this card's management-key algorithm; name it (GET METADATA 9B tells).",
    { status: 400, retryable: false },
  );
}

/** Derives `secret` for `card`, marking the master key used. */
export async function deriveSecret(
  vault: CardKeyVault,
  card: CardRecord,
  secret: DerivedSecret,
  algorithm?: ManagementKeyAlgorithm,
): Promise<ReleasedSecret> {
  const identity = cardIdentityOf(card);
  if (secret === 'puk') return { secret, puk: await derivePuk(await vault.masterKey({ release: true }), identity) };
  const alg = managementAlgorithmOf(card, algorithm);
  const key = await deriveManagementKey(await vault.masterKey({ release: true }), identity, alg);
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
  card: CardRecord,
  body: ManagementAuthBody,
): Promise<ManagementAuthAnswer> {
  const algorithm = managementAlgorithmOf(card, body.algorithm);
  const key = await deriveManagementKey(await vault.masterKey(), cardIdentityOf(card), algorithm);
  try {
    const cipher = await managementKeyCipher(algorithm, key);
    if ('challenge' in body) return { response: toBase64(await cipher.encryptBlock(block(body.challenge, algorithm))) };
    const witness = await cipher.decryptBlock(block(body.witness, algorithm));
    const challenge = randomBytes(MANAGEMENT_KEY_SIZES[algorithm].blockSize);
    return {
      witness: toBase64(witness),
      challenge: toBase64(challenge),
      expectedResponse: toBase64(await cipher.encryptBlock(challenge)),
    };
  } finally {
    key.fill(0);
  }
}
