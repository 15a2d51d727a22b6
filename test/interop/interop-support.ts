/**
 * Shared steps for the interop tests: tool results checked with `expect`, the test CA and certificates
 * for a card's public key (scripts/openssl-test-ca.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { makeTestCa as makeCa } from '../../scripts/openssl-test-ca';
import type { PcscHarness, ToolResult } from '../../scripts/vpcd-harness';

/** The PKCS#11 module OpenSC installs on Debian amd64. */
export const OPENSC_PKCS11 = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';

/** Expects exit code 0, showing the tool's output when not. */
export function expectOk(r: ToolResult): ToolResult {
  expect(r.code, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
  return r;
}

/** The interop tests' CA (ca.key/ca.pem and the carrier CSR) in the harness's workdir. */
export const makeTestCa = (h: PcscHarness): Promise<void> => makeCa(h, 'Keyward Interop CA');

/** Issues `<name>.pem` for the public key in `pubPem` (a file in the workdir). */
export { issueCertificate } from '../../scripts/openssl-test-ca';

/** A file of the workdir as text. */
export const readWorkFile = (h: PcscHarness, file: string): string => readFileSync(join(h.workdir, file), 'utf8');

/** The number of APDUs the card answered. */
export const commandCount = (h: PcscHarness): number => h.card.log.filter((e) => e.direction === 'command').length;
