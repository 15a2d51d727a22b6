/**
 * The IWA packaging: a signed web bundle of app files under the key's `isolated-app://` origin, with the
 * IWA manifest, checked by the integrity-block verifier (wbn-sign's `verifySignature` over the data
 * Chrome signs); a changed byte or a foreign Web Bundle ID is refused.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Bundle } from 'wbn';
import { generateSigningKeyPem, iwaManifest, packageIwa, parseSigningKey, updateManifest } from './bundle';
import { verifySignedWebBundle } from './verify';

const text = (s: string) => new TextEncoder().encode(s);

function signedApp() {
  const files = [
    { path: 'index.html', bytes: text('<!doctype html><title>Keyward</title>') },
    { path: 'assets/app.js', bytes: text('console.log(1)') },
  ];
  return packageIwa(
    parseSigningKey(generateSigningKeyPem()),
    files,
    { name: 'Keyward', icons: [{ src: 'icons/icon-192.png', sizes: '192x192' }] },
    { version: '0.1.0', updateManifestUrl: 'https://keyward.example/iwa/update.json' },
  );
}

describe('the Isolated Web App bundle', () => {
  it('is signed for the key’s Web Bundle ID, and holds the app under isolated-app:// with the IWA manifest', async () => {
    const { id, origin, signed } = await signedApp();
    expect(origin).toBe(`isolated-app://${id}/`);
    expect(id).toMatch(/^[a-z2-7]{56}$/);

    const verified = verifySignedWebBundle(signed);
    expect(verified.webBundleId).toBe(id);
    const bundle = new Bundle(verified.webBundle);
    expect(new TextDecoder().decode(bundle.getResponse(origin).body)).toContain('<title>Keyward</title>');
    expect(bundle.getResponse(`${origin}assets/app.js`).headers['content-type']).toBe('text/javascript');
    const manifest = JSON.parse(
      new TextDecoder().decode(bundle.getResponse(`${origin}.well-known/manifest.webmanifest`).body),
    ) as Record<string, unknown>;
    expect(manifest).toMatchObject({
      icons: [{ src: '/icons/icon-192.png', sizes: '192x192' }],
      version: '0.1.0',
      update_manifest_url: 'https://keyward.example/iwa/update.json',
      permissions_policy: {
        usb: ['self'],
        'usb-unrestricted': ['self'],
        'smart-card': ['self'],
        'cross-origin-isolated': ['self'],
        'direct-sockets': ['self'],
      },
    });
  });

  it('is refused when one byte of the app changed, or when it claims another app’s ID', async () => {
    const { signed } = await signedApp();
    const tampered = signed.slice();
    tampered[tampered.length - 100]! ^= 1;
    expect(() => verifySignedWebBundle(tampered)).toThrow(/Signature cannot be verified/);

    // Another app's integrity block (same length: one Ed25519 signature) spliced onto this bundle.
    const other = await signedApp();
    const blockLength = signed.length - Number(new DataView(signed.buffer).getBigUint64(signed.length - 8));
    const mixed = new Uint8Array(signed.length);
    mixed.set(other.signed.subarray(0, blockLength));
    mixed.set(signed.subarray(blockLength), blockLength);
    expect(() => verifySignedWebBundle(mixed)).toThrow(/Signature cannot be verified/);
  });

  it('refuses keys other than Ed25519, versions Chrome cannot compare, and an update URL that is not https', () => {
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    expect(() => parseSigningKey(p256.toString())).toThrow(/Ed25519/);
    expect(() => iwaManifest({}, { version: 'v1', updateManifestUrl: 'https://x.example/u.json' })).toThrow(/dotted/);
    expect(() => iwaManifest({}, { version: '1.0', updateManifestUrl: 'http://x.example/u.json' })).toThrow(/https/);
    expect(updateManifest('1.2.0', 'https://x.example/keyward-1.2.0.swbn')).toEqual({
      versions: [{ version: '1.2.0', src: 'https://x.example/keyward-1.2.0.swbn' }],
    });
  });
});
