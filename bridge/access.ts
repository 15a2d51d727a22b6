/**
 * Who may reach the bridge at all: the exact origin allowlist and the Host check against DNS rebinding.
 * What a connection may then do depends on its proving the origin's pairing key (pairings.ts,
 * session-trust.ts): the Origin header alone is only a browser's word, and any local program can send one.
 *
 * Why each rule exists:
 * - A WebSocket is not subject to CORS, so any page the operator visits could open ws://127.0.0.1; the
 *   browser-set `Origin` header is the only thing telling pages apart. No Origin, no connection.
 * - A rebinding attack points an attacker's host name at 127.0.0.1; its requests then carry
 *   `Host: evil.example:port`. Only loopback host names are accepted.
 * - An allowed origin may still serve injected script (or be a shared hosting origin), so the first use
 *   from each origin needs the operator to type a code only they can see. Pairings are remembered in a
 *   small JSON file and can be revoked (`--revoke <origin>`).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The per-user config file holding paired origins, following each OS's convention. */
export function defaultPairingFile(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  const base =
    platform === 'win32'
      ? (env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'))
      : platform === 'darwin'
        ? join(homedir(), 'Library', 'Application Support')
        : (env.XDG_CONFIG_HOME ?? join(homedir(), '.config'));
  return join(base, 'keyward-bridge', 'pairings.json');
}

/** Parses an origin list ("https://a.example, http://localhost:8080"); each must be a bare origin. */
export function parseOrigins(list: string): string[] {
  return list
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((o) => {
      const url = new URL(o);
      if (url.origin !== o.replace(/\/$/, '')) throw new Error(`"${o}" is not a bare origin (scheme://host[:port])`);
      return url.origin;
    });
}

/** Why a WebSocket upgrade is refused, or null when it may proceed. */
export function refuseUpgrade(
  headers: { origin?: string | undefined; host?: string | undefined },
  allowed: readonly string[],
  port: number,
): string | null {
  const loopbackHosts = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  if (!headers.host || !loopbackHosts.includes(headers.host.toLowerCase()))
    return 'Host is not a loopback name (DNS rebinding?)';
  if (!headers.origin) return 'no Origin header';
  if (!allowed.includes(headers.origin)) return 'origin not allowed';
  return null;
}
