/**
 * Whether this browser reconnects to the local PC/SC bridge when Keyward opens. Set once the operator has
 * paired with the bridge, cleared when they disconnect from it. A plain flag in localStorage: it belongs
 * to this laptop (where the bridge runs), not to the configuration an administrator backs up, and holds
 * nothing secret.
 */
const KEY = 'keyward.pcscBridge.autoConnect';

/** True when the operator last left the bridge connected and paired. */
export function bridgeAutoConnect(): boolean {
  try {
    return globalThis.localStorage?.getItem(KEY) === '1';
  } catch {
    return false; // storage disabled by policy: the operator connects by hand
  }
}

/** Remembers (or forgets) to reconnect at start. */
export function setBridgeAutoConnect(on: boolean): void {
  try {
    if (on) globalThis.localStorage?.setItem(KEY, '1');
    else globalThis.localStorage?.removeItem(KEY);
  } catch {
    // storage disabled by policy: nothing to remember
  }
}
