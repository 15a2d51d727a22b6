/**
 * `POST /api/mail` (the data-export email, e.g. a TAP delivery) and `POST /api/mail/test` (Options >
 * Connections > SMTP: a fixed message to the caller's own mail, for operators and administrators).
 * Mounted by relay/app.ts with `app.route('/api/mail', mailRoutes(deps))`.
 *
 * A send goes: operator token → JSON schema (the contract's `MailRequest`, src/relay-api/contract.ts) →
 * Idempotency-Key (replay, mismatch, in progress) → rate limit → the published template the request
 * names (./published.ts: the newest version, not withdrawn; never a subject or body from the browser) →
 * Graph lookup of the target user → eligibility → render + recipient checks → SMTP. Every step before
 * SMTP refuses without sending anything.
 *
 * Each request also logs one `mail` line: request id, template name, target user id, recipient count,
 * outcome, error code and SMTP reply code. Never the subject, bodies, values, addresses or codes.
 */
import { Hono, type Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { AppError, isAppError } from '../../src/app-error';
import { IdempotencyKey, MailRequest, type MailTemplate } from '../../src/relay-api/contract';
import { getCaller, requireRoles, type RelayEnv } from '../auth';
import type { RelayConfig } from '../config';
import type { UserDirectory } from '../graph/directory';
import { toErrorResponse } from '../http-errors';
import type { LogFields, Logger } from '../log';
import type { Caller, TokenVerifier } from '../token';
import { codedRefusal, validJson } from '../validate';
import { checkEligible, composeMail, fillValues } from './compose';
import { requestFingerprint, type IdempotencyStore } from './idempotency';
import type { RateLimiter } from './rate-limit';
import type { MailTemplateSource } from './published';
import type { Mailer, SendOutcome } from './smtp-mailer';

/** What the mail routes need. */
export interface MailRouteDeps {
  config: RelayConfig;
  verifier: TokenVerifier;
  log: Logger;
  directory: UserDirectory;
  mailer: Mailer;
  idempotency: IdempotencyStore;
  limiter: RateLimiter;
  /** The published data-export templates (the relay's store). */
  templates: MailTemplateSource;
  /**
   * Whether a send is a Batch TAP item's one email (relay/batches/mail-allowance.ts): its batch bounds
   * it (one per user, by idempotency key), so the operator's per-minute limit does not pace it.
   */
  batchMail?: (key: string, request: MailRequest) => Promise<boolean>;
}

/** What one send renders: a published template (or the fixed test message) and the client's values. */
interface MailJob {
  template: MailTemplate;
  targetUserId: string;
  values: MailRequest['values'];
}

/** The success body of both routes. */
export interface MailSent {
  messageId: string;
  accepted: string[];
  rejected: string[];
  requestId: string;
}

/** The fixed message of `POST /api/mail/test`. */
export const TEST_TEMPLATE: MailTemplate = {
  name: 'Relay test',
  to: '${Mail}',
  subject: 'Keyward relay test',
  text:
    'Hello ${GivenName},\n\nThis is a test message from the Keyward relay, sent at the request of ${OperatorName}. ' +
    'If you can read it, the relay can deliver data-export email.\n',
};

/** Per-request facts for the `mail` log line, filled in as the request progresses. */
type MailLog = {
  template: string;
  targetUserId: string;
  recipients: number;
  smtpResponseCode: number | null;
  attempts: number;
  replayed: boolean;
  /** SMTP_TLS_FAILED's cause (relay/mail/smtp-tls.ts), so the log says what to fix. */
  tlsCause?: string;
};

const operatorName = (caller: Caller) => caller.name || caller.preferredUsername;

/** Refuses a body that is not JSON with 415 before the schema sees it. */
const requireJson = createMiddleware<RelayEnv>(async (c, next) => {
  if (!/^application\/json\s*(;|$)/i.test(c.req.header('Content-Type') ?? '')) {
    throw new AppError('relay', 'UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json.', {
      status: 415,
    });
  }
  await next();
});

/**
 * Checks the `Idempotency-Key` header against the contract (absent counts as empty).
 *
 * @throws AppError('relay', 'IDEMPOTENCY_KEY_REQUIRED' | 'IDEMPOTENCY_KEY_INVALID', …, { status: 400 })
 */
function parseIdempotencyKey(header: string | undefined): string {
  const result = IdempotencyKey.safeParse(header ?? '');
  if (result.success) return result.data;
  throw (
    codedRefusal(result.error.issues) ??
    new AppError('relay', 'IDEMPOTENCY_KEY_INVALID', 'Bad Idempotency-Key.', { status: 400 })
  );
}

/** Looks the user up, renders, checks and sends; records what the log line may say in `facts`. */
async function deliver(
  deps: MailRouteDeps,
  caller: Caller,
  request: MailRequest | MailJob,
  facts: MailLog,
  counted = true,
): Promise<SendOutcome> {
  const take = counted ? await deps.limiter.take(caller.oid) : { allowed: true as const };
  if (!take.allowed) {
    throw new AppError(
      'relay',
      'RATE_LIMITED',
      `Too many messages from this operator; try again in ${take.retryAfterSeconds} s.`,
      { status: 429, retryable: true, retryAfterSeconds: take.retryAfterSeconds },
    );
  }
  const template = 'id' in request.template ? await deps.templates(request.template) : request.template;
  facts.template = template.name.slice(0, 100);
  const user = await deps.directory.getUser(request.targetUserId);
  checkEligible(user);
  const mail = composeMail(
    template,
    fillValues(request.values, user, operatorName(caller)),
    user,
    deps.config.allowedDomains,
  );
  facts.recipients = mail.to.length + mail.cc.length;
  const sent = await deps.mailer.send(mail);
  facts.smtpResponseCode = sent.responseCode;
  facts.attempts = sent.attempts;
  return sent;
}

/** Runs `work` at most once per (caller, key, body) and answers with its (possibly replayed) outcome. */
async function once(
  c: Context<RelayEnv>,
  deps: MailRouteDeps,
  key: string | undefined,
  fingerprint: string,
  facts: MailLog,
  work: () => Promise<SendOutcome>,
) {
  const caller = getCaller(c).oid;
  const requestId = c.get('requestId');
  if (key === undefined) {
    const sent = await work();
    return c.json({
      messageId: sent.messageId,
      accepted: sent.accepted,
      rejected: sent.rejected,
      requestId,
    } satisfies MailSent);
  }
  const begun = await deps.idempotency.begin(caller, key, fingerprint);
  if (begun.kind === 'replay') {
    facts.replayed = true;
    c.header('Idempotent-Replayed', 'true');
    return c.json(begun.outcome.body as object, begun.outcome.status as 200);
  }
  try {
    const sent = await work();
    const body: MailSent = { messageId: sent.messageId, accepted: sent.accepted, rejected: sent.rejected, requestId };
    await deps.idempotency.complete(caller, key, { status: 200, body });
    return c.json(body);
  } catch (e) {
    // Only an ambiguous send is remembered: replaying it stops a retry from sending the TAP twice. Every
    // other failure sent nothing, so the key is freed for the retry.
    if (isAppError(e, 'relay', 'SMTP_UNCERTAIN')) {
      const { status, body } = toErrorResponse(e, requestId);
      await deps.idempotency.complete(caller, key, { status, body });
    } else {
      await deps.idempotency.release(caller, key);
    }
    throw e;
  }
}

/** Wraps a handler so that exactly one `mail` line is logged, whatever the outcome. */
async function logged<T>(deps: MailRouteDeps, c: Context<RelayEnv>, facts: MailLog, run: () => Promise<T>): Promise<T> {
  let outcome = 'failed';
  let errorCode: string | undefined;
  try {
    const result = await run();
    outcome = facts.replayed ? 'replayed' : 'sent';
    return result;
  } catch (e) {
    errorCode = isAppError(e) ? e.code : 'INTERNAL';
    if (isAppError(e) && typeof e.fields.smtpResponseCode === 'number')
      facts.smtpResponseCode = e.fields.smtpResponseCode;
    if (isAppError(e) && typeof e.fields.attempts === 'number') facts.attempts = e.fields.attempts;
    if (isAppError(e) && typeof e.fields.tlsCause === 'string') facts.tlsCause = e.fields.tlsCause;
    // fields.status first: toErrorResponse knows no 409 (app.ts answers it from fields.status).
    const status = !isAppError(e)
      ? 500
      : typeof e.fields.status === 'number'
        ? e.fields.status
        : toErrorResponse(e, '').status;
    outcome = status < 500 ? 'refused' : 'failed';
    throw e;
  } finally {
    const { replayed: _replayed, ...rest } = facts;
    const fields: LogFields = { requestId: c.get('requestId'), ...rest, outcome, errorCode };
    deps.log.info('mail', fields);
  }
}

/** Builds the `/api/mail` sub-app. */
export function mailRoutes(deps: MailRouteDeps): Hono<RelayEnv> {
  const operator = requireRoles(deps.verifier, deps.config.operatorRole);
  // The SMTP connection's test message: administrators set the connection up, operators check it works.
  const staff = requireRoles(deps.verifier, [deps.config.operatorRole, deps.config.administratorRole]);
  const body = validJson(MailRequest);
  return new Hono<RelayEnv>()
    .post('/', operator, requireJson, body, async (c) => {
      const request = c.req.valid('json');
      const facts: MailLog = {
        template: `${request.template.id} v${request.template.version}`.slice(0, 100),
        targetUserId: request.targetUserId,
        recipients: 0,
        smtpResponseCode: null,
        attempts: 0,
        replayed: false,
      };
      return logged(deps, c, facts, async () => {
        const key = parseIdempotencyKey(c.req.header('Idempotency-Key'));
        const ofBatch = deps.batchMail ? await deps.batchMail(key, request) : false;
        return once(c, deps, key, requestFingerprint('POST /api/mail', request), facts, () =>
          deliver(deps, getCaller(c), request, facts, !ofBatch),
        );
      });
    })
    .post('/test', staff, async (c) => {
      const caller = getCaller(c);
      const request: MailJob = { template: TEST_TEMPLATE, targetUserId: caller.oid, values: {} };
      const facts: MailLog = {
        template: TEST_TEMPLATE.name,
        targetUserId: caller.oid,
        recipients: 0,
        smtpResponseCode: null,
        attempts: 0,
        replayed: false,
      };
      return logged(deps, c, facts, async () => {
        const header = c.req.header('Idempotency-Key');
        const key = header === undefined ? undefined : parseIdempotencyKey(header);
        return once(c, deps, key, requestFingerprint('POST /api/mail/test', {}), facts, () =>
          deliver(deps, caller, request, facts),
        );
      });
    });
}
