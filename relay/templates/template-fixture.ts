/**
 * Template records for tests, as the browser's editors save them (src/store/db.ts), and a way to publish
 * one through the relay's real routes.
 */
import type { CardTemplateBody, ExportTemplateBody } from '../../src/relay-api/template-schemas';

/** A card template: a user is assigned, the activation PIN is shown, no certificate, no TAP. */
export function cardTemplate(id = 'tpl-standard', name = 'Standard'): CardTemplateBody {
  return {
    id,
    name,
    description: 'Staff badge.\nIssued at the helpdesk.',
    allowedCredentialTypes: ['yubikey', 'piv'],
    issue: {
      assignUser: true,
      pinPolicy: { minLength: 6, maxLength: 8, digitsOnly: true },
      activationPin: { delivery: 'show' },
      certificate: { slot: '9a', algorithm: 'ECCP256', subject: 'CN=${DisplayName}', upnSan: '${UserPrincipalName}' },
    },
    tap: {
      enabled: true,
      userMayRequest: false,
      forceAuthentication: false,
      forceAuthenticationDeliverTemplateId: null,
      operatorMayGenerate: true,
      showCode: true,
      operatorDeliverTemplateId: 'tap-mail',
      lifetimeOverrideMinutes: 60,
      usableOnce: true,
    },
    initiate: { systemGeneratesTap: false, exportTemplateIds: [] },
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
