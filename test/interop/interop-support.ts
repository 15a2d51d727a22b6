/**
 * Shared steps for the interop tests: a test CA made with openssl, and certificates for a card's public
 * key via `openssl x509 -req -force_pubkey` (the card's key never leaves it; the CSR is signed by the CA
 * key only to carry a subject).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { PcscHarness, ToolResult } from '../../scripts/vpcd-harness';

/** The PKCS#11 module OpenSC installs on Debian amd64. */
export const OPENSC_PKCS11 = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';

/** Expects exit code 0, showing the tool's output when not. */
export function expectOk(r: ToolResult): ToolResult {
  expect(r.code, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
  return r;
}

/** Makes ca.key/ca.pem (P-256) in the harness's workdir. */
export async function makeTestCa(h: PcscHarness): Promise<void> {
  expectOk(await h.run('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key']));
  expectOk(
    await h.run('openssl', [
      'req',
      '-new',
      '-x509',
      '-key',
      'ca.key',
      '-subj',
      '/CN=Keyward Interop CA',
      '-days',
      '2',
      '-out',
      'ca.pem',
    ]),
  );
  expectOk(
    await h.run('openssl', ['req', '-new', '-key', 'ca.key', '-subj', '/CN=placeholder', '-out', 'carrier.csr']),
  );
}

/** Issues `<name>.pem` for the public key in `pubPem` (a file in the workdir). */
export async function issueCertificate(h: PcscHarness, pubPem: string, name: string): Promise<string> {
  expectOk(
    await h.run('openssl', [
      'x509',
      '-req',
      '-in',
      'carrier.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-force_pubkey',
      pubPem,
      '-subj',
      `/CN=${name}`,
      '-days',
      '2',
      '-out',
      `${name}.pem`,
    ]),
  );
  return `${name}.pem`;
}

/** A file of the workdir as text. */
export const readWorkFile = (h: PcscHarness, file: string): string => readFileSync(join(h.workdir, file), 'utf8');

/** The number of APDUs the card answered. */
export const commandCount = (h: PcscHarness): number => h.card.log.filter((e) => e.direction === 'command').length;
