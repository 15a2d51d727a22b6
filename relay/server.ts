/**
 * Serves the relay on Node (`npm run relay`), or in-process for the demo via {@link startRelay}.
 *
 * Shutdown is graceful: stop accepting, let in-flight requests finish for a bounded time, then drop
 * whatever is left, so a rolling restart behind a load balancer loses no completed work.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
import { createApp } from './app';
import { createCardKeyVault } from './card-keys/vault';
import { linkAudit } from './audit/chain';
import { AppError, isAppError } from '../src/app-error';
import { describeConfig, exposureProblems, loadConfig, type RelayConfig } from './config';
import { openDatabase, type RelayDatabase } from './db/connect';
import { migrate } from './db/migrations';
import type { JwksFetch } from './jwks';
import type { HttpFetch } from './graph/http-fetch';
import { createLogger, type Logger } from './log';
import { createMailServices, type MailServiceOptions } from './mail/services';
import { createConfiguredVerifier, type TokenVerifier } from './token';

/** Optional overrides for {@link startRelay}. */
export interface StartRelayDeps {
  log?: Logger;
  verifier?: TokenVerifier;
  /** Used for OIDC discovery and the JWKS when no verifier is given (e.g. to trust the emulator's CA). */
  fetch?: JwksFetch;
  /** How long in-flight requests may run after `close()`; defaults to 10 s. */
  shutdownGraceMs?: number;
  /** Used for the app-only token and Graph (e.g. to trust the emulator's CA); defaults to the global fetch. */
  graphFetch?: HttpFetch;
  /** Extra CA trusted for the SMTP server's certificate. */
  smtpCa?: string;
  /** SMTP retry tuning. */
  smtpRetry?: MailServiceOptions['smtpRetry'];
  /**
   * An open database the caller owns (and closes); by default the relay opens the one its configuration
   * names and closes it on `close()`. Migrated at start-up either way.
   */
  database?: RelayDatabase;
}

/** A running relay. */
export interface RunningRelay {
  /** `http://host:port` actually bound (port 0 picks a free one). */
  url: string;
  /** Stops accepting, waits for in-flight requests (bounded), then resolves. Idempotent. */
  close(): Promise<void>;
}

/**
 * Stops the server. `close()` stops accepting; keep-alive sockets are closed as soon as they fall idle
 * (polled, because a socket busy now turns idle only after its response), and busy ones are cut when
 * the grace period ends.
 */
function closeGracefully(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 25);
    const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** Opens and migrates the configured database (or the given one). */
async function openStore(config: RelayConfig, given: RelayDatabase | undefined, log: Logger): Promise<RelayDatabase> {
  const database =
    given ??
    openDatabase(
      config.databaseUrl === undefined
        ? { dataDir: config.dataDir }
        : { databaseUrl: config.databaseUrl, poolSize: config.databasePoolSize },
    );
  try {
    const { from, to } = await migrate(database.db);
    // Chains audit rows that a crash between their commit and their link left pending.
    await linkAudit(database.db);
    log.info('database ready', { database: database.kind, schemaFrom: from, schemaVersion: to });
    return database;
  } catch (e) {
    if (!given) await database.close();
    throw e;
  }
}

/**
 * Starts the relay on `config.host:config.port`.
 *
 * @throws AppError('relay', 'SCHEMA_TOO_NEW' | 'DATABASE_UNAVAILABLE') when the database cannot be used.
 * @throws AppError('relay', 'BAD_CONFIG') for `DEMO=1`, or plain HTTP without a TLS proxy, on a non-loopback
 *   host: checked here again, so a configuration built in code cannot skip what `loadConfig` refuses.
 */
export async function startRelay(config: RelayConfig, deps: StartRelayDeps = {}): Promise<RunningRelay> {
  const exposed = exposureProblems(config);
  if (exposed.length > 0)
    throw new AppError('relay', 'BAD_CONFIG', `Invalid relay configuration:\n- ${exposed.join('\n- ')}`, {
      problems: exposed,
    });
  const log = deps.log ?? createLogger();
  const database = await openStore(config, deps.database, log);
  const verifier = deps.verifier ?? createConfiguredVerifier(config, deps.fetch ? { fetch: deps.fetch } : {});
  const mail = createMailServices(config, database.db, {
    ...(deps.graphFetch ? { fetch: deps.graphFetch } : {}),
    ...(deps.smtpCa !== undefined ? { smtpCa: deps.smtpCa } : {}),
    ...(deps.smtpRetry ? { smtpRetry: deps.smtpRetry } : {}),
  });
  // The card master key: generated on the first start (wrapped by the KEK), rewrapped when rotating.
  const vault = config.kek ? createCardKeyVault(database.db, config.kek) : undefined;
  if (vault) {
    const held = await vault.ensure();
    log.info('card master key ready', { fingerprint: held.fingerprint, source: held.source });
  }
  const app = createApp({ config, verifier, log, mail, database, ...(vault ? { vault } : {}) });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () =>
      resolve(s as Server),
    ) as Server;
    s.once('error', reject);
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  log.info('relay listening', { url, ...describeConfig(config) });
  let closing: Promise<void> | undefined;
  return {
    url,
    close: () =>
      (closing ??= closeGracefully(server, deps.shutdownGraceMs ?? 10_000).then(async () => {
        mail.mailer.close();
        if (!deps.database) await database.close();
        log.info('relay stopped', { url });
      })),
  };
}

/** Entry point: validate the environment, serve, and stop cleanly on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  let config: RelayConfig;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (!isAppError(e, 'relay', 'BAD_CONFIG')) throw e;
    console.error('Relay configuration is invalid:');
    for (const problem of e.fields.problems as string[]) console.error(`  - ${problem}`);
    process.exit(1);
  }
  let relay: RunningRelay;
  try {
    relay = await startRelay(config);
  } catch (e) {
    if (!isAppError(e, 'relay') || !['SCHEMA_TOO_NEW', 'DATABASE_UNAVAILABLE', 'BAD_CONFIG'].includes(e.code)) throw e;
    console.error(`Relay cannot start: ${e.message}`);
    process.exit(1);
  }
  const stop = () => void relay.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
