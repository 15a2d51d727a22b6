/**
 * Repository for data-export email templates. Template text never contains secrets: codes arrive only
 * as `${AadTapCode}` placeholders, filled by the relay at send time.
 */
import { openKeywardDb, type ExportTemplateRecord } from './db';

export type { ExportTemplateRecord } from './db';

/** All templates, by name. */
export async function listExportTemplates(): Promise<ExportTemplateRecord[]> {
  return (await openKeywardDb()).getAllFromIndex('exportTemplates', 'name');
}

/** One template, or undefined. */
export async function getExportTemplate(id: string): Promise<ExportTemplateRecord | undefined> {
  return (await openKeywardDb()).get('exportTemplates', id);
}

/** Creates or replaces a template (names are unique: a clash rejects with a ConstraintError). */
export async function putExportTemplate(record: ExportTemplateRecord): Promise<void> {
  await (await openKeywardDb()).put('exportTemplates', record);
}

/** Deletes a template. */
export async function deleteExportTemplate(id: string): Promise<void> {
  await (await openKeywardDb()).delete('exportTemplates', id);
}
