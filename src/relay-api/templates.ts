/**
 * The browser's client for published templates (`/api/templates`): every role reads them; administrators
 * publish the next version (compare-and-set on the version they edited: a lost race raises
 * `TEMPLATE_CHANGED_ELSEWHERE`) and withdraw one.
 */
import { PublishedTemplate, TemplateList, type TemplateKind } from './contract';
import { relayCall, type RelayEndpoint } from './request';

const templatePath = (kind: TemplateKind, id: string) => `/api/templates/${kind}/${encodeURIComponent(id)}`;

/** The newest version of every template, withdrawn ones included (issued cards still name them). */
export async function fetchTemplates(relay: RelayEndpoint): Promise<PublishedTemplate[]> {
  return (await relayCall(relay, { path: '/api/templates', answer: TemplateList })).templates;
}

/** One version of one template. */
export function fetchTemplateVersion(
  relay: RelayEndpoint,
  kind: TemplateKind,
  id: string,
  version: number,
): Promise<PublishedTemplate> {
  return relayCall(relay, { path: `${templatePath(kind, id)}/${version}`, answer: PublishedTemplate });
}

/** Publishes `body` as the next version after `expectedVersion` (0 for a new template). */
export function publishTemplate(
  relay: RelayEndpoint,
  kind: TemplateKind,
  id: string,
  expectedVersion: number,
  body: Record<string, unknown>,
): Promise<PublishedTemplate> {
  return relayCall(relay, {
    method: 'PUT',
    path: templatePath(kind, id),
    body: { expectedVersion, body },
    answer: PublishedTemplate,
  });
}

/** Withdraws a template: no new work may use it; what was issued under it still names it. */
export function withdrawTemplate(
  relay: RelayEndpoint,
  kind: TemplateKind,
  id: string,
  expectedVersion: number,
): Promise<PublishedTemplate> {
  return relayCall(relay, {
    path: `${templatePath(kind, id)}/withdraw`,
    body: { expectedVersion },
    answer: PublishedTemplate,
  });
}
