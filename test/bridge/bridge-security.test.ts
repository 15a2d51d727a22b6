/**
 * The bridge refuses, through the real path (bridge process → pcscd → vpcd → virtual card), every way a
 * page or local program could reach a card it should not; and in each case the card received nothing.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/bytes';
import { PAIRING_MAX_ATTEMPTS } from '../../bridge/pairings';
import { BRIDGE_MAX_FRAME_BYTES } from '../../src/transport/pcsc-bridge-protocol';
import {
  APP_ORIGIN,
  OTHER_ORIGIN,
  openWs,
  startBridgeProcess,
  startBridgeRig,
  until,
  type BridgeRig,
} from './bridge-rig';

const SELECT_PIV = Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x05, 0xa0, 0x00, 0x00, 0x03, 0x08);
const sw = (r: Uint8Array) => toHex(r.slice(-2), { lower: true });

describe('bridge security', () => {
  let rig: BridgeRig;
  let before = 0;
  beforeAll(async () => {
    rig = await startBridgeRig('yubikey-5.4');
  }, 300_000);
  afterAll(() => rig?.stop());
  const nothingTransmitted = () => expect(rig.commandCount()).toBe(before);

  it('refuses a page origin that is not on the allowlist', async () => {
    before = rig.commandCount();
    await expect(rig.open('https://evil.example')).rejects.toMatchObject({ code: 'BRIDGE_UNREACHABLE' });
    nothingTransmitted();
    await until(() => rig.logs.some((r) => r.msg === 'bridge connection refused' && r.reason === 'origin not allowed'));
  });

  it('refuses a connection without an Origin header', async () => {
    await expect(rig.open(null)).rejects.toMatchObject({ code: 'BRIDGE_UNREACHABLE' });
    nothingTransmitted();
    await until(() => rig.logs.some((r) => r.reason === 'no Origin header'));
  });

  it('refuses a rebinding Host even with an allowed origin', async () => {
    const port = new URL(rig.url).port;
    await expect(rig.open(APP_ORIGIN, { Host: `rebind.evil.example:${port}` })).rejects.toMatchObject({
      code: 'BRIDGE_UNREACHABLE',
    });
    nothingTransmitted();
    await until(() => rig.logs.some((r) => r.reason === 'Host is not a loopback name (DNS rebinding?)'));
  });

  it('serves nothing but pairing to an unpaired origin', async () => {
    const client = await rig.open(APP_ORIGIN);
    expect(client.paired).toBe(false);
    await expect(client.listReaders()).rejects.toMatchObject({ code: 'NOT_PAIRED' });
    await expect(client.connectCard(rig.harness.reader)).rejects.toMatchObject({ code: 'NOT_PAIRED' });
    await expect(client.request('transmit', { handle: 1, apdu: '00A4040005A000000308' })).rejects.toMatchObject({
      code: 'NOT_PAIRED',
    });
    nothingTransmitted();
    client.close();
  });

  it(`locks pairing out after ${PAIRING_MAX_ATTEMPTS} wrong codes, even for the right code afterwards`, async () => {
    const client = await rig.open(OTHER_ORIGIN);
    await until(() => rig.codes.some((c) => c.origin === OTHER_ORIGIN));
    const printed = rig.codes.find((c) => c.origin === OTHER_ORIGIN)!.code;
    const wrong = String((Number(printed) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 1; i < PAIRING_MAX_ATTEMPTS; i++)
      await expect(client.pair(wrong)).rejects.toMatchObject({ code: 'PAIRING_FAILED' });
    await expect(client.pair(wrong)).rejects.toMatchObject({ code: 'PAIRING_LOCKED' });
    await expect(client.pair(printed)).rejects.toMatchObject({ code: 'PAIRING_LOCKED' });
    await expect(client.listReaders()).rejects.toMatchObject({ code: 'NOT_PAIRED' });
    nothingTransmitted();
    client.close();
  });

  it('remembers a pairing in the file and honours a revocation made from the command line', async () => {
    const first = await rig.openPaired();
    first.close();
    expect(JSON.parse(readFileSync(rig.pairingFile, 'utf8')).pairings).toContainEqual(
      expect.objectContaining({ origin: APP_ORIGIN }),
    );
    const second = await rig.open(APP_ORIGIN);
    expect(second.paired).toBe(true);
    second.close();
    const revoke = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bridge/main.ts', '--revoke', APP_ORIGIN, '--pairings-file', rig.pairingFile],
      { encoding: 'utf8' },
    );
    expect(revoke.stdout).toContain(`Revoked ${APP_ORIGIN}`);
    const third = await rig.open(APP_ORIGIN);
    expect(third.paired).toBe(false);
    third.close();
    nothingTransmitted();
  });

  it('closes the connection on an oversize message without transmitting it', async () => {
    (await rig.openPaired()).close();
    const ws = openWs(rig.url, APP_ORIGIN);
    await new Promise((r) => ws.addEventListener('open', r));
    const closed = new Promise<number | undefined>((r) => ws.addEventListener('close', (e) => r(e.code)));
    const apdu = `00DB3FFF${'AB'.repeat(BRIDGE_MAX_FRAME_BYTES)}`;
    ws.send(JSON.stringify({ v: 1, id: 1, op: 'transmit', handle: 1, apdu }));
    expect(await closed).toBe(1009); // RFC 6455 §7.4.1: message too big
    nothingTransmitted();
  });

  it('refuses a second client exclusive access while another holds the card', async () => {
    before = rig.commandCount();
    const a = await rig.openPaired();
    const b = await rig.openPaired();
    const held = await a.connectCard(rig.harness.reader, { mode: 'exclusive' });
    await expect(b.connectCard(rig.harness.reader, { mode: 'exclusive' })).rejects.toMatchObject({
      code: 'SHARING_VIOLATION',
    });
    await expect(b.connectCard(rig.harness.reader, { mode: 'shared' })).rejects.toMatchObject({
      code: 'SHARING_VIOLATION',
    });
    nothingTransmitted();
    await held.close();
    a.close();
    b.close();
  });

  it('a transaction keeps every other PC/SC program off the card, and waits for none to be connected', async () => {
    // Another program on this computer: a second bridge process, with its own PC/SC connections to pcscd.
    const elsewhere = await startBridgeProcess([APP_ORIGIN]);
    try {
      const page = await rig.openPaired();
      const otherProgram = await elsewhere.openPaired();
      const card = await page.connectCard(rig.harness.reader);
      const intruder = await otherProgram.connectCard(rig.harness.reader);
      before = rig.commandCount();
      await expect(card.transaction(async () => card.transmit(SELECT_PIV))).rejects.toMatchObject({
        code: 'SHARING_VIOLATION',
        message: expect.stringMatching(/Another program is connected/),
      });
      nothingTransmitted();
      await intruder.close();

      const answers = await card.transaction(async () => {
        await expect(otherProgram.connectCard(rig.harness.reader)).rejects.toMatchObject({ code: 'SHARING_VIOLATION' });
        return [sw(await card.transmit(SELECT_PIV)), sw(await card.transmit(SELECT_PIV))];
      });
      expect(answers).toEqual(['9000', '9000']);
      expect(rig.commandCount()).toBe(before + 2);
      // Shared again afterwards: the other program gets in.
      const back = await otherProgram.connectCard(rig.harness.reader);
      expect(sw(await back.transmit(SELECT_PIV))).toBe('9000');
      await back.close();
      await card.close();
      page.close();
      otherProgram.close();
    } finally {
      await elsewhere.stop();
    }
  });
});
