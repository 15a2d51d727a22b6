/**
 * The vpcd client against a fake vpcd driver (a TCP server speaking the vsmartcard framing), and the
 * `virtual-card` command line run as a child process: framing, controls, reconnection after the driver
 * goes away, and a clean exit on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../bytes';
import { createVirtualPivCard } from './piv-card/virtual-piv-card';
import { createServer as createTcpServer } from 'node:net';
import { connectVpcd, frame, unframe, type VpcdClient, type VpcdMessageTiming } from './vpcd-client';
import { parseVirtualCardArgs } from '../../scripts/virtual-card';

/** A fake vpcd: accepts the card's connection and exchanges framed messages with it. */
class FakeVpcd {
  private socket: Socket | null = null;
  private buffer: Uint8Array = new Uint8Array(0);
  private waiters: ((m: Uint8Array) => void)[] = [];
  private connectedWaiters: (() => void)[] = [];
  connections = 0;
  constructor(readonly server: Server) {
    server.on('connection', (s) => {
      this.socket = s;
      this.connections++;
      this.connectedWaiters.splice(0).forEach((w) => w());
      s.on('data', (d: Uint8Array) => {
        const joined = new Uint8Array([...this.buffer, ...d]);
        const { frames, rest } = unframe(joined);
        this.buffer = rest;
        frames.forEach((f) => this.waiters.shift()?.(f));
      });
    });
  }
  static async listen(port = 0): Promise<FakeVpcd> {
    const server = createServer();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    return new FakeVpcd(server);
  }
  get port(): number {
    return (this.server.address() as { port: number }).port;
  }
  connected(): Promise<void> {
    return this.socket && !this.socket.destroyed
      ? Promise.resolve()
      : new Promise((r) => this.connectedWaiters.push(r));
  }
  /** Sends a message and waits for the reply. */
  exchange(message: string): Promise<Uint8Array> {
    const reply = new Promise<Uint8Array>((r) => this.waiters.push(r));
    this.socket!.write(frame(fromHex(message)));
    return reply;
  }
  send(message: string): void {
    this.socket!.write(frame(fromHex(message)));
  }
  dropConnection(): void {
    this.socket?.destroy();
    this.socket = null;
  }
  close(): Promise<void> {
    this.dropConnection();
    return new Promise((r) => this.server.close(() => r()));
  }
}

let client: VpcdClient | null = null;
let vpcd: FakeVpcd | null = null;
afterEach(async () => {
  await client?.stop();
  await vpcd?.close();
  client = vpcd = null;
});

describe('vpcd framing', () => {
  it('frames with a 2-byte big-endian length and splits back-to-back and partial frames', () => {
    expect(toHex(frame(fromHex('04')), { lower: true })).toBe('000104');
    const { frames, rest } = unframe(fromHex('000104' + '0005' + '00a4040000' + '0003aa'));
    expect(frames.map((f) => toHex(f, { lower: true }))).toEqual(['04', '00a4040000']);
    expect(toHex(rest, { lower: true })).toBe('0003aa');
  });
});

describe('connectVpcd', () => {
  it('answers GET ATR with the ATR, power controls with nothing, APDUs with the card', async () => {
    vpcd = await FakeVpcd.listen();
    const card = createVirtualPivCard({ profile: 'yubikey-5.4' });
    client = connectVpcd({ port: vpcd.port, card });
    await client.firstConnection;
    await vpcd.connected();
    expect(toHex(await vpcd.exchange('04'), { lower: true })).toBe(toHex(card.atr, { lower: true }));
    vpcd.send('01');
    expect(toHex(await vpcd.exchange('00a4040005a000000308'), { lower: true })).toBe(
      '61114f0600001000010079074f05a0000003089000',
    );
    expect(toHex(await vpcd.exchange('00fd000000'), { lower: true })).toBe('0504039000');
    vpcd.send('02'); // reset: the selection is gone
    expect(toHex(await vpcd.exchange('00fd000000'), { lower: true })).toBe('6985');
  });

  it('reconnects with backoff after the driver restarts on the same port, and stop() ends it', async () => {
    vpcd = await FakeVpcd.listen();
    const port = vpcd.port;
    const card = createVirtualPivCard({ profile: 'piv-generic' });
    const statuses: string[] = [];
    client = connectVpcd({ port, card, backoff: { initialMs: 20, maxMs: 100 }, onStatus: (s) => statuses.push(s) });
    await vpcd.connected();
    await vpcd.close();
    await new Promise((r) => setTimeout(r, 150)); // a few refused attempts while "pcscd" is down
    vpcd = await FakeVpcd.listen(port);
    await vpcd.connected();
    expect(toHex(await vpcd.exchange('04'), { lower: true })).toBe(toHex(card.atr, { lower: true }));
    expect(statuses).toEqual(['connected', 'disconnected', 'connected']);
    await client.stop();
    expect(client.connected).toBe(false);
  });
});

describe('vpcd message timing (what the bench uses to split a PC/SC round trip)', () => {
  it('reports a frame split across writes, several frames in one chunk, and no reply to power-on', async () => {
    const server = createTcpServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const accepted = new Promise<Socket>((r) => server.once('connection', r));
    const client = connectVpcd({
      port: (server.address() as { port: number }).port,
      card: createVirtualPivCard({ profile: 'yubikey-5.7' }),
    });
    const s = await accepted;
    s.setNoDelay(true);
    const seen: VpcdMessageTiming[] = [];
    client.onMessage((t) => seen.push(t));
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const select = frame(fromHex('00a4040005a000000308'));
    s.write(select.slice(0, 2));
    await sleep(30);
    s.write(select.slice(2));
    await sleep(50);
    s.write(new Uint8Array([...frame(fromHex('04')), ...frame(fromHex('01')), ...frame(fromHex('00fd000000'))]));
    await sleep(50);
    expect(seen.map((t) => t.length)).toEqual([10, 1, 1, 5]);
    expect(seen[0]!.completeAt - seen[0]!.firstByteAt).toBeGreaterThanOrEqual(25);
    expect(seen.slice(1).every((t) => t.completeAt === t.firstByteAt)).toBe(true);
    expect(seen[2]!.answeredAt).toBe(seen[2]!.completeAt); // power on: no reply is due
    expect(seen[3]!.answeredAt).toBeGreaterThanOrEqual(seen[3]!.completeAt);
    await client.stop();
    s.destroy();
    server.close();
  });
});

describe('virtual-card command line', () => {
  it('parses --vpcd, --profile and --serial, and refuses nonsense', () => {
    expect(parseVirtualCardArgs(['--vpcd', '127.0.0.1:35963', '--profile', 'yubikey-5.4', '--serial', '7'])).toEqual({
      host: '127.0.0.1',
      port: 35963,
      profile: 'yubikey-5.4',
      serial: 7,
    });
    expect(parseVirtualCardArgs([])).toMatchObject({ port: 35963, profile: 'yubikey-5.7' });
    expect(() => parseVirtualCardArgs(['--vpcd', 'nowhere'])).toThrow(/host:port/);
    expect(() => parseVirtualCardArgs(['--profile', 'yubikey-4'])).toThrow(/--profile/);
  });

  it('serves a fake vpcd as a child process and exits 0 on SIGTERM', async () => {
    vpcd = await FakeVpcd.listen();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/virtual-card.ts', '--vpcd', `127.0.0.1:${vpcd.port}`, '--profile', 'yubikey-5.7'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Uint8Array) => (out += new TextDecoder().decode(d)));
    await vpcd.connected();
    vpcd.send('01');
    expect(toHex(await vpcd.exchange('00a4040005a000000308'), { lower: true })).toMatch(/9000$/);
    expect(toHex(await vpcd.exchange('00fd000000'), { lower: true })).toBe('0507029000');
    const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(out).toMatch(/SIGTERM, stopping \(2 APDUs served\)/);
  }, 30_000);
});
