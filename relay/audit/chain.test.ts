import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeStore } from '../../test/support/describe-store';
import { appendAudit, chainHash, GENESIS_HASH, verifyAuditChain, type AuditEntry } from './chain';

const entry = (n: number): AuditEntry => ({
  actorOid: 'oid-olivia',
  actorName: 'Olivia Operator',
  action: 'card.issue',
  targetType: 'card',
  targetId: `serial:${n}`,
  targetLabel: `Card ${n} for Ben`,
  outcome: 'succeeded',
  reason: '',
});

describeStore('audit chain', (target) => {
  it('chains each row to the previous one, and verifies the whole trail', async () => {
    const { database } = await target.fresh();
    const at = new Date('2026-12-04T10:00:00.123Z');
    const records = [];
    for (let n = 1; n <= 3; n++) records.push(await appendAudit(database.db, entry(n), at));
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3]);
    const rows = await database.db.selectFrom('audit').select(['seq', 'prev_hash', 'hash']).orderBy('seq').execute();
    expect(rows[0]!.prev_hash).toBe(GENESIS_HASH);
    expect(rows[1]!.prev_hash).toBe(rows[0]!.hash);
    expect(records[0]).toMatchObject({ at: '2026-12-04T10:00:00.123Z', target: { id: 'serial:1' } });
    expect(await verifyAuditChain(database.db)).toEqual({ ok: true, rows: 3, lastHash: records[2]!.hash });
  });

  it('refuses to update or delete rows', async () => {
    const { database } = await target.fresh();
    await appendAudit(database.db, entry(1));
    await expect(
      database.db
        .updateTable('audit')
        .set({ outcome: 'failed' } as never)
        .execute(),
    ).rejects.toThrow(/append-only/);
    await expect(database.db.deleteFrom('audit').execute()).rejects.toThrow(/append-only/);
  });

  it('names the first row altered, re-hashed or removed directly in the database', async () => {
    const { database } = await target.fresh();
    for (let n = 1; n <= 5; n++) await appendAudit(database.db, entry(n));
    // Whoever tampers must own the table and switch its guard off first.
    await sql`alter table audit disable trigger audit_append_only`.execute(database.db);
    await sql`update audit set target_label = 'Card 3 for Nina' where seq = 3`.execute(database.db);
    expect(await verifyAuditChain(database.db)).toEqual({ ok: false, rows: 2, brokenSeq: 3, problem: 'ROW_ALTERED' });
    // Re-hashing the altered row moves the break to the next row, which still names the old hash.
    const altered = await database.db.selectFrom('audit').selectAll().where('seq', '=', '3').executeTakeFirstOrThrow();
    const rehash = chainHash(altered.prev_hash, altered);
    await sql`update audit set hash = ${rehash} where seq = 3`.execute(database.db);
    expect(await verifyAuditChain(database.db)).toMatchObject({ brokenSeq: 4, problem: 'CHAIN_BROKEN' });
    await sql`delete from audit where seq >= 3`.execute(database.db);
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true, rows: 2 });
    await sql`delete from audit where seq = 1`.execute(database.db);
    expect(await verifyAuditChain(database.db)).toEqual({ ok: false, rows: 0, brokenSeq: 2, problem: 'SEQUENCE_GAP' });
  });

  it('keeps one unbroken chain when two instances append at the same time', async () => {
    const fresh = await target.fresh();
    const handles = [fresh.database, await fresh.another()];
    const records = await Promise.all(Array.from({ length: 40 }, (_, n) => appendAudit(handles[n % 2]!.db, entry(n))));
    expect(records.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(await verifyAuditChain(fresh.database.db)).toMatchObject({ ok: true, rows: 40 });
  });
});
