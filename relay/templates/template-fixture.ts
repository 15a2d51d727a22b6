/**
 * Template records for tests, as the browser's editors save them (src/store/db.ts), and a way to publish
 * one through the relay's real routes.
 */
import type { CardTemplateBody, ExportTemplateBody } from '../../src/relay-api/template-schemas';
import { DEFAULT_CERTIFICATE, emptyCardDraft } from '../../src/workflows/card-templates';

/**
 * A card template as the editor saves one (src/workflows/card-templates.ts): its new template, with an
 * enrolled certificate and a TAP the operator generates (60 minutes, usable once, shown and emailed with
 * tap-mail).
 */
export function cardTemplate(id = 'tpl-standard', name = 'Standard'): CardTemplateBody {
  const draft = emptyCardDraft();
  return {
    id,
    ...draft,
    name,
    description: 'Staff badge.\nIssued at the helpdesk.',
    issue: { ...draft.issue, certificate: { ...DEFAULT_CERTIFICATE } },
    tap: {
      ...draft.tap,
      enabled: true,
      operatorMayGenerate: true,
      showCode: true,
      operatorDeliverTemplateId: 'tap-mail',
      lifetimeOverrideMinutes: 60,
      usableOnce: true,
    },
    updatedAt: '2026-12-01T09:00:00.000Z',
  };
}

/** A data-export email template delivering a TAP. */
export function exportTemplate(id = 'tap-mail'): ExportTemplateBody {
  return {
    id,
    name: 'Temporary Access Pass',
    target: 'email',
    sendAutomatically: true,
    connector: 'relay',
    to: '${Mail}',
    cc: '',
    subject: 'Your Temporary Access Pass',
    text: 'Hello ${DisplayName},\n\nYour pass: ${AadTapCode}\n',
    html: '<p>Your pass: <code>${AadTapCode}</code></p>',
    updatedAt: '2026-12-01T09:00:00.000Z',
  };
}
