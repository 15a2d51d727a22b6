import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { appendAudit, recentAudit } from './audit';
import { clearConnection, readConnection, saveConnection } from './connections';

const actor = { oid: 'o-1', name: 'Aisha Operator', upn: 'aisha@contoso.example' };

describe('IndexedDB store', () => {
  it('saves, replaces and clears connection settings', async () => {
    expect(await readConnection('entra')).toBeUndefined();
    await saveConnection('entra', { tenantId: 'a' });
    await saveConnection('entra', { tenantId: 'b' });
    expect((await readConnection('entra'))?.settings).toEqual({ tenantId: 'b' });
    await clearConnection('entra');
    expect(await readConnection('entra')).toBeUndefined();
  });

  it('appends audit records and pages them newest first', async () => {
    for (let i = 0; i < 5; i++) {
      await appendAudit({
        at: new Date(2026, 0, 1, 0, i).toISOString(),
        actor,
        action: 'tap.create',
        tapId: `tap-${i}`,
        outcome: 'success',
      });
    }
    const first = await recentAudit(3);
    expect(first.map((r) => r.tapId)).toEqual(['tap-4', 'tap-3', 'tap-2']);
    const rest = await recentAudit(3, first.at(-1)!.seq);
    expect(rest.map((r) => r.tapId)).toEqual(['tap-1', 'tap-0']);
  });
});
