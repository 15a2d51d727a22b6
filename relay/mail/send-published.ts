/**
 * Sends the newest published version of a data-export template to a user, from the relay's own
 * decision (the self-service routes: a card template's Initiate Card or Deliver email). The same
 * pipeline as `POST /api/mail` (./routes.ts): the published template (./published.ts), the Graph user,
 * eligibility, rendering with recipient checks (./compose.ts), the pooled SMTP mailer. The values (a
 * pass among them) go into the message only, never into a log or an error.
 */
import type { Kysely } from 'kysely';
import type { TemplateValues } from '../../src/mail/template';
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

/**
 * Renders and sends the newest version of export template `templateId` for `user`.
 *
 * @throws the errors of ./published.ts (not published, withdrawn, invalid), ./compose.ts (recipients)
 *   and ./smtp-mailer.ts (SMTP); nothing is sent when any step before SMTP refuses.
 */
export async function sendPublishedTemplate(
  deps: PublishedMailDeps,
  templateId: string,
  user: DirectoryUser,
  values: TemplateValues,
  actingFor: string,
): Promise<SendOutcome> {
  const newest = await deps.db
    .selectFrom('templates')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('kind', '=', 'export')
    .where('id', '=', templateId)
    .executeTakeFirst();
  const template = await deps.templates({ id: templateId, version: newest?.version ?? 1 });
  checkEligible(user);
  const mail = composeMail(template, fillValues(values, user, actingFor), user, deps.config.allowedDomains);
  return deps.mailer.send(mail);
}
