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
import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { AppError } from '../../src/app-error';
import { IdempotencyKey, MailRequest, type MailTemplate } from '../../src/relay-api/contract';
import { getCaller, requireRoles, type RelayEnv } from '../auth';
import type { RelayConfig } from '../config';
import type { UserDirectory } from '../graph/directory';
import type { Logger } from '../log';
import type { Caller, TokenVerifier } from '../token';
import { codedRefusal, validJson } from '../validate';
import { checkEligible, composeMail, fillValues } from './compose';
import { requestFingerprint, type IdempotencyStore } from './idempotency';
import type { RateLimiter } from './rate-limit';
import type { MailTemplateSource } from './published';
import type { Mailer, SendOutcome } from './smtp-mailer';
import { logged, mailLog, type MailLog } from './mail-log';
import { once } from './send-once';

export type { MailSent } from './send-once';

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

/** The fixed message of `POST /api/mail/test`. */
export const TEST_TEMPLATE: MailTemplate = {
  name: 'Relay test',
  to: '${Mail}',
  subject: 'Keyward relay test',
  text:
    'Hello ${GivenName},\n\nThis is a test message from the Keyward relay, sent at the request of ${OperatorName}. ' +
    'If you can read it, the relay can deliver data-export email.\n',
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

/** Builds the `/api/mail` sub-app. */
export function mailRoutes(deps: MailRouteDeps): Hono<RelayEnv> {
  const operator = requireRoles(deps.verifier, deps.config.operatorRole);
  // The SMTP connection's test message: administrators set the connection up, operators check it works.
  const staff = requireRoles(deps.verifier, [deps.config.operatorRole, deps.config.administratorRole]);
  const body = validJson(MailRequest);
  return new Hono<RelayEnv>()
    .post('/', operator, requireJson, body, async (c) => {
      const request = c.req.valid('json');
      const facts = mailLog(`${request.template.id} v${request.template.version}`.slice(0, 100), request.targetUserId);
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
      const facts = mailLog(TEST_TEMPLATE.name, caller.oid);
      return logged(deps, c, facts, async () => {
        const header = c.req.header('Idempotency-Key');
        const key = header === undefined ? undefined : parseIdempotencyKey(header);
        return once(c, deps, key, requestFingerprint('POST /api/mail/test', {}), facts, () =>
          deliver(deps, caller, request, facts),
        );
      });
    });
}
