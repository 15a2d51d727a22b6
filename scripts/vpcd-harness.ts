/**
 * Node harness for interop tests and the bench: runs a private `pcscd -f` with the vpcd driver, connects
 * a virtual PIV card to it in-process (so the test can read the card's APDU log), waits until PC/SC
 * clients see the card, runs tools against it, and tears everything down.
 *
 * pcscd has one control socket (/run/pcscd/pcscd.comm), so only one harness runs at a time on a machine:
 * a lock directory serialises harnesses across Vitest workers. A pcscd that someone else started is
 * reused when it already offers an empty "Virtual PCD 00 00" reader (Debian's vsmartcard-vpcd config, or a
 * harness's pcscd left behind), on the port its configuration gives vpcd; otherwise the harness stops with a message saying what to do. The harness's own pcscd
 * has vpcd listen on a free pair of ports, so a virtual card that someone else points at Debian's port
 * never lands in the harness's reader.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createVirtualPivCard,
  type PivCardProfileName,
  type VirtualPivCard,
} from '../src/simulator/piv-card/virtual-piv-card';
import { freePortPair } from '../test/support/free-port';
import { connectVpcd, type VpcdClient } from '../src/simulator/vpcd-client';

/** vpcd's first slot in Debian's /etc/reader.conf.d/vpcd (channel 0x8C7B), where a system pcscd has it. */
const DEBIAN_VPCD_PORT = 35963;
/** The first vpcd slot's reader name under pcscd (the second slot is "Virtual PCD 00 01"). */
export const VPCD_READER = 'Virtual PCD 00 00';
const PCSCD_PID_FILE = '/run/pcscd/pcscd.pid';
const PCSCD_SOCKET = '/run/pcscd/pcscd.comm';
const LOCK_DIR = join(tmpdir(), 'keyward-pcsc-interop.lock');

/** What a tool run produced. */
export interface ToolResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running harness. */
export interface PcscHarness {
  readonly card: VirtualPivCard;
  /** The card's connection to vpcd (its `onMessage` times each exchange at the card's socket). */
  readonly vpcd: VpcdClient;
  readonly reader: string;
  /** The port of vpcd's first slot; its second slot, "Virtual PCD 00 01", listens on the next one. */
  readonly vpcdPort: number;
  /** A scratch directory for the test's files, removed by `stop()`. */
  readonly workdir: string;
  /** Runs a tool (asynchronously: the in-process card must keep answering). */
  run(command: string, args: readonly string[], options?: { input?: string; timeoutMs?: number }): Promise<ToolResult>;
  stop(): Promise<void>;
}

/** Runs a command and collects its output; never rejects on a non-zero exit. */
export function runTool(
  command: string,
  args: readonly string[],
  options: { input?: string; timeoutMs?: number; cwd?: string } = {},
): Promise<ToolResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Uint8Array) => (stdout += new TextDecoder().decode(d)));
    child.stderr.on('data', (d: Uint8Array) => (stderr += new TextDecoder().decode(d)));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: `${stderr}${e.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // A tool that exits without reading its input closes the pipe: its exit code and output say what happened.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function acquireLock(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(join(LOCK_DIR, 'pid'), String(process.pid));
      return;
    } catch {
      const owner = Number(readFileSync(join(LOCK_DIR, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0);
      if (owner && !alive(owner)) rmSync(LOCK_DIR, { recursive: true, force: true });
      if (Date.now() > deadline)
        throw new Error(`Another interop harness holds ${LOCK_DIR} (pid ${owner}); waited ${timeoutMs / 1000} s.`);
      await sleep(250);
    }
  }
}

/** The pid of a running pcscd, if its pid file names a live process. */
function runningPcscd(): number | null {
  if (!existsSync(PCSCD_PID_FILE)) return null;
  const pid = parseInt(readFileSync(PCSCD_PID_FILE, 'utf8'), 10); // pcscd writes "<pid>\n\0"
  return pid && alive(pid) ? pid : null;
}

/** The port a running pcscd's vpcd reader listens on: CHANNELID in the configuration its `-c` names. */
function vpcdPortOf(pid: number): number {
  let config = '/etc/reader.conf.d';
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const at = args.findIndex((a) => a === '-c' || a === '--config');
    if (at >= 0 && args[at + 1]) config = args[at + 1]!;
    const files = statSync(config).isDirectory() ? readdirSync(config).map((f) => join(config, f)) : [config];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const channel = /^\s*CHANNELID\s+(0x[0-9a-f]+|\d+)/im.exec(text);
      if (channel && /^\s*LIBPATH\s+\S*libifdvpcd/im.test(text)) return Number(channel[1]);
    }
  } catch {
    // Unreadable (another user's pcscd, or its configuration is gone): assume Debian's.
  }
  return DEBIAN_VPCD_PORT;
}

/** True once `opensc-tool -l` lists the reader, with a card when `withCard`. */
async function readerListed(withCard: boolean): Promise<boolean> {
  const r = await runTool('opensc-tool', ['-l'], { timeoutMs: 10_000 });
  const line = r.stdout.split('\n').find((l) => l.includes(VPCD_READER));
  return line !== undefined && (!withCard || /\sYes\s/.test(line));
}

/** Starts pcscd with one vpcd reader whose first slot listens on `vpcdPort`. */
async function startPcscd(workdir: string, vpcdPort: number): Promise<ChildProcess> {
  const conf = join(workdir, 'reader.conf.d');
  mkdirSync(conf);
  // Debian's /etc/reader.conf.d/vpcd on another port: ifd-vpcd listens on the TCP port CHANNELID names.
  const channel = `0x${vpcdPort.toString(16).toUpperCase()}`;
  writeFileSync(
    join(conf, 'vpcd'),
    `FRIENDLYNAME "Virtual PCD"\nDEVICENAME /dev/null:${channel}\nLIBPATH /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID ${channel}\n`,
  );
  const child = spawn('pcscd', ['-f', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  let failure: Error | null = null;
  child.on('error', (e) => (failure = e));
  child.stdout?.on('data', (d: Uint8Array) => (log = (log + new TextDecoder().decode(d)).slice(-4000)));
  child.stderr?.on('data', (d: Uint8Array) => (log = (log + new TextDecoder().decode(d)).slice(-4000)));
  await sleep(300);
  if (failure)
    throw new Error(
      `Cannot start pcscd (${(failure as Error).message}); install it with scripts/install-test-deps.sh.`,
    );
  if (child.exitCode !== null) throw new Error(`pcscd exited at once (code ${child.exitCode}): ${log}`);
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}.`);
    await sleep(200);
  }
}

/** Starts pcscd (or reuses a suitable one), the card and the vpcd connection. */
export async function startPcscHarness(
  profile: PivCardProfileName,
  options: { serial?: number } = {},
): Promise<PcscHarness> {
  await acquireLock(240_000);
  const workdir = mkdtempSync(join(tmpdir(), 'keyward-interop-'));
  let pcscd: ChildProcess | null = null;
  let client: VpcdClient | null = null;
  const stop = async (): Promise<void> => {
    await client?.stop();
    // A pcscd that stays (one we reused) must see the card go, or the next harness's card would inherit
    // this one's ATR: pcscd notices a vpcd card leaving only at its next presence poll.
    if (client && !pcscd)
      await waitFor(`"${VPCD_READER}" to show the card gone`, async () => !(await readerListed(true)), 10_000).catch(
        () => undefined,
      );
    if (pcscd) await stopChild(pcscd);
    rmSync(workdir, { recursive: true, force: true });
    rmSync(LOCK_DIR, { recursive: true, force: true });
  };
  try {
    const foreign = runningPcscd();
    if (foreign !== null && !(await readerListed(false))) {
      throw new Error(
        `A pcscd (pid ${foreign}) already holds /run/pcscd/pcscd.comm without a "${VPCD_READER}" reader. Stop it (e.g. \`systemctl stop pcscd.socket pcscd\`) or install vsmartcard-vpcd and restart it.`,
      );
    }
    // A pcscd that died leaves its socket behind, and a new one refuses to start over it.
    if (foreign === null) rmSync(PCSCD_SOCKET, { force: true });
    const vpcdPort = foreign === null ? await freePortPair() : vpcdPortOf(foreign);
    if (foreign === null) pcscd = await startPcscd(workdir, vpcdPort);
    const card = createVirtualPivCard({ profile, ...(options.serial === undefined ? {} : { serial: options.serial }) });
    client = connectVpcd({ port: vpcdPort, card, backoff: { initialMs: 50, maxMs: 500 } });
    await Promise.race([
      client.firstConnection,
      sleep(15_000).then(() => Promise.reject(new Error(`vpcd did not accept a connection on port ${vpcdPort}.`))),
    ]);
    await waitFor(`"${VPCD_READER}" to show the card`, () => readerListed(true), 20_000);
    const run = (command: string, args: readonly string[], o: { input?: string; timeoutMs?: number } = {}) =>
      runTool(command, args, { ...o, cwd: workdir });
    return { card, vpcd: client, reader: VPCD_READER, vpcdPort, workdir, run, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
