import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { clearConnection, readConnection, saveConnection } from './connections';

describe('IndexedDB store', () => {
  it('saves, replaces and clears connection settings', async () => {
    expect(await readConnection('entra')).toBeUndefined();
    await saveConnection('entra', { tenantId: 'a' });
    await saveConnection('entra', { tenantId: 'b' });
    expect((await readConnection('entra'))?.settings).toEqual({ tenantId: 'b' });
    await clearConnection('entra');
    expect(await readConnection('entra')).toBeUndefined();
  });
});
