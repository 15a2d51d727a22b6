/**
 * The Isolated Web App packaging of the built app: a Web Bundle (`wbn`, format b2) of every file under
 * `isolated-app://<Web Bundle ID>/`, with the IWA manifest at `/.well-known/manifest.webmanifest`, signed
 * with an integrity block (`wbn-sign`, Ed25519), and the update manifest that points at it.
 *
 * References: the IWA explainer (WICG isolated-web-apps: "Signed Web Bundle" integrity block, the Web
 * Bundle ID derived from the signing key, `update_manifest_url`, `permissions_policy`) and the Web Bundles
 * draft (draft-ietf-wpack-bundled-responses).
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { BundleBuilder } from 'wbn';
import { IntegrityBlockSigner, NodeCryptoSigningStrategy, WebBundleId } from 'wbn-sign';

/** A file of the built app, by its path under the origin ("index.html", "assets/x.js"). */
export interface AppFile {
  readonly path: string;
  readonly bytes: Uint8Array;
}

/** What goes into the IWA manifest besides the PWA manifest's own fields. */
export interface IwaManifestOptions {
  /** The app's version (dotted numbers), compared by Chrome to the update manifest's. */
  readonly version: string;
  /** Where Chrome looks for updates (an https URL serving the update manifest). */
  readonly updateManifestUrl: string;
}

/**
 * The powerful features the app asks for (IWA `permissions_policy`): WebUSB beyond the protected classes
 * and the blocklist (`usb-unrestricted`), the Web Smart Card API (`smart-card`), cross-origin isolation, and
 * Direct Sockets (`direct-sockets`) for the loopback listener of the sign-in (src/entra/loopback-token-source.ts).
 */
export const IWA_PERMISSIONS_POLICY = {
  'cross-origin-isolated': ['self'],
  usb: ['self'],
  'usb-unrestricted': ['self'],
  'smart-card': ['self'],
  'direct-sockets': ['self'],
} as const;

/** The IWA manifest: the PWA manifest of the build with the IWA's own fields. */
export function iwaManifest(
  pwaManifest: Record<string, unknown>,
  options: IwaManifestOptions,
): Record<string, unknown> {
  if (!/^\d+(\.\d+)*$/.test(options.version))
    throw new Error(`IWA version must be dotted numbers, not ${options.version}`);
  if (!options.updateManifestUrl.startsWith('https://'))
    throw new Error('The update manifest URL must be https (Chrome fetches updates only over https).');
  // The manifest moves to /.well-known/, so icon paths relative to it would point there: make them absolute.
  const icons = Array.isArray(pwaManifest.icons)
    ? (pwaManifest.icons as { src: string }[]).map((i) => ({
        ...i,
        src: new URL(i.src, 'https://app.invalid/').pathname,
      }))
    : undefined;
  return {
    ...pwaManifest,
    ...(icons ? { icons } : {}),
    id: '/',
    start_url: '/',
    scope: '/',
    version: options.version,
    update_manifest_url: options.updateManifestUrl,
    permissions_policy: IWA_PERMISSIONS_POLICY,
  };
}

/** The update manifest Chrome reads at `update_manifest_url`: the versions and where each bundle is. */
export function updateManifest(version: string, bundleUrl: string): { versions: { version: string; src: string }[] } {
  return { versions: [{ version, src: bundleUrl }] };
}

const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript',
  css: 'text/css',
  json: 'application/json',
  webmanifest: 'application/manifest+json',
  png: 'image/png',
  svg: 'image/svg+xml',
  map: 'application/json',
  txt: 'text/plain; charset=utf-8',
};

function contentType(path: string): string {
  return TYPES[path.slice(path.lastIndexOf('.') + 1).toLowerCase()] ?? 'application/octet-stream';
}

/** An unsigned Web Bundle of `files` under `origin` (ending in "/"); `index.html` also answers the root. */
export function buildWebBundle(origin: string, files: readonly AppFile[]): Uint8Array {
  const builder = new BundleBuilder('b2');
  for (const file of files) {
    builder.addExchange(origin + file.path, 200, { 'Content-Type': contentType(file.path) }, file.bytes);
    if (file.path === 'index.html') builder.addExchange(origin, 200, { 'Content-Type': TYPES.html! }, file.bytes);
  }
  return builder.createBundle();
}

/** The Web Bundle ID of `key` and the IWA origin it gives (`isolated-app://<id>/`). */
export function bundleIdentity(key: KeyObject): { id: string; origin: string } {
  const id = new WebBundleId(key);
  return { id: id.serialize(), origin: id.serializeWithIsolatedWebAppOrigin() };
}

/** Wraps `webBundle` in an integrity block signed with the Ed25519 `key`. */
export async function signWebBundle(webBundle: Uint8Array, key: KeyObject): Promise<Uint8Array> {
  const signer = new IntegrityBlockSigner(webBundle, bundleIdentity(key).id, [new NodeCryptoSigningStrategy(key)]);
  return (await signer.sign()).signedWebBundle;
}

/** Where the IWA manifest lives in the bundle (Chrome reads it there, not from the page's manifest link). */
const IWA_MANIFEST_PATH = '.well-known/manifest.webmanifest';

/**
 * The signed Isolated Web App of the built `files`: the IWA manifest made from the build's `pwaManifest`
 * added at IWA_MANIFEST_PATH, all bundled under the origin of `key` and signed with it. `fileCount`
 * counts the manifest too.
 */
export async function packageIwa(
  key: KeyObject,
  files: readonly AppFile[],
  pwaManifest: Record<string, unknown>,
  options: IwaManifestOptions,
): Promise<{ id: string; origin: string; signed: Uint8Array; fileCount: number }> {
  const { id, origin } = bundleIdentity(key);
  const manifest = iwaManifest(pwaManifest, options);
  const all = [...files, { path: IWA_MANIFEST_PATH, bytes: new TextEncoder().encode(JSON.stringify(manifest)) }];
  return { id, origin, signed: await signWebBundle(buildWebBundle(origin, all), key), fileCount: all.length };
}

/** Reads a PEM private key; only Ed25519 is accepted (the key type Keyward documents). */
export function parseSigningKey(pem: string): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('The IWA signing key must be an Ed25519 private key (PEM).');
  return key;
}

/** A new Ed25519 private key as PKCS#8 PEM (for the demo's development key). */
export function generateSigningKeyPem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}
