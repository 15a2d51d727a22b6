/**
 * `npm run build:iwa`: builds the app (vite) and packages it as a signed Isolated Web App bundle in
 * `dist-iwa/`: `keyward-<version>.swbn`, the update manifest `update.json`, and `web-bundle-id.txt`.
 *
 * Settings (environment):
 * - KEYWARD_IWA_KEY_FILE: the Ed25519 private key (PEM) that signs the bundle; or KEYWARD_IWA_KEY with the
 *   PEM itself. Without either, a development key is made once under `.demo/iwa-dev-key.pem` (the demo's):
 *   never ship a bundle signed with it. The key fixes the app's origin (`isolated-app://<Web Bundle ID>/`).
 * - KEYWARD_IWA_BASE_URL: the https folder where `update.json` and the bundle will be hosted
 *   (default https://keyward.invalid/iwa/, which only a test install accepts).
 * - KEYWARD_IWA_CONFIG: the deployment's keyward.config.json to put in the bundle (an IWA cannot fetch
 *   it from a web server beside it); without it the app asks for its settings as on a fresh site.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'vite';
import { generateSigningKeyPem, packageIwa, parseSigningKey, updateManifest, type AppFile } from './iwa/bundle';
import { verifySignedWebBundle } from './iwa/verify';

const OUT = 'dist-iwa';
const APP_DIR = '.iwa-build';
const DEV_KEY = '.demo/iwa-dev-key.pem';

function signingKeyPem(): string {
  if (process.env.KEYWARD_IWA_KEY) return process.env.KEYWARD_IWA_KEY;
  if (process.env.KEYWARD_IWA_KEY_FILE) return readFileSync(process.env.KEYWARD_IWA_KEY_FILE, 'utf8');
  if (!existsSync(DEV_KEY)) {
    mkdirSync('.demo', { recursive: true });
    writeFileSync(DEV_KEY, generateSigningKeyPem(), { mode: 0o600 });
  }
  process.stdout.write(`Signing with the development key ${DEV_KEY}: for the demo and tests only.\n`);
  return readFileSync(DEV_KEY, 'utf8');
}

function filesUnder(dir: string): AppFile[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((p) => statSync(join(dir, p)).isFile() && !p.endsWith('.map'))
    .map((p) => ({ path: relative(dir, join(dir, p)).split('\\').join('/'), bytes: readFileSync(join(dir, p)) }));
}

async function main(): Promise<void> {
  const key = parseSigningKey(signingKeyPem());
  const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
  const base = (process.env.KEYWARD_IWA_BASE_URL ?? 'https://keyward.invalid/iwa/').replace(/\/?$/, '/');

  await build({ logLevel: 'warn', build: { outDir: APP_DIR, emptyOutDir: true } });
  const pwa = JSON.parse(readFileSync(join(APP_DIR, 'manifest.webmanifest'), 'utf8')) as Record<string, unknown>;
  const files = filesUnder(APP_DIR);
  if (process.env.KEYWARD_IWA_CONFIG)
    files.push({ path: 'keyward.config.json', bytes: readFileSync(process.env.KEYWARD_IWA_CONFIG) });

  const { id, origin, signed, fileCount } = await packageIwa(key, files, pwa, {
    version,
    updateManifestUrl: `${base}update.json`,
  });
  verifySignedWebBundle(signed);
  const name = `keyward-${version}.swbn`;
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, name), signed);
  writeFileSync(join(OUT, 'update.json'), JSON.stringify(updateManifest(version, base + name), null, 2) + '\n');
  writeFileSync(join(OUT, 'web-bundle-id.txt'), id + '\n');
  process.stdout.write(`${OUT}/${name}: ${fileCount} files, origin ${origin}, version ${version}\n`);
}

await main();
