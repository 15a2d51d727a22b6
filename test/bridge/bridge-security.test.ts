/**
 * The bridge refuses, through the real path (bridge process → pcscd → vpcd → virtual card), every way a
 * page or local program could reach a card it should not; and in each case the card received nothing.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { suiteService } from '../support/suite-service';
import WebSocket from 'ws';
import { toHex } from '../../src/bytes';
import { PAIRING_MAX_ATTEMPTS } from '../../bridge/pairings';
import { BRIDGE_MAX_FRAME_BYTES } from '../../src/transport/pcsc-bridge-protocol';
import { APP_ORIGIN, OTHER_ORIGIN, openWs, startBridgeProcess, startBridgeRig, until } from './bridge-rig';

const SELECT_PIV = Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x05, 0xa0, 0x00, 0x00, 0x03, 0x08);
const sw = (r: Uint8Array) => toHex(r.slice(-2), { lower: true });

/** Resolves with `value` after `ms`: the other side of a race that must be won in time. */
const settle = <T>(ms: number, value: T) => new Promise<T>((r) => setTimeout(() => r(value), ms));

type Frame = { id?: number; ok?: boolean; event?: string; error?: { code: string }; result?: Record<string, unknown> };

/**
 * A local program speaking the protocol by hand with a chosen Origin header: it does not go through the
 * page's adapter, which would refuse to send most of this itself.
 */
async function localProgram(url: string, origin: string) {
  const ws = new WebSocket(url, { headers: { Origin: origin } });
  const frames: Frame[] = [];
  ws.on('message', (d) => frames.push(JSON.parse(String(d)) as Frame));
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
  await until(() => frames.some((f) => f.event === 'hello'));
  let id = 0;
  const ask = async (op: string, body: Record<string, unknown> = {}): Promise<Frame> => {
    const mine = ++id;
    ws.send(JSON.stringify({ v: 2, id: mine, op, ...body }));
    await until(() => frames.some((f) => f.id === mine));
    return frames.find((f) => f.id === mine)!;
  };
  return { ws, frames, ask, closed };
}

describe('bridge security', () => {
  const rig = suiteService(() => startBridgeRig('yubikey-5.4'));
  let before = 0;
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

  it('serves nothing but the handshake to a connection that has not proved a pairing', async () => {
    const program = await localProgram(rig.url, APP_ORIGIN);
    for (const [op, body] of [
      ['list', {}],
      ['connect', { reader: rig.harness.reader, mode: 'shared' }],
      ['transmit', { handle: 1, apdu: '00A4040005A000000308' }],
      ['control', { handle: 1, code: 3400, data: '' }],
    ] as const)
      expect((await program.ask(op, body)).error?.code).toBe('NOT_PAIRED');
    nothingTransmitted();
    program.ws.close();
  });

  it(`locks pairing out after ${PAIRING_MAX_ATTEMPTS} runs with a wrong code, even for the right code afterwards`, async () => {
    const client = await rig.open(OTHER_ORIGIN);
    expect(client.paired).toBe(false);
    await client.requestCode();
    await until(() => rig.codes.some((c) => c.origin === OTHER_ORIGIN));
    const printed = rig.codes.find((c) => c.origin === OTHER_ORIGIN)!.code;
    const wrong = String((Number(printed) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < PAIRING_MAX_ATTEMPTS; i++)
      await expect(client.pair(wrong)).rejects.toMatchObject({ code: 'PAIRING_FAILED' });
    await expect(client.pair(printed)).rejects.toMatchObject({ code: 'PAIRING_LOCKED' });
    await expect(client.requestCode()).rejects.toMatchObject({ code: 'PAIRING_LOCKED' });
    nothingTransmitted();
    client.close();
  });

  it('keeps the pairing key in a 0600 file, and a local program with the right Origin but no key gets nothing', async () => {
    const page = await rig.openPaired();
    page.close();
    const record = (
      JSON.parse(readFileSync(rig.pairingFile, 'utf8')) as { pairings: { origin: string; key: string }[] }
    ).pairings.find((p) => p.origin === APP_ORIGIN)!;
    expect(Buffer.from(record.key, 'base64')).toHaveLength(32);
    expect(statSync(rig.pairingFile).mode & 0o777).toBe(0o600);

    const program = await localProgram(rig.url, APP_ORIGIN);
    const guessed = { nonce: 'AB'.repeat(32), proof: 'CD'.repeat(32) };
    expect((await program.ask('auth', guessed)).error?.code).toBe('AUTH_FAILED');
    expect((await program.ask('list')).error?.code).toBe('NOT_PAIRED');
    expect((await program.ask('connect', { reader: rig.harness.reader, mode: 'shared' })).error?.code).toBe(
      'NOT_PAIRED',
    );
    // The page, with its key, still gets in beside it; the program never hears of readers.
    const again = await rig.open(APP_ORIGIN);
    expect(again.paired).toBe(true);
    expect(await again.listReaders()).toContainEqual(expect.objectContaining({ name: rig.harness.reader }));
    expect(program.frames.filter((f) => f.event === 'readers')).toEqual([]);
    nothingTransmitted();
    again.close();
    program.ws.close();
  });

  it('closes a revoked origin’s open connections at once, and refuses it afterwards', async () => {
    const open = await rig.openPaired();
    const card = await open.connectCard(rig.harness.reader);
    before = rig.commandCount();
    const closed = new Promise<void>((r) => open.onClose(r));
    const revoke = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bridge/main.ts', '--revoke', APP_ORIGIN, '--pairings-file', rig.pairingFile],
      { encoding: 'utf8' },
    );
    expect(revoke.stdout).toContain(`Revoked ${APP_ORIGIN}`);
    expect(await Promise.race([closed.then(() => 'closed'), settle(2000, 'still open after 2 s')])).toBe('closed');
    await expect(card.transmit(SELECT_PIV)).rejects.toMatchObject({ code: 'BRIDGE_CLOSED' });
    const after = await rig.open(APP_ORIGIN);
    expect(after.paired).toBe(false); // the bridge answers NOT_PAIRED to its key now
    after.close();
    nothingTransmitted();
    await until(() => rig.logs.some((r) => r.msg === 'bridge connection closed: pairing revoked'));
  });

  it('gives unauthenticated connections their own few slots: a flood cannot keep a paired page out', async () => {
    // Paired pages hold 5 of the 8 authenticated slots: a flood counted against those would fill them.
    // One at a time: each page is unauthenticated until it proves its key.
    const paired = [];
    for (let i = 0; i < 5; i++) paired.push(await rig.openPaired());
    const flood = await Promise.all([1, 2, 3, 4, 5].map(() => localProgram(rig.url, APP_ORIGIN)));
    const evicted = await Promise.race([flood[0]!.closed, settle(2000, 'open')]);
    expect(evicted).toBe(4408);
    const back = await rig.open(APP_ORIGIN);
    expect(back.paired).toBe(true);
    expect(await back.listReaders()).toContainEqual(expect.objectContaining({ name: rig.harness.reader }));
    back.close();
    for (const p of paired) p.close();
    for (const f of flood) f.ws.close();
  });

  it('forwards no reader control but GET_FEATURE_REQUEST, without data', async () => {
    const page = await rig.openPaired();
    const card = await page.connectCard(rig.harness.reader);
    for (const [code, data] of [
      [0x42000000 + 3400, new Uint8Array(0)], // the platform code itself: the page names the function only
      [3500, new Uint8Array(0)],
      [3400, Uint8Array.of(1)],
    ] as const)
      await expect(card.control(code, data)).rejects.toMatchObject({ code: 'CONTROL_REFUSED' });
    const features = await card.control(3400).catch((e: { code: string }) => e);
    expect(features instanceof Uint8Array || features.code !== 'CONTROL_REFUSED').toBe(true);
    await card.close();
    page.close();
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
