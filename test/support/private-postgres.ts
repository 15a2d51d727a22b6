/**
 * A private PostgreSQL cluster for tests and benches: `initdb` + `pg_ctl` from Debian's `postgresql`
 * package (scripts/install-test-deps.sh) in a temporary directory, listening on a free loopback port
 * with its own unix socket directory, and removed again by `stop()`. Nothing here touches a system-wide
 * PostgreSQL service. PostgreSQL refuses to run as root, so under root the cluster runs as the
 * `postgres` user that the package creates.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** A running private cluster. */
export interface PrivatePostgres {
  port: number;
  /** The directory of the cluster's unix socket (`.s.PGSQL.<port>`). */
  socketDir: string;
  /** A `postgres://` URL for `database` (default `postgres`). */
  url(database?: string): string;
  /** Creates an empty database with a fresh name and returns its URL. */
  createDatabase(): Promise<string>;
  /** Stops the server at once and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

/** Options for {@link startPrivatePostgres}. */
export interface PrivatePostgresOptions {
  /** Keep fsync and synchronous commit on (benches); tests turn them off for speed. */
  durable?: boolean;
}

/** The newest PostgreSQL bin directory installed by Debian's packages. */
function findBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const dir = versions.map((v) => join(root, v, 'bin')).find((d) => existsSync(join(d, 'initdb')));
  if (!dir)
    throw new Error('PostgreSQL is not installed: run scripts/install-test-deps.sh (Debian package postgresql).');
  return dir;
}

/** Under root, the uid and gid of `postgres`; otherwise nothing to change. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a cluster; retries on another port if the one picked was taken meanwhile. */
export async function startPrivatePostgres(options: PrivatePostgresOptions = {}): Promise<PrivatePostgres> {
  const bin = findBinDir();
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'keyward-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const exec = (tool: string, args: string[]) => run(join(bin, tool), args, { ...user, cwd: dir });
  await exec('initdb', ['-D', data, '-U', 'keyward', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
  const settings = options.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'];
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    const server = [`-p ${port}`, `-k ${dir}`, '-c listen_addresses=127.0.0.1', ...settings].join(' ');
    try {
      await exec('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-o', server, 'start']);
      break;
    } catch (e) {
      if (attempt === 3) {
        rmSync(dir, { recursive: true, force: true });
        throw e;
      }
    }
  }
  const url = (database = 'postgres') => `postgres://keyward@127.0.0.1:${port}/${database}`;
  let stopped: Promise<void> | undefined;
  return {
    port,
    socketDir: dir,
    url,
    async createDatabase() {
      const name = `t_${crypto.randomUUID().replaceAll('-', '')}`;
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`create database ${name}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    stop: () =>
      (stopped ??= exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
        .then(() => undefined)
        .finally(() => rmSync(dir, { recursive: true, force: true }))),
  };
}
