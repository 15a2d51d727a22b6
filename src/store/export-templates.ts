/**
 * Data-export email templates in this browser's copy (src/store/template-copy.ts keeps it in step with
 * the relay). Template text never contains secrets: codes arrive only as `${AadTapCode}` placeholders,
 * filled by the relay at send time.
 */
import { openKeywardDb, type ExportTemplateRecord } from './db';

export type { ExportTemplateRecord } from './db';

/** One template of the copy, or undefined. */
export async function getExportTemplate(id: string): Promise<ExportTemplateRecord | undefined> {
  return (await openKeywardDb()).get('exportTemplates', id);
}

/** Writes a template into the copy as this browser alone holds it (unpublished). */
export async function putExportTemplate(record: ExportTemplateRecord): Promise<void> {
  await (await openKeywardDb()).put('exportTemplates', record);
}
