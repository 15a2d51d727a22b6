/**
 * Authentication with the card management key (9B) as a sequence of GENERAL AUTHENTICATE exchanges
 * (management-key.ts has the commands and the byte layouts). The exchanges go through the caller's `run`,
 * so the I/O stays in `PivSession`. The key itself may be elsewhere: a `ManagementKeyResponder` answers
 * the card's witness (the relay does, so the key need not reach the browser; DESIGN.md "Card keys").
 */
import { bytesEqual } from '../bytes';
import type { PivCommand } from './command';
import { MANAGEMENT_KEY_SIZES, type ManagementKeyAlgorithm } from './constants';
import { managementKeyCipher, randomBytes } from './crypto/block-cipher';
import { pivError } from './errors';
import { answerChallenge, answerWitness, requestChallenge, requestWitness } from './management-key';

/** Sends one command and parses its answer (`PivSession`'s). */
export type RunCommand = <A, R>(command: PivCommand<A, R>, args: A) => Promise<R>;

/** What the holder of the key answers to the card's witness, for mutual authentication (Appendix A.1.2). */
export interface WitnessAnswer {
  /** W, deciphered from the card's 80 element E(K, W). */
  readonly witness: Uint8Array;
  /** C, the challenge for the 81 element. */
  readonly challenge: Uint8Array;
  /** E(K, C), which the card's 82 element must equal. */
  readonly expectedResponse: Uint8Array;
}

/** Holds a management key and answers a card's witness with it. */
export interface ManagementKeyResponder {
  answerWitness(encryptedWitness: Uint8Array): Promise<WitnessAnswer>;
}

/** A responder over a key in hand. */
export function keyResponder(key: Uint8Array, algorithm: ManagementKeyAlgorithm): ManagementKeyResponder {
  return {
    async answerWitness(encryptedWitness) {
      const cipher = await managementKeyCipher(algorithm, key);
      const challenge = randomBytes(MANAGEMENT_KEY_SIZES[algorithm].blockSize);
      return {
        witness: await cipher.decryptBlock(encryptedWitness),
        challenge,
        expectedResponse: await cipher.encryptBlock(challenge),
      };
    },
  };
}

/**
 * Mutual authentication through `responder`: the card proves it knows the key too. A wrong key →
 * `AUTH_FAILED` (the card refuses the witness, or its answer to our challenge differs).
 */
export async function authenticateWithResponder(
  run: RunCommand,
  responder: ManagementKeyResponder,
  algorithm: ManagementKeyAlgorithm,
): Promise<void> {
  const answer = await responder.answerWitness(await run(requestWitness, algorithm));
  const proof = await run(answerWitness, { algorithm, witness: answer.witness, challenge: answer.challenge });
  if (!bytesEqual(proof, answer.expectedResponse)) {
    throw pivError('AUTH_FAILED', 'the card did not prove knowledge of the management key', {
      operation: 'authenticate-management',
    });
  }
}

/**
 * `mutual` also checks that the card knows the key (Appendix A.1.2); `external` is the one-way variant
 * (A.1.3). Wrong key → `AUTH_FAILED`.
 */
export async function authenticateManagementKey(
  run: RunCommand,
  key: Uint8Array,
  algorithm: ManagementKeyAlgorithm,
  mode: 'mutual' | 'external',
): Promise<void> {
  if (mode === 'mutual') return authenticateWithResponder(run, keyResponder(key, algorithm), algorithm);
  const cipher = await managementKeyCipher(algorithm, key);
  const challenge = await run(requestChallenge, algorithm);
  await run(answerChallenge, { algorithm, response: await cipher.encryptBlock(challenge) });
}
