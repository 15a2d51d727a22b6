/**
 * Sends a published data-export template (its newest version) to a user, from the relay's own
 * decision (the self-service routes: a card template's Initiate Card or Deliver email). The same
 * pipeline as `POST /api/mail` (./routes.ts): the published template (./published.ts), the Graph user,
 * eligibility, rendering with recipient checks (./compose.ts), the pooled SMTP mailer. The values (a
 * pass among them) go into the message only, never into a log or an error.
 */
import type { Kysely } from 'kysely';
import type { TemplateValues } from '../../src/mail/template';
import type { MailTemplateRef } from '../../src/relay-api/contract';
import { ExportTemplateBody } from '../../src/relay-api/template-schemas';
import type { RelayConfig } from '../config';
import type { Schema } from '../db/schema';
import type { DirectoryUser } from '../graph/directory';
import { checkEligible, composeMail, fillValues } from './compose';
import type { MailTemplateSource } from './published';
import type { Mailer, SendOutcome } from './smtp-mailer';

/** What a relay-initiated send needs. */
export interface PublishedMailDeps {
  config: RelayConfig;
  db: Kysely<Schema>;
  templates: MailTemplateSource;
  mailer: Mailer;
}

/** A data-export template at its newest published version (not withdrawn), as the store holds it. */
export interface PublishedEmailBody {
  readonly record: ExportTemplateBody;
  readonly version: number;
}

/** The newest published version of export template `templateId`, or undefined: never published, withdrawn or invalid. */
export async function newestPublishedEmail(
  db: Kysely<Schema>,
  templateId: string,
): Promise<PublishedEmailBody | undefined> {
  const newest = await db
    .selectFrom('templates')
    .select(['version', 'withdrawn', 'body'])
    .where('kind', '=', 'export')
    .where('id', '=', templateId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  const parsed = newest && !newest.withdrawn ? ExportTemplateBody.safeParse(newest.body) : undefined;
  return parsed?.success ? { record: parsed.data, version: newest!.version } : undefined;
}

/**
 * Renders and sends version `ref` of an export template for `user`.
 *
 * @throws the errors of ./published.ts (not published, withdrawn, outdated, invalid), ./compose.ts
 *   (recipients) and ./smtp-mailer.ts (SMTP); nothing is sent when any step before SMTP refuses.
 */
export async function sendPublishedTemplate(
  deps: PublishedMailDeps,
  ref: MailTemplateRef,
  user: DirectoryUser,
  values: TemplateValues,
  actingFor: string,
): Promise<SendOutcome> {
  const template = await deps.templates(ref);
  checkEligible(user);
  const mail = composeMail(template, fillValues(values, user, actingFor), user, deps.config.allowedDomains);
  return deps.mailer.send(mail);
}
