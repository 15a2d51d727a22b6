/**
 * Which sends Batch TAP takes out of the operator's mail rate limit: only the batch's own email for a
 * user whose pass is being (or was) created in an open batch, with the Deliver template it planned.
 */
import { expect, it } from 'vitest';
import { describeStore } from '../../test/support/describe-store';
import { batchMailKey } from '../../src/relay-api/batch-contract';
import { batchMailAllowance } from './mail-allowance';
import { changeState, claimAttempts, createBatch } from './store';

const actor = { oid: 'operator-1', name: 'Olivia' };
const plan = { request: { lifetimeInMinutes: 120 }, deliver: { id: 'tap-mail', version: 2 }, cardValues: {} };
const item = (n: number) => ({
  userId: `u-${n}`,
  upn: `u${n}@contoso.example`,
  displayName: `U ${n}`,
  plan,
  skip: null,
});
const mail = (userId: string, version = 2) => ({
  template: { id: 'tap-mail', version },
  targetUserId: userId,
  values: {},
});

describeStore('batch mail allowance', (target) => {
  it('exempts the batch email of a user being created, and nothing else', async () => {
    const { database } = await target.fresh();
    const db = database.db;
    const source = { kind: 'csv' as const, id: '', label: 'wave.csv' };
    const batchId = await createBatch(db, { source, templateId: 't', items: [item(1), item(2)] }, actor);
    const allowed = batchMailAllowance(db);
    const key = (userId: string) => batchMailKey(batchId, userId);
    // Pending: no pass yet, so no email of the batch is due.
    expect(await allowed(key('u-1'), mail('u-1'))).toBe(false);
    await claimAttempts(db, batchId, ['u-1'], new Date());
    expect(await allowed(key('u-1'), mail('u-1'))).toBe(true);
    // Another template or version, another user's key, or a key of no batch: counted as usual.
    expect(await allowed(key('u-1'), mail('u-1', 1))).toBe(false);
    expect(await allowed(key('u-2'), mail('u-1'))).toBe(false);
    expect(await allowed('unblock-123', mail('u-1'))).toBe(false);
    expect(await allowed(`tapbatch-${crypto.randomUUID()}-u-1`, mail('u-1'))).toBe(false);
    await changeState(db, batchId, 'cancelled', actor);
    expect(await allowed(key('u-1'), mail('u-1'))).toBe(false);
  });
});
