/**
 * The bridge's failure paths through the real stack (bridge process → `smartcard` addon → pcscd): the
 * PC/SC service missing at start, stopping and coming back; a service without readers; an unknown reader;
 * and the per-connection rate limit, whose excess must never reach the card. Each uses a private pcscd
 * (see `privatePcscd`), so stopping it disturbs neither the machine's service nor the shared harness.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/bytes';
import { connectVpcd, type VpcdClient } from '../../src/simulator/vpcd-client';
import { VPCD_READER } from '../../scripts/vpcd-harness';
import type { PcscBridgeClient } from '../../src/transport/pcsc-bridge';
import { createVirtualPivCard } from '../../src/simulator/piv-card/virtual-piv-card';
import { freePortPair } from '../support/free-port';
import { startBridgeProcess, until, type BridgeProcess } from './bridge-rig';
import { privatePcscd, type PrivatePcscd } from './private-pcscd';

const SELECT_PIV = Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x05, 0xa0, 0x00, 0x00, 0x03, 0x08);
/** VERIFY PIN 123456, padded with FF to 8 bytes (SP 800-73-4 Part 2 §3.2.1): a secret the log must not hold. */
const VERIFY_PIN = Uint8Array.of(0x00, 0x20, 0x00, 0x80, 0x08, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0xff, 0xff);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const serviceDown = {
  layer: 'transport',
  code: 'SERVICE_NOT_RUNNING',
  message: expect.stringContaining('sudo systemctl start pcscd'),
};

describe('the bridge while the PC/SC service is missing, stops and comes back', () => {
  let pcscd: PrivatePcscd;
  let bridge: BridgeProcess;
  beforeAll(async () => {
    pcscd = privatePcscd();
    bridge = await startBridgeProcess(undefined, { env: { PCSCLITE_CSOCK_NAME: pcscd.socket } });
  }, 60_000);
  afterAll(async () => {
    await bridge?.stop();
    await pcscd?.dispose();
  });

  it('starts without pcscd, warns on its console, and answers SERVICE_NOT_RUNNING with what to do', async () => {
    expect(bridge.console()).toContain('keyward-bridge: warning: The PC/SC service is not running');
    const client = await bridge.openPaired();
    await expect(client.listReaders()).rejects.toMatchObject(serviceDown);
    await expect(client.connectCard(VPCD_READER)).rejects.toMatchObject(serviceDown);
    await sleep(600); // several presence polls against the missing service
    expect(bridge.bridge.exitCode).toBeNull();
    await expect(client.listReaders()).rejects.toMatchObject(serviceDown); // the same connection still answers
    client.close();
    const failures = bridge.logs.filter((r) => r.msg === 'bridge request failed');
    expect(failures.map((r) => [r.op, r.code])).toEqual([
      ['list', 'SERVICE_NOT_RUNNING'],
      ['connect', 'SERVICE_NOT_RUNNING'],
      ['list', 'SERVICE_NOT_RUNNING'],
    ]);
  });

  it('recovers once pcscd starts: no readers is an empty list, and connecting says to plug one in', async () => {
    await pcscd.start();
    const client = await bridge.openPaired();
    expect(await client.listReaders()).toEqual([]);
    await expect(client.connectCard('Acme Reader 00 00')).rejects.toMatchObject({
      code: 'NO_READER',
      message: expect.stringContaining('Plug one in'),
    });
    client.close();
  });

  it('says SERVICE_NOT_RUNNING when pcscd stops under an open connection, and serves it again after a restart', async () => {
    const client = await bridge.openPaired();
    expect(await client.listReaders()).toEqual([]);
    await pcscd.stop();
    await expect(client.listReaders()).rejects.toMatchObject(serviceDown);
    await pcscd.start();
    expect(await client.listReaders()).toEqual([]); // the next list, on the same connection, works
    expect(bridge.bridge.exitCode).toBeNull();
    client.close();
  });

  it('serves the first list after a pcscd restart that no request saw', async () => {
    // With no connection open the bridge does not poll, so it still holds the context of the pcscd that
    // is about to go; that context stays dead after the restart and must be replaced, not reported.
    await sleep(300); // the previous test's connection has closed
    await pcscd.stop();
    await pcscd.start();
    const client = await bridge.openPaired();
    expect(await client.listReaders()).toEqual([]);
    client.close();
  });
});

describe('the bridge with a card behind a private pcscd, at 5 requests per second', () => {
  const RATE = 5;
  const card = createVirtualPivCard({ profile: 'piv-generic' });
  const commands = () => card.log.filter((e) => e.direction === 'command').length;
  let pcscd: PrivatePcscd;
  let vpcd: VpcdClient;
  let bridge: BridgeProcess;
  let client: PcscBridgeClient;
  let selectResponse: Uint8Array = new Uint8Array(0);
  /** Whether pcscd shows the card, polled slower than the rate limit. */
  const cardPresent = async () => {
    await sleep(300);
    return (await client.listReaders()).some((r) => r.name === VPCD_READER && r.present);
  };
  beforeAll(async () => {
    const port = await freePortPair();
    pcscd = privatePcscd({ vpcdPort: port });
    await pcscd.start();
    vpcd = connectVpcd({ port, card, backoff: { initialMs: 50, maxMs: 500 } });
    await vpcd.firstConnection;
    bridge = await startBridgeProcess(undefined, {
      args: ['--rate-limit', String(RATE)],
      env: { PCSCLITE_CSOCK_NAME: pcscd.socket },
    });
    client = await bridge.openPaired();
    await until(cardPresent, 20_000);
  }, 60_000);
  afterAll(async () => {
    client?.close();
    await bridge?.stop();
    await vpcd?.stop();
    await pcscd?.dispose();
  });

  it('names the readers that do exist when asked for one that does not', async () => {
    await sleep(300);
    const refused = client.connectCard('Acme Reader 00 00');
    await expect(refused).rejects.toMatchObject({
      code: 'UNKNOWN_READER',
      message: expect.stringContaining(`"${VPCD_READER}"`),
    });
  });

  it('answers RATE_LIMITED to the excess of a burst without transmitting it, and serves again once refilled', async () => {
    await sleep(300);
    const handle = await client.connectCard(VPCD_READER);
    await sleep(1100); // the bucket is full again: RATE requests may pass
    const before = commands();
    const burst = await Promise.allSettled(Array.from({ length: 4 * RATE }, () => handle.transmit(SELECT_PIV)));
    const responses = burst.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const served = responses.length;
    selectResponse = responses[0]!;
    const refused = burst.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(served).toBeGreaterThanOrEqual(RATE - 1); // the connect a second ago may not be fully refilled
    expect(served).toBeLessThanOrEqual(RATE + 1); // a frame arriving a little late may find one token more
    expect(refused).toHaveLength(4 * RATE - served);
    for (const e of refused)
      expect(e).toMatchObject({
        layer: 'transport',
        code: 'RATE_LIMITED',
        message: expect.stringContaining(`${RATE} per second`),
      });
    expect(commands() - before).toBe(served); // nothing refused reached the card
    expect(bridge.logs.filter((r) => r.msg === 'bridge rate limit hit')).toHaveLength(1); // one line per flood

    await sleep(1100);
    const response = await handle.transmit(VERIFY_PIN);
    expect(toHex(response.slice(-2))).toBe('9000');
    expect(commands() - before).toBe(served + 1);
    await handle.close();
  });

  it('says SERVICE_NOT_RUNNING when pcscd stops under a connected card, then the page connects again', async () => {
    await sleep(1100);
    const handle = await client.connectCard(VPCD_READER);
    await pcscd.stop();
    const before = commands();
    await expect(handle.transmit(SELECT_PIV)).rejects.toMatchObject(serviceDown);
    await sleep(300);
    // PC/SC handles die with pcscd, so the bridge forgot this one rather than answering the same error forever.
    await expect(handle.transmit(SELECT_PIV)).rejects.toMatchObject({ code: 'UNKNOWN_HANDLE' });
    expect(commands()).toBe(before);
    await pcscd.start(); // vpcd reconnects the card by itself (its backoff is at most 0.5 s)
    await until(cardPresent, 20_000);
    await sleep(300);
    const again = await client.connectCard(VPCD_READER);
    await sleep(300);
    expect(toHex((await again.transmit(SELECT_PIV)).slice(-2))).toBe('9000');
    expect(commands()).toBe(before + 1);
    expect(bridge.bridge.exitCode).toBeNull();
    await again.close();
  });

  it('never logged an APDU or response payload on any of these paths', () => {
    expect(bridge.logs.some((r) => r.msg === 'apdu' && r.commandLength === VERIFY_PIN.length)).toBe(true);
    const logText = JSON.stringify(bridge.logs).toUpperCase();
    expect(logText).not.toContain(toHex(SELECT_PIV.slice(5)));
    expect(logText).not.toContain(toHex(VERIFY_PIN.slice(5, 11)));
    expect(selectResponse.length).toBeGreaterThan(2);
    expect(logText).not.toContain(toHex(selectResponse.slice(0, -2)));
  });
});
