/**
 * The Permissions API's verdict on Local Network Access, for the bridge's loopback socket: a refused or
 * missing bridge looks the same to the socket (it closes before opening), so only this tells a denied
 * permission (the operator can fix it in site settings) from a bridge that is not there.
 */
import { AppError } from '../app-error';

/**
 * The permission names Chrome has used for loopback access from a page: `loopback-network` since the
 * Local Network Access split (Chrome 142), `local-network-access` before it.
 */
const LOOPBACK_PERMISSIONS = ['loopback-network', 'local-network-access'] as const;

/** The browser's Local Network Access verdict for loopback, or null where the API does not know the permission. */
export async function loopbackPermission(
  permissions: Pick<Permissions, 'query'> | undefined = globalThis.navigator?.permissions,
): Promise<PermissionState | null> {
  for (const name of LOOPBACK_PERMISSIONS) {
    try {
      return (await permissions!.query({ name } as unknown as PermissionDescriptor)).state;
    } catch {
      // Unknown to this browser (or no Permissions API): try the older name, then give up.
    }
  }
  return null;
}

/** Why the socket to `url` failed, in the terms the operator can act on. */
export async function unreachable(
  url: string,
  permissions: Pick<Permissions, 'query'> | undefined,
  cause?: unknown,
): Promise<AppError> {
  if ((await loopbackPermission(permissions)) === 'denied') {
    return new AppError(
      'transport',
      'LOCAL_NETWORK_DENIED',
      `The browser's Local Network Access permission is denied for this site, so it cannot reach the bridge at ${url}.`,
      { url },
      { cause },
    );
  }
  return new AppError(
    'transport',
    'BRIDGE_UNREACHABLE',
    `No Keyward bridge answered at ${url}: it is not running, this origin is not allowed, or the browser blocked local network access.`,
    { url },
    { cause },
  );
}
