/**
 * A `TemplateStore` read straight from the service (`GET /api/templates`), with no copy in this browser:
 * what the lifecycle needs until the offline IndexedDB copy of published templates is wired in its place
 * (it implements the same port). Each call asks the service, so it never lags behind a publication.
 */
import { fetchTemplates } from '../relay-api/templates';
import { CardTemplateBody, ExportTemplateBody } from '../relay-api/template-schemas';
import type { PublishedTemplate } from '../relay-api/contract';
import type { RelayEndpoint } from '../relay-api/request';
import type { CardTemplateRecord, ExportTemplateRecord } from '../store/db';
import type { Published, TemplateStore } from './ports';

/** The usable templates of one kind, each body checked by its schema (one that fails is left out). */
function usable<T>(
  all: readonly PublishedTemplate[],
  kind: PublishedTemplate['kind'],
  parse: (body: unknown) => { success: boolean },
): Published<T>[] {
  return all
    .filter((t) => t.kind === kind && !t.withdrawn && parse(t.body).success)
    .map((t) => ({ record: t.body as T, version: t.version }));
}

/** The published templates, asked of the service at each call. */
export function onlineTemplateStore(relay: RelayEndpoint): TemplateStore {
  const cards = async () =>
    usable<CardTemplateRecord>(await fetchTemplates(relay), 'card', (b) => CardTemplateBody.safeParse(b));
  return {
    cardTemplates: cards,
    cardTemplate: async (id) => (await cards()).find((t) => t.record.id === id) ?? null,
    exportTemplates: async () =>
      usable<ExportTemplateRecord>(await fetchTemplates(relay), 'export', (b) => ExportTemplateBody.safeParse(b)),
  };
}
