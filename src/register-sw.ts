/**
 * Registers the service worker. `navigator.serviceWorker.register()` is a Trusted Types sink, so the URL
 * goes through a policy that allows exactly our worker (the CSP names the policy `keyward-sw`).
 */
const SW_URL = '/sw.js';

interface TrustedTypePolicyLike {
  createScriptURL(url: string): unknown;
}
interface TrustedTypesLike {
  createPolicy(name: string, rules: { createScriptURL(url: string): string }): TrustedTypePolicyLike;
}

let policy: TrustedTypePolicyLike | undefined;

function trustedWorkerUrl(): string {
  const tt = (globalThis as { trustedTypes?: TrustedTypesLike }).trustedTypes;
  if (!tt) return SW_URL;
  policy ??= tt.createPolicy('keyward-sw', {
    createScriptURL(url) {
      if (url !== SW_URL) throw new TypeError(`Refusing to register ${url} as a service worker.`);
      return url;
    },
  });
  return policy.createScriptURL(SW_URL) as string;
}

/** Registers /sw.js when the browser supports service workers (production builds only). */
export async function registerServiceWorker(): Promise<void> {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  try {
    await navigator.serviceWorker.register(trustedWorkerUrl(), { scope: '/', type: 'module' });
  } catch {
    // Offline use needs the worker, but the app works without it; nothing to tell the operator here.
  }
}
