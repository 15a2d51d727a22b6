import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeStore } from '../../test/support/describe-store';
import type { RelayDatabase } from '../db/connect';
import { migrate, MIGRATIONS } from '../db/migrations';
import {
  appendAudit,
  appendAuditIn,
  chainHash,
  GENESIS_HASH,
  linkAudit,
  type AuditEntry,
  type LinkedColumns,
} from './chain';
import { verifyAuditChain } from './verify';

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

/** Commits `ns` pending in one transaction, as a card transition does, and links nothing. */
const commitPending = (database: RelayDatabase, ...ns: number[]) =>
  database.db.transaction().execute((tx) =>
    appendAuditIn(
      tx,
      ns.map((n) => ({ entry: entry(n), at: new Date() })),
    ),
  );

const places = (database: RelayDatabase) =>
  database.db.selectFrom('audit').select(['seq', 'target_id']).orderBy('id').execute();

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
    const altered = await database.db
      .selectFrom('audit')
      .selectAll()
      .where('seq', '=', '3')
      .$narrowType<LinkedColumns>()
      .executeTakeFirstOrThrow();
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

  it('keeps rows pending until their transaction commits and a link chains them, in arrival order', async () => {
    const { database } = await target.fresh();
    await appendAudit(database.db, entry(1));
    await commitPending(database, 2, 3);
    const rolledBack = database.db.transaction().execute(async (tx) => {
      await appendAuditIn(tx, [{ entry: entry(99), at: new Date() }]);
      throw new Error('the card change failed');
    });
    await expect(rolledBack).rejects.toThrow('the card change failed');
    expect(await places(database)).toEqual([
      { seq: '1', target_id: 'serial:1' },
      { seq: null, target_id: 'serial:2' },
      { seq: null, target_id: 'serial:3' },
    ]);
    await linkAudit(database.db);
    expect((await places(database)).map((r) => r.seq)).toEqual(['1', '2', '3']);
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true, rows: 3 });
  });

  it('chains rows that one instance committed and never linked (a crash) when another reads or appends', async () => {
    const fresh = await target.fresh();
    await commitPending(fresh.database, 1, 2);
    const other = await fresh.another();
    expect(await verifyAuditChain(other.db)).toMatchObject({ ok: true, rows: 2 });
    await commitPending(fresh.database, 3);
    expect((await appendAudit(other.db, entry(4))).seq).toBe(4);
    expect(await verifyAuditChain(other.db)).toMatchObject({ ok: true, rows: 4 });
  });

  it('allows filling in a pending row its place once, content untouched; a forged place fails verification', async () => {
    const { database } = await target.fresh();
    await commitPending(database, 1);
    const db = database.db;
    await expect(sql`update audit set target_label = 'Card 1 for Nina'`.execute(db)).rejects.toThrow(/append-only/);
    await expect(
      sql`update audit set seq = 1, prev_hash = ${GENESIS_HASH}, hash = ${'f'.repeat(64)}, reason = 'x'`.execute(db),
    ).rejects.toThrow(/append-only/);
    // Whoever may update the table can place a pending row, but only its true hash verifies.
    await sql`update audit set seq = 1, prev_hash = ${GENESIS_HASH}, hash = ${'f'.repeat(64)}`.execute(db);
    expect(await verifyAuditChain(db)).toEqual({ ok: false, rows: 0, brokenSeq: 1, problem: 'ROW_ALTERED' });
    const row = await db.selectFrom('audit').selectAll().$narrowType<LinkedColumns>().executeTakeFirstOrThrow();
    await expect(sql`update audit set hash = ${chainHash(GENESIS_HASH, row)}`.execute(db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`update audit set seq = null, prev_hash = null, hash = null`.execute(db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`truncate audit`.execute(db)).rejects.toThrow(/append-only/);
  });

  it('chains every row once when transactions commit pending and link on two instances at once', async () => {
    const fresh = await target.fresh();
    const handles = [fresh.database, await fresh.another()];
    await Promise.all(
      Array.from({ length: 40 }, async (_, n) => {
        const database = handles[n % 2]!;
        await commitPending(database, n);
        await linkAudit(database.db);
      }),
    );
    const rows = await places(fresh.database);
    expect(rows.map((r) => Number(r.seq)).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => r.target_id)).size).toBe(40);
    expect(await verifyAuditChain(fresh.database.db)).toMatchObject({ ok: true, rows: 40 });
  });

  it('keeps verifying a trail written before rows were linked after commit (migration 6), and extends it', async () => {
    const { database } = await target.fresh();
    const db = database.db;
    await sql`drop schema public cascade`.execute(db);
    await sql`create schema public`.execute(db);
    await migrate(
      db,
      MIGRATIONS.filter((m) => m.version < 6),
    );
    // Rows as the relay wrote them then: placed in the chain as they were inserted.
    let prevHash = GENESIS_HASH;
    for (let n = 1; n <= 3; n++) {
      const { actorOid, actorName, action, targetType, targetId, targetLabel, outcome, reason } = entry(n);
      const content = {
        ...{ seq: String(n), at: new Date(), actor_oid: actorOid, actor_name: actorName, action },
        ...{ target_type: targetType, target_id: targetId, target_label: targetLabel, outcome, reason },
      };
      const hash = chainHash(prevHash, content);
      await db
        .insertInto('audit')
        .values({ ...content, prev_hash: prevHash, hash })
        .execute();
      prevHash = hash;
    }
    await migrate(db);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, rows: 3, lastHash: prevHash });
    await commitPending(database, 4);
    expect((await appendAudit(db, entry(5))).seq).toBe(5);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, rows: 5 });
  });
});
