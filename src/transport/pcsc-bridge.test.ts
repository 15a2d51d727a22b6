import { describe, expect, it } from 'vitest';
import { loopbackPermission, PcscBridgeClient, type WebSocketLike } from './pcsc-bridge';

type Listener = (event: { data?: unknown; code?: number }) => void;

/** A socket at the outside boundary: it closes at once (nothing listening, or the browser refused), or says `greeting`. */
function fakeSocket(behaviour: { greeting?: string }): () => WebSocketLike {
  return () => {
    const listeners: Record<string, Listener[]> = {};
    const emit = (type: string, event: { data?: unknown; code?: number }) => listeners[type]?.forEach((l) => l(event));
    const ws: WebSocketLike = {
      readyState: 1,
      send: () => undefined,
      close: () => emit('close', { code: 1000 }),
      addEventListener: (type, l) => void (listeners[type] ??= []).push(l),
    };
    setTimeout(
      () =>
        behaviour.greeting === undefined
          ? emit('close', { code: 1006 })
          : emit('message', { data: behaviour.greeting }),
      0,
    );
    return ws;
  };
}

/** A Permissions API that knows only `known` names, each with its state. */
function permissionsKnowing(known: Record<string, PermissionState>): Pick<Permissions, 'query'> {
  return {
    query: (d: PermissionDescriptor) => {
      const state = known[d.name];
      return state
        ? Promise.resolve({ state } as PermissionStatus)
        : Promise.reject(new TypeError(`'${d.name}' is not a valid enum value`));
    },
  };
}

const connect = (greeting: string | undefined, permissions?: Pick<Permissions, 'query'>) =>
  PcscBridgeClient.connect({
    url: 'ws://127.0.0.1:35990',
    open: fakeSocket({ greeting }),
    permissions,
    connectTimeoutMs: 1000,
    keys: { read: async () => undefined, write: async () => undefined },
    origin: 'https://keyward.example',
  });

describe('connecting to the local PC/SC bridge', () => {
  it('names a denied Local Network Access permission instead of "not running"', async () => {
    await expect(connect(undefined, permissionsKnowing({ 'loopback-network': 'denied' }))).rejects.toMatchObject({
      layer: 'transport',
      code: 'LOCAL_NETWORK_DENIED',
    });
  });

  it('asks under the older permission name where the browser does not know loopback-network', async () => {
    expect(await loopbackPermission(permissionsKnowing({ 'local-network-access': 'denied' }))).toBe('denied');
    await expect(connect(undefined, permissionsKnowing({ 'local-network-access': 'denied' }))).rejects.toMatchObject({
      code: 'LOCAL_NETWORK_DENIED',
    });
  });

  it('says the bridge is unreachable when the permission is granted, still to be asked, or unknown', async () => {
    for (const permissions of [
      permissionsKnowing({ 'loopback-network': 'granted' }),
      permissionsKnowing({ 'loopback-network': 'prompt' }),
      permissionsKnowing({}),
    ]) {
      await expect(connect(undefined, permissions)).rejects.toMatchObject({
        code: 'BRIDGE_UNREACHABLE',
        fields: { url: 'ws://127.0.0.1:35990' },
      });
    }
    expect(await loopbackPermission(permissionsKnowing({}))).toBeNull();
  });

  it('refuses a greeting that is not the bridge protocol, and a bridge of another version', async () => {
    await expect(connect('HTTP/1.1 400 Bad Request')).rejects.toMatchObject({ code: 'NOT_A_BRIDGE' });
    await expect(connect('{"v":1,"id":3,"ok":true,"result":{}}')).rejects.toMatchObject({ code: 'NOT_A_BRIDGE' });
    await expect(connect('{"v":1,"event":"hello","paired":true,"version":1}')).rejects.toMatchObject({
      code: 'BRIDGE_VERSION',
      fields: { version: 1 },
    });
    await expect(connect('{"v":2,"event":"hello","version":2}')).rejects.toMatchObject({ code: 'NOT_A_BRIDGE' });
  });

  it('does not take the hello for a pairing: without a key of its own the page is unpaired and sends nothing', async () => {
    const client = await connect(`{"v":2,"event":"hello","paired":true,"version":2,"nonce":"${'00'.repeat(32)}"}`);
    expect(client.paired).toBe(false);
    await expect(client.listReaders()).rejects.toMatchObject({ code: 'NOT_PAIRED' });
  });
});
