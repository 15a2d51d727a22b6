/**
 * A pcscd of a bridge test's own (bridge-errors.test.ts), for tests that stop and start the PC/SC service
 * or need one without readers: the machine's pcscd, and the vpcd harness other tests share, are left alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './bridge-rig';

/** A pcscd of the test's own, started and stopped at will, that no other test or program can see. */
export interface PrivatePcscd {
  /** Its control socket: give it to the bridge as PCSCLITE_CSOCK_NAME (pcsc-lite's client honours it). */
  readonly socket: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops it and removes its files. */
  dispose(): Promise<void>;
}

/**
 * A private pcscd with no readers, or with one vpcd reader on `vpcdPort` (and its second slot on the next
 * port). pcscd 1.9 hard-codes /run/pcscd, so it runs in its own mount namespace with a scratch directory
 * mounted there (`unshare -m`, which needs root or CAP_SYS_ADMIN): the machine's pcscd, and the harness
 * other tests share, are left alone.
 */
export function privatePcscd(options: { vpcdPort?: number } = {}): PrivatePcscd {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-private-pcscd-'));
  const run = join(dir, 'run');
  const conf = join(dir, 'reader.conf.d');
  mkdirSync(run);
  mkdirSync(conf);
  if (options.vpcdPort !== undefined) {
    const channel = `0x${options.vpcdPort.toString(16).toUpperCase()}`;
    // vsmartcard's ifd-vpcd listens on the TCP port named by CHANNELID (Debian's /etc/reader.conf.d/vpcd).
    writeFileSync(
      join(conf, 'vpcd'),
      `FRIENDLYNAME "Virtual PCD"\nDEVICENAME /dev/null:${channel}\nLIBPATH /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID ${channel}\n`,
    );
  }
  const socket = join(run, 'pcscd.comm');
  let daemon: ChildProcess | null = null;
  const stop = async (): Promise<void> => {
    const d = daemon;
    daemon = null;
    if (!d || d.exitCode !== null || d.signalCode !== null) return;
    const exited = new Promise((r) => d.once('exit', r));
    d.kill('SIGTERM');
    const timer = setTimeout(() => d.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    rmSync(socket, { force: true }); // a killed pcscd leaves it, and a new one refuses to start over it
  };
  return {
    socket,
    async start() {
      if (daemon) return;
      const script = 'mkdir -p /run/pcscd && mount --bind "$0" /run/pcscd && exec pcscd -f -c "$1"';
      const d = spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script, run, conf], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      daemon = d;
      let log = '';
      const keep = (b: Uint8Array) => (log = (log + new TextDecoder().decode(b)).slice(-4000));
      d.stdout!.on('data', keep);
      d.stderr!.on('data', keep);
      await until(() => existsSync(socket) || d.exitCode !== null, 10_000);
      if (d.exitCode !== null) {
        daemon = null;
        throw new Error(
          `The private pcscd did not start (exit ${d.exitCode}); it needs unshare -m (root or CAP_SYS_ADMIN) and pcscd: ${log}`,
        );
      }
    },
    stop,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
