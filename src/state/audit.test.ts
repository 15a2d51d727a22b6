/**
 * The Audit screen's state over the real relay (test/support/relay-world.ts: the app on PGlite, reached
 * as the fake tenant's people): rows appended by an operator, read, filtered, paged, exported and
 * verified by an auditor, and a row altered in the database named by the chain check.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { PEOPLE, useRelayWorld, type Person } from '../../test/support/relay-world';
import { appendAuditRow } from '../relay-api/audit';
import { AUDIT_PAGE_SIZE } from '../workflows/audit-trail';
import { AuditState, filterOf } from './audit.svelte';

const world = useRelayWorld();

/** `count` rows of `who` acting on cards serial:1…serial:count, alternately issued and retired. */
async function actions(who: Person, count: number): Promise<void> {
  const relay = world().endpoint(who);
  for (let n = 1; n <= count; n++)
    await appendAuditRow(relay, {
      action: n % 2 ? 'card.issue' : 'card.retire',
      target: { type: 'card', id: `serial:${n}`, label: `Card ${n}` },
      outcome: 'succeeded',
    });
}

const auditAs = (who: Person | null) => new AuditState(() => (who ? world().endpoint(who) : null));

describe('AuditState', () => {
  it('reads the trail newest first, a page at a time, as the relay recorded it', async () => {
    await actions(PEOPLE.olivia, AUDIT_PAGE_SIZE + 3);
    const audit = auditAs(PEOPLE.audrey);
    await audit.search();
    expect(audit.error).toBeNull();
    expect(audit.entries).toHaveLength(AUDIT_PAGE_SIZE);
    expect(audit.entries[0]).toMatchObject({
      seq: AUDIT_PAGE_SIZE + 3,
      actor: { oid: PEOPLE.olivia.oid, name: 'Olivia Operator' },
      action: 'card.issue',
      target: { type: 'card', id: `serial:${AUDIT_PAGE_SIZE + 3}` },
    });
    expect(audit.more).toBe(true);
    await audit.older();
    expect(audit.entries.map((e) => e.seq).slice(-3)).toEqual([3, 2, 1]);
    expect(audit.more).toBe(false);
  });

  it('filters by actor, target, action and time, and pages within the filter', async () => {
    await actions(PEOPLE.olivia, 4);
    await actions(PEOPLE.priya, 2);
    const audit = auditAs(PEOPLE.audrey);
    audit.form.actor = PEOPLE.priya.oid;
    await audit.search();
    expect(audit.entries.map((e) => [e.actor.name, e.target.id])).toEqual([
      ['Priya Operator', 'serial:2'],
      ['Priya Operator', 'serial:1'],
    ]);
    audit.form = { actor: '', target: 'serial:2', action: 'card.retire', from: '', to: '' };
    await audit.search();
    expect(audit.entries.map((e) => e.actor.name)).toEqual(['Priya Operator', 'Olivia Operator']);
    audit.form = { ...audit.form, target: '', action: '', from: '2000-01-01T00:00', to: '2000-01-02T00:00' };
    await audit.search();
    expect(audit.entries).toEqual([]);
    await audit.clearFilter();
    expect(audit.entries).toHaveLength(6);
  });

  it('exports the rows the form matches as CSV, every page of them', async () => {
    await actions(PEOPLE.olivia, 3);
    const audit = auditAs(PEOPLE.audrey);
    audit.form.action = 'card.issue';
    const csv = await audit.exportCsv();
    const lines = csv?.trim().split(/\r?\n/) ?? [];
    expect(lines[0]).toMatch(/^seq,at,actor_oid,actor_name,action,/);
    expect(lines.slice(1).map((l) => l.split(',')[6])).toEqual(['serial:3', 'serial:1']);
  });

  it('verifies the chain, then names the first row altered directly in the database', async () => {
    await actions(PEOPLE.olivia, 4);
    const audit = auditAs(PEOPLE.audrey);
    await audit.verify();
    expect(audit.verdict).toMatchObject({ ok: true, rows: 4 });

    await sql`alter table audit disable trigger audit_append_only`.execute(world().database.db);
    await sql`update audit set target_label = 'Card 9' where seq = 3`.execute(world().database.db);
    await audit.verify();
    expect(audit.verdict).toEqual({ ok: false, rows: 2, brokenSeq: 3, problem: 'ROW_ALTERED' });
  });

  it('says why when the caller may not read the trail, and does nothing while signed out', async () => {
    await actions(PEOPLE.olivia, 1);
    const operator = auditAs(PEOPLE.olivia);
    await operator.search();
    expect(operator.error).toMatchObject({ layer: 'relay-api', code: 'ROLE_MISSING' });
    expect(operator.entries).toEqual([]);

    const nobody = auditAs(null);
    await nobody.search();
    await nobody.verify();
    expect([nobody.loaded, nobody.verdict, nobody.error]).toEqual([false, null, null]);
  });

  it('refuses a time range that ends before it starts, without asking the relay', () => {
    expect(() =>
      filterOf({ actor: '', target: '', action: '', from: '2026-12-05T10:00', to: '2026-12-05T09:00' }),
    ).toThrow(expect.objectContaining({ layer: 'state', code: 'AUDIT_RANGE_BACKWARDS' }));
    expect(filterOf({ actor: ' oid-1 ', target: '', action: '', from: '', to: '' })).toEqual({ actor: 'oid-1' });
  });
});
