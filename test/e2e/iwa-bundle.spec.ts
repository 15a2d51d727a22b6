/**
 * `npm run build:iwa` on the real app: the Vite build packaged as a signed Isolated Web App bundle with
 * an operator's own key, deployment file and hosting folder, then checked the way Chrome checks it
 * before installing (scripts/iwa/verify.ts) and opened: every file of the build is in it under the
 * key's `isolated-app://` origin, with the IWA manifest and the update manifest pointing at the host.
 */
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Bundle } from 'wbn';
import { bundleIdentity, generateSigningKeyPem, parseSigningKey } from '../../scripts/iwa/bundle';
import { verifySignedWebBundle } from '../../scripts/iwa/verify';

const BASE = 'https://apps.contoso.example/keyward/iwa/';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((p) => statSync(join(dir, p)).isFile() && !p.endsWith('.map'))
    .map((p) => relative(dir, join(dir, p)).split('\\').join('/'));
}

test('npm run build:iwa signs the real build with the deployment’s key, settings and update host', async () => {
  test.setTimeout(300_000);
  const scratch = mkdtempSync(join(tmpdir(), 'keyward-iwa-'));
  try {
    const pem = generateSigningKeyPem();
    writeFileSync(join(scratch, 'key.pem'), pem, { mode: 0o600 });
    const config = { clientId: '11111111-2222-3333-4444-555555555555', tenantId: 'contoso.example' };
    writeFileSync(join(scratch, 'keyward.config.json'), JSON.stringify(config));
    const printed = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build-iwa.ts'], {
      encoding: 'utf8',
      env: {
        ...process.env,
        KEYWARD_IWA_KEY_FILE: join(scratch, 'key.pem'),
        KEYWARD_IWA_CONFIG: join(scratch, 'keyward.config.json'),
        KEYWARD_IWA_BASE_URL: BASE,
      },
    });
    // The operator's key, not the development one, fixes the app's origin.
    expect(printed).not.toContain('development key');
    const { id, origin } = bundleIdentity(parseSigningKey(pem));
    expect(readFileSync('dist-iwa/web-bundle-id.txt', 'utf8').trim()).toBe(id);

    const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
    const name = `keyward-${version}.swbn`;
    expect(JSON.parse(readFileSync('dist-iwa/update.json', 'utf8'))).toEqual({
      versions: [{ version, src: `${BASE}${name}` }],
    });

    const verified = verifySignedWebBundle(readFileSync(join('dist-iwa', name)));
    expect(verified.webBundleId).toBe(id);
    const bundle = new Bundle(verified.webBundle);
    const body = (path: string) => new TextDecoder().decode(bundle.getResponse(`${origin}${path}`).body);
    // Every file Vite built is in the bundle; index.html also answers the origin itself.
    for (const path of filesUnder('.iwa-build')) expect(bundle.urls, path).toContain(`${origin}${path}`);
    expect(body('')).toContain('<title>Keyward</title>');
    expect(JSON.parse(body('keyward.config.json'))).toEqual(config);
    expect(JSON.parse(body('.well-known/manifest.webmanifest'))).toMatchObject({
      version,
      update_manifest_url: `${BASE}update.json`,
      permissions_policy: { 'smart-card': ['self'], 'usb-unrestricted': ['self'], 'direct-sockets': ['self'] },
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
