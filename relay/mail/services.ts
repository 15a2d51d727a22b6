/**
 * Builds the mail routes' collaborators from the configuration: the app-only Graph directory, the
 * pooled SMTP mailer, the idempotency store and rate limiter in the relay's database (shared by every
 * instance), and the published templates it sends. relay/server.ts calls this; tests build the same pieces with their own fetch
 * (trusting the emulator's CA) and SMTP CA.
 */
import type { Kysely } from 'kysely';
import type { RelayConfig } from '../config';
import { createAppTokenSource } from '../graph/app-token';
import { createGraphDirectory, type UserDirectory } from '../graph/directory';
import { globalHttpFetch, type HttpFetch } from '../graph/http-fetch';
import { createTapBroker, type TapBroker } from '../graph/tap-broker';
import type { Schema } from '../db/schema';
import type { IdempotencyStore } from './idempotency';
import { createDatabaseIdempotencyStore } from './idempotency-db';
import { storedMailTemplates, type MailTemplateSource } from './published';
import type { RateLimiter } from './rate-limit';
import { createDatabaseRateLimiter } from './rate-limit-db';
import { createSmtpMailer, type Mailer, type SmtpMailerOptions } from './smtp-mailer';

/** The mail routes' collaborators (all but config, verifier and log, which the app already has). */
export interface MailServices {
  directory: UserDirectory;
  mailer: Mailer;
  idempotency: IdempotencyStore;
  limiter: RateLimiter;
  /** The data-export templates published in the relay's store: the only emails it sends. */
  templates: MailTemplateSource;
  /** App-only TAP creation for the self-service routes (same app token source as the directory). */
  broker: TapBroker;
}

/** Overrides for {@link createMailServices}. */
export interface MailServiceOptions {
  /** For the token endpoint and Graph; defaults to the global fetch. */
  fetch?: HttpFetch;
  /** CA bundle for the SMTP server's certificate when the configuration has no SMTP_CA_FILE (tests). */
  smtpCa?: string;
  /** SMTP retry tuning (tests shorten the backoff). */
  smtpRetry?: SmtpMailerOptions['retry'];
}

/** Creates the services for `config` over `db` (migrated). Nothing connects until the first request. */
export function createMailServices(
  config: RelayConfig,
  db: Kysely<Schema>,
  options: MailServiceOptions = {},
): MailServices {
  const fetch = options.fetch ?? globalHttpFetch;
  const tokens = createAppTokenSource({
    issuer: config.issuer,
    clientId: config.relayClientId,
    clientSecret: config.graphClientSecret,
    fetch,
  });
  return {
    directory: createGraphDirectory({ baseUrl: config.graphBaseUrl, tokens, fetch }),
    mailer: createSmtpMailer({
      smtpUrl: config.smtpUrl,
      mailFrom: config.mailFrom,
      demo: config.demo,
      maxConnections: config.smtpMaxConnections,
      ...((config.smtpCa ?? options.smtpCa) !== undefined ? { ca: config.smtpCa ?? options.smtpCa } : {}),
      ...(config.smtpTlsServername !== undefined ? { servername: config.smtpTlsServername } : {}),
      ...(options.smtpRetry !== undefined ? { retry: options.smtpRetry } : {}),
    }),
    idempotency: createDatabaseIdempotencyStore(db),
    limiter: createDatabaseRateLimiter(db, { perMinute: config.mailRatePerMinute }),
    templates: storedMailTemplates(db),
    broker: createTapBroker({ baseUrl: config.graphBaseUrl, tokens, fetch }),
  };
}
