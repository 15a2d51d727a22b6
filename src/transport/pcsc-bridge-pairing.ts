/**
 * The page's side of trusting the bridge (pcsc-bridge-handshake.ts): proving and checking the pairing key
 * on every connection, and pairing with the printed code.
 *
 * The pairing key lives in the browser as a non-extractable WebCrypto HMAC key (the caller's
 * {@link BridgeKeyStore} keeps it in IndexedDB), so script on the page can use it but never read it out.
 * Its raw bytes exist only for the moment of import after a pairing, and are then overwritten.
 */
import { AppError } from '../app-error';
import { toHex } from '../bytes';
import {
  HANDSHAKE_NONCE_BYTES,
  PAIRING_CODE,
  proofInput,
  startInitiator,
  type RandomBytes,
} from './pcsc-bridge-handshake';
import { bytesOfHex, type BridgeOp, type BridgeResults } from './pcsc-bridge-protocol';
import type { RequestBody } from './pcsc-bridge-card';

/** Where the page keeps its pairing keys, one per bridge address. */
export interface BridgeKeyStore {
  read(bridgeUrl: string): Promise<CryptoKey | undefined>;
  write(bridgeUrl: string, key: CryptoKey): Promise<void>;
}

/** Sends one request on a connection that is not authenticated yet. */
export type RawRequest = <O extends BridgeOp>(op: O, body: RequestBody<O>) => Promise<BridgeResults[O]>;

const HMAC = { name: 'HMAC', hash: 'SHA-256' } as const;
const randomNonce = () => crypto.getRandomValues(new Uint8Array(HANDSHAKE_NONCE_BYTES));

/** The error for a bridge that cannot prove it holds this page's pairing key. */
export function notAuthentic(url: string, cause?: unknown): AppError {
  return new AppError(
    'transport',
    'BRIDGE_NOT_AUTHENTIC',
    `Something answered at ${url}, but it could not prove it is the Keyward bridge this page paired with. Nothing was sent to it.`,
    { url },
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Mutual challenge-response under `key`: the page proves first, then checks the bridge's proof.
 * Resolves `'not-paired'` when the bridge says it holds no (or another) pairing for this origin.
 *
 * @throws AppError('transport', 'BRIDGE_NOT_AUTHENTIC') when the answer is anything but a valid proof.
 */
export async function authenticate(
  request: RawRequest,
  key: CryptoKey,
  origin: string,
  bridgeNonce: Uint8Array,
  url: string,
): Promise<'authenticated' | 'not-paired'> {
  const pageNonce = randomNonce();
  const proof = new Uint8Array(
    await crypto.subtle.sign(HMAC, key, new Uint8Array(proofInput('page', origin, bridgeNonce, pageNonce))),
  );
  let answer: BridgeResults['auth'];
  try {
    answer = await request('auth', { nonce: toHex(pageNonce), proof: toHex(proof) });
  } catch (e) {
    if (e instanceof AppError && (e.code === 'NOT_PAIRED' || e.code === 'AUTH_FAILED')) return 'not-paired';
    throw notAuthentic(url, e);
  }
  const theirs = typeof answer?.proof === 'string' ? bytesOfHex(answer.proof) : null;
  const data = new Uint8Array(proofInput('bridge', origin, bridgeNonce, pageNonce));
  if (!theirs || theirs.length !== 32 || !(await crypto.subtle.verify(HMAC, key, new Uint8Array(theirs), data)))
    throw notAuthentic(url);
  return 'authenticated';
}

/**
 * Pairs with the code the bridge printed; resolves with the new non-extractable pairing key.
 *
 * @throws AppError('transport', 'PAIRING_FAILED') for a malformed code, or when the bridge's confirmation
 *   does not check (a wrong code, or not the bridge); the bridge's own refusals as they come.
 */
export async function pairWithCode(
  request: RawRequest,
  typed: string,
  origin: string,
  bridgeNonce: Uint8Array,
  random?: RandomBytes,
): Promise<CryptoKey> {
  const code = typed.replace(/[\s-]/g, '');
  if (!PAIRING_CODE.test(code)) throw pairingFailed('A pairing code is the six digits the bridge printed.');
  const pageNonce = randomNonce();
  const initiator = startInitiator(code, origin, bridgeNonce, pageNonce, random);
  const answer = await request('pair', { nonce: toHex(pageNonce), share: toHex(initiator.share) });
  const share = bytesOfHex(String(answer?.share));
  const tag = bytesOfHex(String(answer?.confirm));
  const result = share && tag ? initiator.finish(share, tag) : null;
  if (!result)
    throw pairingFailed(
      'That code did not match: it is not the code the bridge printed, or what answered is not the Keyward bridge.',
    );
  await request('pair-confirm', { confirm: toHex(result.tag) });
  try {
    return await crypto.subtle.importKey('raw', new Uint8Array(result.key), HMAC, false, ['sign', 'verify']);
  } finally {
    result.key.fill(0);
  }
}

function pairingFailed(message: string): AppError {
  return new AppError('transport', 'PAIRING_FAILED', message);
}

/** The bridge's hello nonce, or null when it is not 32 bytes of hex. */
export function helloNonce(nonce: unknown): Uint8Array | null {
  if (typeof nonce !== 'string') return null;
  const bytes = bytesOfHex(nonce);
  return bytes && bytes.length === HANDSHAKE_NONCE_BYTES ? bytes : null;
}
