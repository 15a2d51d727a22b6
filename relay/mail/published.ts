/**
 * The data-export templates `/api/mail` sends: only what an administrator published in the relay's store
 * (relay/templates/store.ts), at the version the browser names, and only while that version is the newest
 * and not withdrawn. The browser never supplies a subject, a body or a recipient pattern.
 */
import type { Kysely } from 'kysely';
import { AppError } from '../../src/app-error';
import { describePlacement, placementProblems } from '../../src/mail/secret-placement';
import type { MailTemplate, MailTemplateRef } from '../../src/relay-api/contract';
import { ExportTemplateBody } from '../../src/relay-api/template-schemas';
import type { Schema } from '../db/schema';

/** Finds the published template a mail request names, or refuses it. */
export type MailTemplateSource = (ref: MailTemplateRef) => Promise<MailTemplate>;

const refused = (status: number, code: string, message: string, fields: Record<string, unknown> = {}) =>
  new AppError('relay', code, message, { status, retryable: false, ...fields });

/**
 * Reads `ref` from the store in `db`.
 *
 * @throws AppError('relay', …) MAIL_TEMPLATE_NOT_PUBLISHED (404), MAIL_TEMPLATE_WITHDRAWN (409),
 *   MAIL_TEMPLATE_OUTDATED (409, with `currentVersion`), MAIL_TEMPLATE_INVALID (500: a stored body that
 *   no longer passes the publish rules, e.g. published before a rule was added).
 */
export function storedMailTemplates(db: Kysely<Schema>): MailTemplateSource {
  return async (ref) => {
    const newest = await db
      .selectFrom('templates')
      .select(['version', 'withdrawn', 'body'])
      .where('kind', '=', 'export')
      .where('id', '=', ref.id)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!newest || ref.version > newest.version)
      throw refused(404, 'MAIL_TEMPLATE_NOT_PUBLISHED', 'No data-export template of that id and version is published.');
    if (newest.withdrawn)
      throw refused(409, 'MAIL_TEMPLATE_WITHDRAWN', 'The data-export template was withdrawn; nothing was sent.');
    if (newest.version !== ref.version)
      throw refused(
        409,
        'MAIL_TEMPLATE_OUTDATED',
        `Version ${ref.version} of the data-export template is no longer the published one (now ${newest.version}); nothing was sent.`,
        { currentVersion: newest.version },
      );
    const parsed = ExportTemplateBody.safeParse(newest.body);
    const misplaced = parsed.success ? placementProblems(parsed.data) : [];
    if (!parsed.success || misplaced.length > 0)
      throw refused(500, 'MAIL_TEMPLATE_INVALID', 'The published data-export template breaks the rules for emails.', {
        problems: misplaced.map(describePlacement),
      });
    const { name, to, cc, subject, text, html } = parsed.data;
    return { name, to, cc, subject, text, html };
  };
}
