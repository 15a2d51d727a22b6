import { expect, it } from 'vitest';
import { describeStore } from '../../test/support/describe-store';
import { appendAuditIn, type AuditEntry } from './chain';
import { verifyAuditChain } from './verify';
import { createAuditWriter, linkAuditSoon } from './writer';

const entry = (id: string, reason = ''): AuditEntry => ({
  actorOid: 'oid-olivia',
  actorName: 'Olivia Operator',
  action: 'card.issue',
  targetType: 'card',
  targetId: id,
  targetLabel: '',
  outcome: 'succeeded',
  reason,
});

describeStore('audit writer', (target) => {
  it('groups concurrent appends into few transactions, in call order, on one chain across instances', async () => {
    const fresh = await target.fresh();
    const writers = [fresh.database, await fresh.another()].map((d) => createAuditWriter(d.db));
    const records = await Promise.all(
      Array.from({ length: 100 }, (_, n) => writers[n % 2]!.append(entry(`serial:${n}`))),
    );
    const seqs = records.map((r) => r.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    // Each writer keeps its callers' order.
    for (const parity of [0, 1]) {
      const mine = seqs.filter((_, n) => n % 2 === parity);
      expect(mine).toEqual([...mine].sort((a, b) => a - b));
    }
    expect(await verifyAuditChain(fresh.database.db)).toMatchObject({ ok: true, rows: 100 });
  });

  it('fails every append of a failed transaction, writes none of them, and carries on', async () => {
    const { database } = await target.fresh();
    const writer = createAuditWriter(database.db);
    // While the first transaction runs, the next two queue up and go together in the next one.
    const first = writer.append(entry('serial:0'));
    // PostgreSQL refuses NUL in text: that whole batch is rolled back.
    const batch = [writer.append(entry('serial:1')), writer.append(entry('serial:2', 'bad\u0000byte'))];
    expect((await first).seq).toBe(1);
    const settled = await Promise.allSettled(batch);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect((await writer.append(entry('serial:3'))).seq).toBe(2);
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true, rows: 2 });
  });

  it('links rows committed pending, when asked after the commit, without any reader', async () => {
    const { database } = await target.fresh();
    const db = database.db;
    const pending = () => db.selectFrom('audit').select('id').where('seq', 'is', null).execute();
    await db.transaction().execute((tx) => appendAuditIn(tx, [{ entry: entry('serial:1'), at: new Date() }]));
    await createAuditWriter(db).link();
    expect(await pending()).toEqual([]);
    await db.transaction().execute((tx) => appendAuditIn(tx, [{ entry: entry('serial:2'), at: new Date() }]));
    expect(await pending()).toHaveLength(1);
    linkAuditSoon(db);
    await expect.poll(pending).toEqual([]);
    const rows = await db.selectFrom('audit').select(['seq', 'target_id']).orderBy('seq').execute();
    expect(rows).toEqual([
      { seq: '1', target_id: 'serial:1' },
      { seq: '2', target_id: 'serial:2' },
    ]);
  });
});
