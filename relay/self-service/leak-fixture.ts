/**
 * Where a secret the relay handled (a pass, a PUK, a key) could leak, as scan sources for
 * test/support/secrecy-scan.ts: the audit trail, the relay's log records, every table of the store.
 */
import type { ScanSource } from '../../test/support/secrecy-scan';
import { appendAudit } from '../audit/chain';
import type { RelayDatabase } from '../db/connect';

/** Where a secret could leak: the audit trail, the relay's log records, every table of the store. */
export function leakSources(database: RelayDatabase, logs: Record<string, unknown>[]): ScanSource[] {
  const tables = ['audit', 'cards', 'card_events', 'card_master_key', 'self_service_challenges'] as const;
  return [
    {
      read: async () =>
        Promise.all(
          tables.map(async (t) => ({
            name: `table ${t}`,
            values: await database.db.selectFrom(t).selectAll().execute(),
          })),
        ),
      async plant(canary) {
        const entry = {
          actorOid: 'scan',
          actorName: 'scan',
          action: 'scan.canary',
          targetType: 'key',
          targetId: 'scan',
        };
        await appendAudit(database.db, { ...entry, targetLabel: '', outcome: 'refused', reason: String(canary.value) });
        return { places: ['table audit'], remove: async () => {} };
      },
    },
    {
      read: async () => [{ name: 'relay log', values: [...logs] }],
      async plant(canary) {
        logs.push({ msg: 'canary', value: canary.value });
        return { places: ['relay log'], remove: async () => void logs.pop() };
      },
    },
  ];
}
