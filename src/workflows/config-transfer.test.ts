/**
 * Configuration backup and import over the real relay (test/support/relay-world.ts) and fake-indexeddb:
 * connections are this browser's, templates are published through the relay and never overwritten. The
 * files the import refuses: config-transfer-refusals.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { keepKeyLikeAnOlderKeyward } from '../../test/support/older-browser-key';
import { readConnections, replaceConnections } from '../store/config-transfer';
import type { ConnectionRecord } from '../store/db';
import { exportConfiguration, importConfiguration } from './config-transfer';
import { useSeededConfiguration } from './config-transfer-fixture';
import { DEFAULT_TEMPLATE, publishExportTemplate } from './export-templates';

describe('configuration export and import', () => {
  const cfg = useSeededConfiguration();

  it('round-trips byte for byte through an empty relay, and leaves the master key out', async () => {
    const { world, store, baseline } = cfg();
    await keepKeyLikeAnOlderKeyward('a long enough passphrase');
    const parsed = JSON.parse(baseline) as Record<string, unknown[]>;
    expect(Object.keys(parsed)).toEqual(['format', 'version', 'connections', 'exportTemplates', 'cardTemplates']);
    expect([parsed.connections!.length, parsed.exportTemplates!.length, parsed.cardTemplates!.length]).toEqual([
      2, 2, 2,
    ]);
    expect(baseline).not.toMatch(/card-master-key|publication/);

    await world.reset();
    const summary = await importConfiguration(baseline, store);
    expect(summary.connections).toBe(2);
    // Data-export templates first: card templates refer to them.
    expect(summary.published.map((t) => t.kind)).toEqual(['export', 'export', 'card', 'card']);
    expect(summary.published.map((t) => `${t.kind} ${t.name} v${t.version}`).sort()).toEqual([
      'card Plain PIV v1',
      'card YubiKey with TAP v1',
      'export Card activation v1',
      'export Temporary Access Pass v1',
    ]);
    expect([summary.unchanged, summary.conflicts]).toEqual([[], []]);
    expect((await exportConfiguration(store)).text).toBe(baseline);
  });

  it('leaves templates published as they are, and lists a changed or withdrawn one as a conflict, never overwritten', async () => {
    const { store, baseline, onRelay } = cfg();
    const again = await importConfiguration(baseline, store);
    expect([again.published, again.conflicts]).toEqual([[], []]);
    expect(again.unchanged).toHaveLength(4);

    const [activation, plain] = [
      (await store.published('export')).find((t) => t.name === 'Card activation')!,
      (await store.published('card')).find((t) => t.name === 'Plain PIV')!,
    ];
    await publishExportTemplate(
      store,
      { ...DEFAULT_TEMPLATE, name: 'Card activation', subject: 'Changed' },
      activation,
    );
    await store.withdraw('card', plain.id, 1);
    const summary = await importConfiguration(baseline, store);
    expect(summary.conflicts.map((c) => [c.name, c.reason, c.current?.publication.version])).toEqual([
      ['Card activation', 'changed', 2],
      ['Plain PIV', 'withdrawn', 1],
    ]);
    expect(summary.conflicts[0]!.current?.publication.publishedBy.name).toBe('Adam Admin');
    expect(await onRelay()).toEqual([
      ['card', 'Plain PIV', 1, true],
      ['card', 'YubiKey with TAP', 1, false],
      ['export', 'Card activation', 2, false],
      ['export', 'Temporary Access Pass', 1, false],
    ]);
  });

  it('backs up a card template whose email was withdrawn, and imports that backup listing the reference', async () => {
    const { world, store, baseline } = cfg();
    const activation = (await store.published('export')).find((t) => t.name === 'Card activation')!;
    await store.withdraw('export', activation.id, 1);
    const backup = (await exportConfiguration(store)).text;
    expect(JSON.parse(backup).exportTemplates).toHaveLength(1);

    await world.reset();
    const summary = await importConfiguration(backup, store);
    expect(summary.unresolvedEmails).toEqual([
      { cardTemplate: 'YubiKey with TAP', field: 'tap.operatorDeliverTemplateId', exportTemplateId: activation.id },
      { cardTemplate: 'YubiKey with TAP', field: 'initiate.exportTemplateIds[1]', exportTemplateId: activation.id },
    ]);
    // Emails first, then card templates; within a kind the file lists them by id, which is random.
    expect(summary.published.map((t) => t.kind)).toEqual(['export', 'card', 'card']);
    expect(summary.published.map((t) => `${t.kind} ${t.name}`).sort()).toEqual([
      'card Plain PIV',
      'card YubiKey with TAP',
      'export Temporary Access Pass',
    ]);
    expect(summary.conflicts).toEqual([]);
    // Nothing lost: the relay holds what the backup held.
    expect((await exportConfiguration(store)).text).toBe(backup);
    // A complete file lists nothing.
    await world.reset();
    expect((await importConfiguration(baseline, store)).unresolvedEmails).toEqual([]);
  });

  it('replaces the connections: settings missing from the file are gone afterwards', async () => {
    const { store, baseline } = cfg();
    const file = JSON.parse(baseline) as { connections: unknown[] };
    file.connections = file.connections.slice(0, 1);
    await importConfiguration(JSON.stringify(file), store);
    expect((await readConnections()).map((c) => c.id)).toEqual(['entra']);
  });

  it('writes connections in one transaction: a write the store refuses rolls back the clear before it', async () => {
    const before = await readConnections();
    const keyless = { settings: {}, updatedAt: '2026-01-01T00:00:00.000Z' } as unknown as ConnectionRecord;
    await expect(replaceConnections([before[0]!, keyless])).rejects.toMatchObject({ name: 'DataError' });
    expect(await readConnections()).toEqual(before);
  });
});
