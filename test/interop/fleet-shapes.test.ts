/**
 * yubico-piv-tool 2.2.0 (Debian) through pcscd + vpcd against the older and foreign card shapes of the
 * virtual card (issue 16): a YubiKey 4 (3DES only, no metadata) and another vendor's applet that reports
 * 5.7.0 and serial 0, takes 3DES only and lists no RSA-1024. A real PC/SC client must see them as the
 * simulator claims, so the profiles the lifecycle tests run against stay honest.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startPcscHarness, type PcscHarness } from '../../scripts/vpcd-harness';
import { expectOk } from './interop-support';

const DEFAULT_KEY = '010203040506070801020304050607080102030405060708';
const NEW_KEY = '8a98f110d3497b022100b774df0ef99b53ef4b8e3b918604';

let h: PcscHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const piv = (...args: string[]) => h!.run('yubico-piv-tool', ['-r', h!.reader, ...args]);

/**
 * Each shape: its version, a key generation it must refuse (the old 3DES key after the change, or an
 * algorithm the applet does not list) and one it must accept with the new key.
 */
const SHAPES = [
  {
    name: 'YubiKey 4: version 4.3.7, a 3DES management key changed, a P-384 key generated with it',
    profile: 'yubikey-4',
    version: /Version:\s+4\.3\.7/,
    refused: { algorithm: 'ECCP384', key: DEFAULT_KEY },
    generated: 'ECCP384',
  },
  {
    name: 'the foreign applet: reports 5.7.0, takes 3DES, refuses RSA-1024 (which it does not list)',
    profile: 'piv-partial',
    version: /Version:\s+5\.7\.0/,
    refused: { algorithm: 'RSA1024', key: NEW_KEY },
    generated: 'ECCP256',
  },
] as const;

describe('yubico-piv-tool on the fleet shapes', () => {
  for (const { name, profile, version, refused, generated } of SHAPES) {
    it(
      name,
      async () => {
        h = await startPcscHarness(profile);
        expect(expectOk(await piv('-a', 'status')).stdout).toMatch(version);
        expectOk(await piv('-a', 'set-mgm-key', `--key=${DEFAULT_KEY}`, '-n', NEW_KEY));
        const refusal = await piv('-a', 'generate', '-s', '9a', '-A', refused.algorithm, `--key=${refused.key}`);
        expect(refusal.code).not.toBe(0);
        expectOk(await piv('-a', 'generate', '-s', '9a', '-A', generated, `--key=${NEW_KEY}`, '-o', '9a.pub'));
      },
      300_000,
    );
  }
});
