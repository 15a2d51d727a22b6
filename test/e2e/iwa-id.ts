/**
 * The e2e run's Isolated Web App origin: a dev-proxy Web Bundle ID chosen once per run, so the demo's
 * relay and emulated Graph can be told it before the app is installed (KEYWARD_IWA_ORIGIN). Like the
 * ports (e2e-ports.ts), the runner picks it and records it in KEYWARD_E2E_IWA_ID for the workers.
 */
import { randomBytes } from 'node:crypto';

const VARIABLE = 'KEYWARD_E2E_IWA_ID';
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** RFC 4648 base32, lower case, no padding (the Web Bundle ID's encoding). */
function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = ((value << 8) | b) & 0xffff;
    bits += 8;
    for (; bits >= 5; bits -= 5) out += ALPHABET[(value >>> (bits - 5)) & 31];
  }
  return bits ? out + ALPHABET[(value << (5 - bits)) & 31] : out;
}

/** A dev-proxy Web Bundle ID: 32 random bytes and the type suffix 00 00 02 (56 characters). */
export function devProxyId(): string {
  return base32(Uint8Array.of(...randomBytes(32), 0, 0, 2));
}

/** The run's `isolated-app://<id>` origin (no trailing slash). */
export function e2eIwaOrigin(env: NodeJS.ProcessEnv = process.env): string {
  env[VARIABLE] ??= devProxyId();
  return `isolated-app://${env[VARIABLE]}`;
}
