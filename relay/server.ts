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
import { isAppError } from '../src/app-error';
import { createApp } from './app';
import { describeConfig, loadConfig, type RelayConfig } from './config';
import { createJwksKeySource, type JwksFetch } from './jwks';
import type { HttpFetch } from './graph/http-fetch';
import { createLogger, type Logger } from './log';
import { createMailServices, type MailServiceOptions } from './mail/services';
import { createTokenVerifier, type TokenVerifier } from './token';

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

/** Starts the relay on `config.host:config.port`. */
export async function startRelay(config: RelayConfig, deps: StartRelayDeps = {}): Promise<RunningRelay> {
  const log = deps.log ?? createLogger();
  const verifier =
    deps.verifier ??
    createTokenVerifier({
      issuer: config.issuer,
      audience: config.relayClientId,
      tenantId: config.tenantId,
      requiredScope: config.requiredScope,
      getKey: createJwksKeySource({ issuer: config.issuer, ...(deps.fetch ? { fetch: deps.fetch } : {}) }),
    });
  const mail = createMailServices(config, {
    ...(deps.graphFetch ? { fetch: deps.graphFetch } : {}),
    ...(deps.smtpCa !== undefined ? { smtpCa: deps.smtpCa } : {}),
    ...(deps.smtpRetry ? { smtpRetry: deps.smtpRetry } : {}),
  });
  const app = createApp({ config, verifier, log, mail });
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
      (closing ??= closeGracefully(server, deps.shutdownGraceMs ?? 10_000).then(() => {
        mail.mailer.close();
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
  const relay = await startRelay(config);
  const stop = () => void relay.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
