/**
 * yubico-piv-tool 2.2.0 (Debian) against the virtual card (YubiKey 5.4 profile: 3DES management key,
 * which this tool version assumes) through pcscd + vpcd. Only actions that work under OpenSSL 3 are used:
 * Debian's 2.2.0 cannot sign certificates there (Yubico/yubico-piv-tool#388), so certificates are made
 * by openssl with -force_pubkey.
 */
import { describe, expect, it } from 'vitest';
import { suiteService } from '../support/suite-service';
import { toHex } from '../../src/bytes';
import { startPcscHarness } from '../../scripts/vpcd-harness';
import { expectOk, issueCertificate, makeTestCa, readWorkFile } from './interop-support';

const DEFAULT_KEY = '010203040506070801020304050607080102030405060708';
const NEW_KEY = '8a98f110d3497b022100b774df0ef99b53ef4b8e3b918604';

describe('yubico-piv-tool', () => {
  const h = suiteService(async () => {
    const started = await startPcscHarness('yubikey-5.4', { serial: 13572468 });
    await makeTestCa(started);
    return started;
  });
  const piv = (...args: string[]) => h.run('yubico-piv-tool', ['-r', h.reader, ...args]);

  it('-a status shows version, serial and PIN tries of a fresh card', async () => {
    const r = expectOk(await piv('-a', 'status'));
    expect(r.stdout).toMatch(/Version:\s+5\.4\.3/);
    expect(r.stdout).toMatch(/Serial Number:\s+13572468/);
    expect(r.stdout).toMatch(/CHUID:\s+No data available/);
    expect(r.stdout).toMatch(/PIN tries left:\s+3/);
  });

  it('changes the PIN and the PUK; the old PIN no longer verifies', async () => {
    expectOk(await piv('-a', 'change-pin', '-P', '123456', '-N', '24681357'));
    expectOk(await piv('-a', 'change-puk', '-P', '12345678', '-N', '97531864'));
    expect((await piv('-a', 'verify-pin', '-P', '123456')).code).not.toBe(0);
    expectOk(await piv('-a', 'verify-pin', '-P', '24681357'));
  });

  it('sets the management key with the default one, and PUT DATA then needs the new key', async () => {
    expectOk(await piv('-a', 'set-mgm-key', `--key=${DEFAULT_KEY}`, '-n', NEW_KEY));
    expect((await piv('-a', 'set-chuid', `--key=${DEFAULT_KEY}`)).code).not.toBe(0);
    expectOk(await piv('-a', 'set-chuid', `--key=${NEW_KEY}`));
    expect(expectOk(await piv('-a', 'status')).stdout).toMatch(/CHUID:\s+3019d4e739da739ced39ce739d83685821084210842/);
  });

  it.each([
    { algorithm: 'ECCP256', keyText: /ASN1 OID: prime256v1|NIST CURVE: P-256/ },
    { algorithm: 'RSA2048', keyText: /Public-Key: \(2048 bit\)/ },
  ])(
    'generates $algorithm in 9a, imports an openssl-made certificate and reads it back',
    async ({ algorithm, keyText }) => {
      expectOk(
        await piv('-a', 'generate', '-s', '9a', '-A', algorithm, `--key=${NEW_KEY}`, '-o', `9a-${algorithm}.pub`),
      );
      expect(
        expectOk(await h.run('openssl', ['pkey', '-pubin', '-in', `9a-${algorithm}.pub`, '-noout', '-text'])).stdout,
      ).toMatch(keyText);
      const cert = await issueCertificate(h, `9a-${algorithm}.pub`, `holder-${algorithm}`);
      expectOk(await piv('-a', 'import-certificate', '-s', '9a', `--key=${NEW_KEY}`, '-i', cert));
      expectOk(await piv('-a', 'read-certificate', '-s', '9a', '-o', `back-${algorithm}.pem`));
      expect(readWorkFile(h, `back-${algorithm}.pem`)).toBe(readWorkFile(h, cert));
      const pub = expectOk(
        await h.run('openssl', ['x509', '-in', `back-${algorithm}.pem`, '-pubkey', '-noout']),
      ).stdout;
      expect(pub).toBe(readWorkFile(h, `9a-${algorithm}.pub`));
    },
  );

  it('a wrong PIN blocks after the tries left, and -a unblock-pin with the PUK sets a new one', async () => {
    const tries = [];
    for (let i = 0; i < 3; i++) tries.push(await piv('-a', 'verify-pin', '-P', '000000'));
    expect(tries.every((r) => r.code !== 0)).toBe(true);
    expect(tries[0]!.stderr + tries[0]!.stdout).toMatch(/2 tries left/);
    expect(tries[2]!.stderr + tries[2]!.stdout).toMatch(/blocked/i);
    expect(expectOk(await piv('-a', 'status')).stdout).toMatch(/PIN tries left:\s+0/);
    expectOk(await piv('-a', 'unblock-pin', '-P', '97531864', '-N', '11223344'));
    expectOk(await piv('-a', 'verify-pin', '-P', '11223344'));
    expect(expectOk(await piv('-a', 'status')).stdout).toMatch(/PIN tries left:\s+3/);
  });

  it("the card's APDU log holds none of the PINs, PUKs or management keys the tool sent", () => {
    const text = JSON.stringify(h.card.log).toLowerCase();
    const hexOf = (s: string) => toHex(new TextEncoder().encode(s), { lower: true });
    for (const secret of ['24681357', '97531864', '11223344', '123456', '12345678'])
      expect(text).not.toContain(hexOf(secret));
    expect(text).not.toContain(NEW_KEY);
    expect(h.card.log.filter((e) => e.direction === 'command' && e.ins === 0x20).length).toBeGreaterThan(3);
  });
});
