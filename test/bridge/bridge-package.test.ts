/**
 * The bridge as an operator gets it: `npm run bridge:build` packages it (bridge/build.ts), the folder
 * is copied away from this repository, and it runs there with plain node. The only thing it may find
 * besides its own two files is the native `smartcard` addon, which the operator's `npm install` would
 * provide (linked here from this checkout, already compiled).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ORIGIN, startBridgeRig, type BridgeRig } from './bridge-rig';

const SELECT_PIV = Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x05, 0xa0, 0x00, 0x00, 0x03, 0x08);

describe('the packaged bridge', () => {
  let dir: string;
  let rig: BridgeRig;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keyward-bridge-package-'));
    execFileSync(process.execPath, ['--import', 'tsx', 'bridge/build.ts', '--out', dir], { stdio: 'pipe' });
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(resolve('node_modules/smartcard'), join(dir, 'node_modules/smartcard'), 'dir');
    rig = await startBridgeRig('yubikey-5.7', [APP_ORIGIN], { script: join(dir, 'keyward-bridge.mjs'), cwd: dir });
  }, 120_000);
  afterAll(async () => {
    await rig?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is two files whose manifest asks only for the native addon', () => {
    expect(
      readdirSync(dir)
        .filter((f) => f !== 'node_modules')
        .sort(),
    ).toEqual(['keyward-bridge.mjs', 'package.json']);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      scripts: Record<string, string>;
    };
    expect(Object.keys(pkg.dependencies)).toEqual(['smartcard']);
    expect(pkg.scripts.start).toBe('node keyward-bridge.mjs');
  });

  it('runs outside the repository: pairs, lists the vpcd reader and reaches the card', async () => {
    const client = await rig.openPaired();
    expect((await client.listReaders()).map((r) => r.name)).toContain(rig.harness.reader);
    const card = await client.connectCard(rig.harness.reader);
    const response = await card.transmit(SELECT_PIV);
    expect(Array.from(response.slice(-2))).toEqual([0x90, 0x00]);
    await card.close();
    client.close();
    expect(rig.logs.some((r) => r.msg === 'bridge listening')).toBe(true);
  });
});
