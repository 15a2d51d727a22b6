/**
 * The Data Export editor's aids: the variables it offers, obviously fake sample values, the live preview
 * rendered with them (the relay's own renderer, src/mail/template.ts), and placeholder insertion at the caret.
 */
import { renderEmail, TEMPLATE_VARIABLES, type RenderedEmail, type TemplateVariable } from '../mail/template';
import type { ExportTemplateDraft } from './export-templates';

/** Every variable a template may use, in the order the picker lists them. */
export const VARIABLE_CHOICES: readonly { name: TemplateVariable; description: string }[] = Object.entries(
  TEMPLATE_VARIABLES,
).map(([name, description]) => ({ name: name as TemplateVariable, description }));

/** Obviously fake values for the preview: nothing here can be mistaken for a real pass or person. */
export function sampleValues(): Record<TemplateVariable, string> {
  return {
    AadTapId: '00000000-0000-0000-0000-000000000000',
    AadTapCode: 'SAMPLE-CODE',
    AadTapLifetimeMinutes: '60',
    AadTapStart: '2030-01-01 09:00 UTC',
    AadTapExpires: '2030-01-01 10:00 UTC',
    AadTapUsableOnce: 'yes',
    DisplayName: 'Sample User',
    GivenName: 'Sample',
    Surname: 'User',
    UserPrincipalName: 'sample.user@example.invalid',
    Mail: 'sample.user@example.invalid',
    CardSerial: '00000000',
    CredentialType: 'Sample credential · PIV',
    OperatorName: 'Sample Operator',
    ActivationPin: '000000',
  };
}

/** Renders `draft` with the sample values; throws like `renderEmail` (unknown variable, header injection). */
export function previewEmail(draft: ExportTemplateDraft): RenderedEmail {
  return renderEmail(draft, sampleValues());
}

/**
 * Inserts `${name}` into `source` over the selection `start..end` (the caret when equal); returns the new
 * value and the caret just after the placeholder. Out-of-range positions clamp to the end.
 */
export function insertPlaceholder(
  source: string,
  name: TemplateVariable,
  start: number,
  end = start,
): { value: string; caret: number } {
  const from = Math.min(Math.max(0, start), source.length);
  const to = Math.min(Math.max(from, end), source.length);
  const placeholder = `\${${name}}`;
  return { value: source.slice(0, from) + placeholder + source.slice(to), caret: from + placeholder.length };
}
