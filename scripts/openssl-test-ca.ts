/**
 * A throwaway CA made with openssl in a pcscd/vpcd harness's workdir, and certificates for a card's public
 * key via `openssl x509 -req -force_pubkey`: the card's key never leaves it, and the CSR, signed by the CA
 * key, only carries a subject. Used by the interop tests and the interop bench.
 */
import type { PcscHarness } from './vpcd-harness';

/** How many days the CA and its certificates are valid: the runs are minutes long. */
const DAYS = '2';

async function openssl(h: PcscHarness, args: string[]): Promise<void> {
  const r = await h.run('openssl', args);
  if (r.code !== 0)
    throw new Error(`openssl ${args[0] ?? ''} failed (exit ${r.code})\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
}

/** Makes ca.key/ca.pem (P-256) and the carrier CSR in the harness's workdir. */
export async function makeTestCa(h: PcscHarness, commonName: string): Promise<void> {
  await openssl(h, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key']);
  await openssl(h, [
    'req',
    '-new',
    '-x509',
    '-key',
    'ca.key',
    '-subj',
    `/CN=${commonName}`,
    '-days',
    DAYS,
    '-out',
    'ca.pem',
  ]);
  await openssl(h, ['req', '-new', '-key', 'ca.key', '-subj', '/CN=placeholder', '-out', 'carrier.csr']);
}

/** Issues `<name>.pem` (subject CN=`name`) for the public key in `pubPem` (a file in the workdir); returns its file name. */
export async function issueCertificate(h: PcscHarness, pubPem: string, name: string): Promise<string> {
  await openssl(h, [
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
    DAYS,
    '-out',
    `${name}.pem`,
  ]);
  return `${name}.pem`;
}
