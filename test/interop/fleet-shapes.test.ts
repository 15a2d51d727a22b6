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

describe('yubico-piv-tool on the fleet shapes', () => {
  it('YubiKey 4: version 4.3.7, a 3DES management key changed, a P-384 key generated with it', async () => {
    h = await startPcscHarness('yubikey-4');
    expect(expectOk(await piv('-a', 'status')).stdout).toMatch(/Version:\s+4\.3\.7/);
    expectOk(await piv('-a', 'set-mgm-key', `--key=${DEFAULT_KEY}`, '-n', NEW_KEY));
    expect((await piv('-a', 'generate', '-s', '9a', '-A', 'ECCP384', `--key=${DEFAULT_KEY}`)).code).not.toBe(0);
    expectOk(await piv('-a', 'generate', '-s', '9a', '-A', 'ECCP384', `--key=${NEW_KEY}`, '-o', '9a.pub'));
  }, 300_000);

  it('the foreign applet: reports 5.7.0, takes 3DES, refuses RSA-1024 (which it does not list)', async () => {
    h = await startPcscHarness('piv-partial');
    expect(expectOk(await piv('-a', 'status')).stdout).toMatch(/Version:\s+5\.7\.0/);
    expectOk(await piv('-a', 'set-mgm-key', `--key=${DEFAULT_KEY}`, '-n', NEW_KEY));
    expect((await piv('-a', 'generate', '-s', '9a', '-A', 'RSA1024', `--key=${NEW_KEY}`)).code).not.toBe(0);
    expectOk(await piv('-a', 'generate', '-s', '9a', '-A', 'ECCP256', `--key=${NEW_KEY}`, '-o', '9a.pub'));
  }, 300_000);
});
