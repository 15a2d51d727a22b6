/**
 * Data-export templates for the lifecycle workflow tests, as an administrator publishes them: an email
 * to the holder (`${Mail}`), through the relay, sent automatically unless a test says otherwise.
 */
import type { ExportTemplateRecord } from '../../src/store/records';

/** An email export record named and worded by `parts`; the rest as the editor saves it by default. */
export function emailExport(
  parts: Pick<ExportTemplateRecord, 'id' | 'name' | 'subject' | 'text'> & Partial<ExportTemplateRecord>,
): ExportTemplateRecord {
  return {
    target: 'email',
    sendAutomatically: true,
    connector: 'relay',
    to: '${Mail}',
    cc: '',
    html: '',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...parts,
  };
}
