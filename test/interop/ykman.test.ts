/**
 * ykman (yubikey-manager 4.0.9, Debian) against the virtual card with the YubiKey 5.7 profile (AES-192
 * default management key, which ykman learns from GET METADATA). ykman needs the exact reader name
 * ("Virtual PCD 00 00"): the bare "Virtual PCD" matches both vpcd slots and it refuses to choose.
 */
import { describe, expect, it } from 'vitest';
import { suiteService } from '../support/suite-service';
import { startPcscHarness } from '../../scripts/vpcd-harness';
import { expectOk } from './interop-support';

const DEFAULT_KEY = '010203040506070801020304050607080102030405060708';

/** `ykman piv info` output as key → value lines (tabs and colons split). */
function parseInfo(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([^:\t]+):\s*(.*)$/.exec(line.trim());
    if (m) out.set(m[1]!.trim(), m[2]!.trim());
  }
  return out;
}

describe('ykman', () => {
  const h = suiteService(() => startPcscHarness('yubikey-5.7', { serial: 24681357 }));
  const ykman = (...args: string[]) => h.run('ykman', ['--reader', h.reader, ...args]);

  it('piv info reports version, PIN tries, the default-key warnings and AES192', async () => {
    const r = expectOk(await ykman('piv', 'info'));
    const info = parseInfo(r.stdout);
    expect(info.get('PIV version')).toBe('5.7.2');
    expect(info.get('PIN tries remaining')).toBe('3/3');
    expect(info.get('Management key algorithm')).toBe('AES192');
    expect(r.stdout).toMatch(/WARNING: Using default PIN!/);
    expect(r.stdout).toMatch(/WARNING: Using default Management key!/);
    expect(info.get('CHUID')).toBe('No data available.');
  });

  it('piv keys generate (P-256 in 9a) and piv certificates generate make a slot that piv info lists', async () => {
    expectOk(await ykman('piv', 'keys', 'generate', '-m', DEFAULT_KEY, '-a', 'ECCP256', '9a', 'pub.pem'));
    expectOk(
      await ykman(
        'piv',
        'certificates',
        'generate',
        '-m',
        DEFAULT_KEY,
        '-P',
        '123456',
        '-s',
        'CN=ykman interop',
        '9a',
        'pub.pem',
      ),
    );
    const r = expectOk(await ykman('piv', 'info'));
    expect(r.stdout).toMatch(/Slot 9a:/);
    expect(r.stdout).toMatch(/Algorithm:\s+ECCP256/);
    expect(r.stdout).toMatch(/Subject DN:\s+CN=ykman interop/);
    // The self-signed certificate was signed by the card's 9a key: openssl checks it against itself.
    expectOk(await ykman('piv', 'certificates', 'export', '9a', 'cert.pem'));
    expect(expectOk(await h.run('openssl', ['verify', '-CAfile', 'cert.pem', 'cert.pem'])).stdout).toMatch(
      /cert\.pem: OK/,
    );
  });

  it('piv keys attest returns a certificate for the 9a key, issued by the F9 attestation certificate', async () => {
    expectOk(await ykman('piv', 'keys', 'attest', '9a', 'attest.pem'));
    expectOk(await ykman('piv', 'certificates', 'export', 'f9', 'f9.pem'));
    const subject = expectOk(await h.run('openssl', ['x509', '-in', 'attest.pem', '-noout', '-subject'])).stdout;
    expect(subject).toMatch(/YubiKey PIV Attestation 9a/);
    expect(expectOk(await h.run('openssl', ['verify', '-CAfile', 'f9.pem', 'attest.pem'])).stdout).toMatch(
      /attest\.pem: OK/,
    );
    const keys = await Promise.all(
      ['attest.pem', 'cert.pem'].map(
        async (f) => expectOk(await h.run('openssl', ['x509', '-in', f, '-pubkey', '-noout'])).stdout,
      ),
    );
    expect(keys[0]).toBe(keys[1]);
  });

  it('piv access change-pin, then piv info no longer warns about the default PIN', async () => {
    expectOk(await ykman('piv', 'access', 'change-pin', '-P', '123456', '-n', '86421357'));
    const r = expectOk(await ykman('piv', 'info'));
    expect(r.stdout).not.toMatch(/default PIN/);
    expect(parseInfo(r.stdout).get('PIN tries remaining')).toBe('3/3');
  });
});
