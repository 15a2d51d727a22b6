import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../src/app-error';
import { loadConfig } from './config';
import { openDatabase, type RelayDatabase } from './db/connect';
import { MIGRATIONS } from './db/migrations';
import {
  createFakeTenant,
  mintToken,
  operatorClaims,
  AUTHORITY_HOST,
  RELAY_CLIENT_ID,
  SPA_CLIENT_ID,
  TENANT_ID,
} from '../test/support/fake-tenant';
import { createLogger, createMemorySink } from './log';
import { startRelay, type RunningRelay } from './server';

const ENV = {
  TENANT_ID,
  RELAY_CLIENT_ID,
  AUTHORITY_HOST,
  PORT: '0',
  ALLOWED_ORIGINS: 'http://localhost:5173',
  DEMO: '1',
  KEYWARD_DATA_DIR: ':memory:',
};

// One embedded database for the in-process relays: PGlite takes seconds to start on a busy machine.
let database: RelayDatabase;
beforeAll(async () => {
  database = openDatabase({ dataDir: ':memory:' });
  await database.ping();
}, 120_000);
afterAll(() => database.close());

let relay: RunningRelay | undefined;
afterEach(async () => {
  await relay?.close();
  relay = undefined;
});

/** Resolves once `cond` holds, polling every 10 ms. */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 10));
}

describe('startRelay', () => {
  it('serves over HTTP and lets an in-flight request finish on close, then refuses connections', async () => {
    const tenant = await createFakeTenant();
    const memory = createMemorySink();
    relay = await startRelay(loadConfig(ENV), {
      fetch: tenant.fetch,
      log: createLogger({ sink: memory.sink }),
      database,
    });
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);

    tenant.delayMs = 300; // holds the first whoami in OIDC discovery
    const token = await mintToken(tenant.key, operatorClaims());
    const inflight = fetch(`${relay.url}/api/whoami`, { headers: { Authorization: `Bearer ${token}` } });
    await until(() => tenant.requests.length > 0);
    const started = Date.now();
    const closed = relay.close();

    const res = await inflight;
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ isOperator: true });
    await closed;
    expect(Date.now() - started).toBeLessThan(3000);
    await expect(fetch(`${relay.url}/healthz`)).rejects.toThrow();
    expect(memory.records.map((r) => r.msg)).toEqual([
      'database ready',
      // The test configuration has a KEK (test/support/relay-app.ts), so the card master key is made at start.
      'card master key ready',
      'relay listening',
      'request',
      'request',
      'relay stopped',
    ]);
  });

  it('drops requests still running when the grace period ends', async () => {
    const tenant = await createFakeTenant();
    tenant.delayMs = 4000;
    relay = await startRelay(loadConfig(ENV), {
      fetch: tenant.fetch,
      log: createLogger({ sink: () => {} }),
      shutdownGraceMs: 200,
      database,
    });
    const token = await mintToken(tenant.key, operatorClaims());
    const inflight = fetch(`${relay.url}/api/whoami`, { headers: { Authorization: `Bearer ${token}` } });
    await until(() => tenant.requests.length > 0);
    const started = Date.now();
    await relay.close();
    expect(Date.now() - started).toBeLessThan(1500);
    await expect(inflight).rejects.toThrow();
  });

  it('refuses to start against a database schema newer than its own, and leaves it untouched', async () => {
    const latest = MIGRATIONS.at(-1)!.version;
    const newer = latest + 1;
    await database.db.insertInto('schema_version').values({ version: newer, name: 'a later relay' }).execute();
    try {
      const error = await startRelay(loadConfig(ENV), { log: createLogger({ sink: () => {} }), database }).catch(
        (e: unknown) => e,
      );
      expect(isAppError(error, 'relay', 'SCHEMA_TOO_NEW')).toBe(true);
      expect((error as Error).message).toContain(`version ${newer}, newer than this relay's ${latest}`);
    } finally {
      await database.db.deleteFrom('schema_version').where('version', '=', newer).execute();
    }
  });
});

/**
 * Runs `tsx relay/server.ts` with `env`, collecting its output. With `refuses`, one still running after
 * 25 s (it started instead of refusing) is killed and `exited` says so instead of an exit code: the test
 * fails on its assertion, not its timeout, and leaves no relay listening.
 */
function runServer(env: Record<string, string>, { refuses = false } = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'relay/server.ts'], {
    cwd: new URL('..', import.meta.url).pathname,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Uint8Array) => (out.stdout += String(d)));
  child.stderr.on('data', (d: Uint8Array) => (out.stderr += String(d)));
  let killed = false;
  const deadline = refuses ? setTimeout(() => (killed = child.kill()), 25_000) : undefined;
  const exited = new Promise<number | string | null>((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(deadline);
      resolve(killed ? 'still running after 25 s' : code);
    }),
  );
  return { child, out, exited };
}

describe('startRelay on a non-loopback address', () => {
  it('refuses DEMO=1, and plain HTTP without a TLS proxy, before opening anything', async () => {
    const base = loadConfig(ENV);
    for (const [config, said] of [
      [{ ...base, host: '0.0.0.0' }, /DEMO=1 serves the demo's defaults and may only listen on loopback/],
      [{ ...base, demo: false, host: '0.0.0.0' }, /plain HTTP: put a reverse proxy that terminates TLS/],
    ] as const) {
      const error = await startRelay(config, { log: createLogger({ sink: () => {} }), database }).catch(
        (e: unknown) => e,
      );
      expect(isAppError(error, 'relay', 'BAD_CONFIG')).toBe(true);
      expect((error as Error).message).toMatch(said);
    }
  });
});

describe('relay/server.ts as a program', () => {
  it('refuses to start with DEMO=1 or plain HTTP on a non-loopback HOST, and says what to do', async () => {
    const demo = runServer({ ...ENV, HOST: '0.0.0.0' }, { refuses: true });
    expect(await demo.exited).toBe(1);
    expect(demo.out.stderr).toContain(
      "DEMO=1 serves the demo's defaults and may only listen on loopback, not HOST '0.0.0.0'",
    );
    const { DEMO: _demo, ...production } = ENV;
    const plain = runServer(
      {
        ...production,
        HOST: '0.0.0.0',
        SMTP_URL: 'smtp://127.0.0.1:2525',
        MAIL_FROM: 'k@contoso.example',
        ALLOWED_DOMAINS: 'contoso.example',
        GRAPH_CLIENT_SECRET: 'unused',
        SPA_CLIENT_IDS: SPA_CLIENT_ID,
      },
      { refuses: true },
    );
    expect(await plain.exited).toBe(1);
    expect(plain.out.stderr).toMatch(/set BEHIND_TLS_PROXY=1, or listen on 127\.0\.0\.1/);
  }, 60_000);

  it('prints every configuration problem and exits 1', async () => {
    const badCa = join(mkdtempSync(join(tmpdir(), 'keyward-ca-')), 'ca.pem');
    writeFileSync(badCa, '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n');
    const { out, exited } = runServer(
      { TENANT_ID: 'x', SMTP_URL: 'http://u:hunter2@h', SMTP_CA_FILE: badCa },
      { refuses: true },
    );
    expect(await exited).toBe(1);
    expect(out.stderr).toContain("TENANT_ID must be a GUID, got 'x'");
    expect(out.stderr).toContain('RELAY_CLIENT_ID is required');
    expect(out.stderr).toContain('ALLOWED_ORIGINS is required');
    expect(out.stderr).toContain("SMTP_URL must use smtp:// or smtps://, got scheme 'http:'");
    expect(out.stderr).toContain(`SMTP_CA_FILE '${badCa}': certificate 1 of 1 is not a valid X.509 certificate`);
    expect(out.stderr + out.stdout).not.toContain('hunter2');
  });

  it('serves, then stops cleanly on SIGTERM', async () => {
    const { child, out, exited } = runServer(ENV);
    await until(() => out.stdout.includes('relay listening'));
    const listening = out.stdout.split('\n').find((line) => line.includes('relay listening'))!;
    const { url } = JSON.parse(listening) as { url: string };
    expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ status: 'ok' });
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'ready', database: 'pglite' });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out.stdout).toContain('"msg":"relay stopped"');
  }, 120_000);
});
