/**
 * Authentication with the card management key (9B) as a sequence of GENERAL AUTHENTICATE exchanges
 * (management-key.ts has the commands and the byte layouts). The exchanges go through the caller's `run`,
 * so the I/O stays in `PivSession`.
 */
import { bytesEqual } from '../bytes';
import type { PivCommand } from './command';
import { MANAGEMENT_KEY_SIZES, type ManagementKeyAlgorithm } from './constants';
import { managementKeyCipher, randomBytes } from './crypto/block-cipher';
import { pivError } from './errors';
import { answerChallenge, answerWitness, requestChallenge, requestWitness } from './management-key';

/** Sends one command and parses its answer (`PivSession`'s). */
export type RunCommand = <A, R>(command: PivCommand<A, R>, args: A) => Promise<R>;

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
  const cipher = await managementKeyCipher(algorithm, key);
  if (mode === 'external') {
    const challenge = await run(requestChallenge, algorithm);
    await run(answerChallenge, { algorithm, response: await cipher.encryptBlock(challenge) });
    return;
  }
  const witness = await cipher.decryptBlock(await run(requestWitness, algorithm));
  const challenge = randomBytes(MANAGEMENT_KEY_SIZES[algorithm].blockSize);
  const proof = await run(answerWitness, { algorithm, witness, challenge });
  if (!bytesEqual(proof, await cipher.encryptBlock(challenge))) {
    throw pivError('AUTH_FAILED', 'the card did not prove knowledge of the management key', {
      operation: 'authenticate-management',
    });
  }
}
