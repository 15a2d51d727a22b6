/**
 * OpenSC against the virtual card through pcscd + vpcd: opensc-tool (ATR, card name), pkcs15-tool --dump,
 * and PKCS#11 signatures (ECDSA-SHA256 with a P-256 key in 9a, SHA256-RSA-PKCS with an RSA key in 9c)
 * that openssl then verifies against the certificate's public key. Keys and certificates are put on the
 * card with yubico-piv-tool, as an issuing operator would.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suiteService } from '../support/suite-service';
import { startPcscHarness, type PcscHarness } from '../../scripts/vpcd-harness';
import { expectOk, issueCertificate, makeTestCa, OPENSC_PKCS11 } from './interop-support';

const KEY = '--key=010203040506070801020304050607080102030405060708';

describe('OpenSC with a YubiKey 5.4 profile card', () => {
  let h: PcscHarness;
  const piv = (...args: string[]) => h.run('yubico-piv-tool', ['-r', h.reader, ...args]);
  const pkcs11 = (...args: string[]) => h.run('pkcs11-tool', ['--module', OPENSC_PKCS11, '--slot-index', '0', ...args]);

  /** Generates a key in `slot`, and imports a CA-issued certificate for it. */
  async function provision(slot: string, algorithm: string): Promise<string> {
    expectOk(await piv('-a', 'generate', '-s', slot, '-A', algorithm, KEY, '-o', `${slot}.pub`));
    const cert = await issueCertificate(h, `${slot}.pub`, `slot-${slot}`);
    expectOk(await piv('-a', 'import-certificate', '-s', slot, KEY, '-i', cert));
    return cert;
  }

  beforeAll(async () => {
    h = await startPcscHarness('yubikey-5.4');
    await makeTestCa(h);
    await provision('9a', 'ECCP256');
    await provision('9c', 'RSA2048');
    writeFileSync(join(h.workdir, 'message.txt'), 'Keyward interop: sign me');
  }, 300_000);
  afterAll(() => h?.stop());

  it('opensc-tool reads the ATR and names the card', async () => {
    const atr = expectOk(await h.run('opensc-tool', ['--reader', '0', '--atr']))
      .stdout.trim()
      .toLowerCase();
    expect(atr).toBe('3b:fd:13:00:00:81:31:fe:15:80:73:c0:21:c0:57:59:75:62:69:4b:65:79:40');
    const name = expectOk(await h.run('opensc-tool', ['--reader', '0', '-n'])).stdout;
    expect(name).toMatch(/Personal Identity Verification Card|PIV/);
  });

  it('pkcs15-tool --dump lists the PIN, PUK, both certificates and their private keys', async () => {
    const dump = expectOk(await h.run('pkcs15-tool', ['--reader', '0', '--dump'])).stdout;
    expect(dump).toMatch(/PIN \[PIN\]/);
    expect(dump).toMatch(/PIN \[PIV PUK\]/);
    expect(dump).toMatch(/X\.509 Certificate \[Certificate for PIV Authentication\]/);
    expect(dump).toMatch(/X\.509 Certificate \[Certificate for Digital Signature\]/);
    expect(dump).toMatch(/Private EC Key \[PIV AUTH key\]/);
    expect(dump).toMatch(/Private RSA Key \[SIGN key\]/);
  });

  it.each([
    { slot: '9a', id: '01', mechanism: 'ECDSA-SHA256', format: ['--signature-format', 'openssl'] },
    { slot: '9c', id: '02', mechanism: 'SHA256-RSA-PKCS', format: [] },
  ])('pkcs11-tool signs with $mechanism in $slot and openssl verifies it', async ({ slot, id, mechanism, format }) => {
    expectOk(
      await pkcs11(
        '--sign',
        '--mechanism',
        mechanism,
        '--login',
        '--pin',
        '123456',
        '--id',
        id,
        '--input-file',
        'message.txt',
        '--output-file',
        `${slot}.sig`,
        ...format,
      ),
    );
    expectOk(
      await h.run('openssl', ['x509', '-in', `slot-${slot}.pem`, '-pubkey', '-noout', '-out', `${slot}-cert.pub`]),
    );
    const verified = expectOk(
      await h.run('openssl', [
        'dgst',
        '-sha256',
        '-verify',
        `${slot}-cert.pub`,
        '-signature',
        `${slot}.sig`,
        'message.txt',
      ]),
    );
    expect(verified.stdout).toMatch(/Verified OK/);
  });

  it('pkcs11-tool refuses a wrong PIN and the card counts it', async () => {
    const r = await pkcs11(
      '--sign',
      '--mechanism',
      'ECDSA-SHA256',
      '--login',
      '--pin',
      '999999',
      '--id',
      '01',
      '--input-file',
      'message.txt',
      '--output-file',
      'x.sig',
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(/CKR_PIN_INCORRECT/);
    expect(expectOk(await h.run('yubico-piv-tool', ['-r', h.reader, '-a', 'status'])).stdout).toMatch(
      /PIN tries left:\s+2/,
    );
  });
});

describe('OpenSC with a plain PIV card profile', () => {
  const h = suiteService(() => startPcscHarness('piv-generic'));

  it('names the card PIV without Yubico extensions, and pkcs15-tool reads its PIN objects', async () => {
    expect(expectOk(await h.run('opensc-tool', ['--reader', '0', '-n'])).stdout).toMatch(
      /Personal Identity Verification Card|PIV/,
    );
    expect(expectOk(await h.run('pkcs15-tool', ['--reader', '0', '--list-pins'])).stdout).toMatch(/PIV PUK/);
    const responses = h.card.log.filter((e) => e.direction === 'response');
    expect(responses.some((e) => e.ins === 0xa4 && e.sw === 0x9000)).toBe(true);
    // Whatever Yubico instruction OpenSC probes with is unknown to this card.
    expect(responses.filter((e) => e.ins >= 0xf6).every((e) => e.sw === 0x6d00)).toBe(true);
  });
});
