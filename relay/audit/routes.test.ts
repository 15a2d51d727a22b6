import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeStore } from '../../test/support/describe-store';
import { createFakeTenant } from '../../test/support/fake-tenant';
import { bearerFor, buildTestApp, PEOPLE, type Person } from '../../test/support/relay-app';
import type { AuditPage } from './search';

const { olivia: OLIVIA, adam: ADAM, audrey: AUDREY, nina: NINA } = PEOPLE;

const cardIssued = (id: string) => ({
  action: 'card.issue',
  target: { type: 'card', id, label: `YubiKey ${id} for Ben` },
  outcome: 'succeeded',
});

describeStore('/api/audit', (target) => {
  async function world() {
    const { database } = await target.fresh();
    const tenant = await createFakeTenant();
    const { app } = buildTestApp({ fetch: tenant.fetch, database });
    const append = async (who: Person, body: unknown) =>
      app.request('/api/audit', {
        method: 'POST',
        headers: { ...(await bearerFor(tenant, who)), 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const read = async (who: Person, path: string) => app.request(path, { headers: await bearerFor(tenant, who) });
    return { app, database, append, read };
  }

  it('lets operators and administrators append, as themselves, and only auditors read', async () => {
    const { app, append, read } = await world();
    const created = await append(OLIVIA, cardIssued('serial:100'));
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ seq: 1, actor: { oid: 'oid-olivia', name: 'Olivia Operator' } });
    expect((await append(ADAM, { ...cardIssued('serial:100'), action: 'template.publish' })).status).toBe(201);
    for (const who of [AUDREY, NINA]) {
      const refused = await append(who, cardIssued('serial:100'));
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ error: { code: 'ROLE_MISSING' } });
    }
    for (const path of ['/api/audit', '/api/audit/verify', '/api/audit?format=csv']) {
      expect((await read(OLIVIA, path)).status).toBe(403);
      expect((await read(ADAM, path)).status).toBe(403);
      expect((await app.request(path)).status).toBe(401);
      expect((await read(AUDREY, path)).status).toBe(200);
    }
  });

  it('refuses a body with fields outside the schema, so no PIN or TAP code can be written', async () => {
    const { database, append } = await world();
    for (const body of [
      { ...cardIssued('serial:1'), pin: '123456' },
      { ...cardIssued('serial:1'), target: { type: 'card', id: 'serial:1', tapCode: 'Xq7#mP2k' } },
      { ...cardIssued('serial:1'), actor: 'someone else' },
      { ...cardIssued('serial:1'), action: 'Card issued!' },
      { ...cardIssued('serial:1'), reason: 'line one\nline two' },
    ]) {
      const res = await append(OLIVIA, body);
      expect(res.status).toBe(400);
      const json = (await res.json()) as { error: { code: string; message: string } };
      expect(json.error.code).toBe('INVALID_REQUEST');
      expect(json.error.message).not.toMatch(/123456|Xq7#mP2k/);
    }
    const notAnObject = await append(OLIVIA, 'card.issue');
    expect(notAnObject.status).toBe(400);
    const rows = await sql<{ n: string }>`select count(*) as n from audit`.execute(database.db);
    expect(Number(rows.rows[0]!.n)).toBe(0);
  });

  it('takes a failure or refusal only with its reason in words', async () => {
    const { append } = await world();
    const tap = { action: 'tap.create', target: { type: 'user', id: 'oid-ben', label: 'Ben Member' } };
    for (const [body, problem] of [
      [{ ...tap, outcome: 'failed' }, 'reason: is required when the outcome is failed'],
      [{ ...tap, outcome: 'refused', reason: ' ' }, 'reason: is required when the outcome is refused'],
      [{ ...tap, outcome: 'failed', reason: 'GRAPH_FORBIDDEN' }, 'reason: must say what failed in words'],
    ] as const) {
      const res = await append(OLIVIA, body);
      expect(res.status).toBe(400);
      const json = (await res.json()) as { error: { code: string; problems: string[] } };
      expect(json.error.code).toBe('INVALID_REQUEST');
      expect(json.error.problems.join()).toContain(problem);
    }
    const words = { ...tap, outcome: 'failed', reason: 'Microsoft Graph refused: the operator may not manage passes' };
    expect((await append(OLIVIA, words)).status).toBe(201);
  });

  it('filters by actor, target, action and time, pages newest first, and exports CSV', async () => {
    const { append, read } = await world();
    for (let n = 1; n <= 5; n++) await append(n % 2 ? OLIVIA : ADAM, cardIssued(`serial:${n}`));
    await append(OLIVIA, { ...cardIssued('serial:1'), action: 'card.retire', outcome: 'failed', reason: '=cmd|calc' });
    const page = async (q: string) => (await (await read(AUDREY, `/api/audit?${q}`)).json()) as AuditPage;
    expect((await page('actor=oid-olivia')).entries.map((e) => e.seq)).toEqual([6, 5, 3, 1]);
    expect((await page('target=serial:1')).entries.map((e) => e.action)).toEqual(['card.retire', 'card.issue']);
    expect((await page('action=card.retire')).entries).toHaveLength(1);
    expect((await page('from=2000-01-01T00:00:00Z&to=2001-01-01T00:00:00Z')).entries).toEqual([]);
    const first = await page('limit=4');
    expect(first.entries.map((e) => e.seq)).toEqual([6, 5, 4, 3]);
    expect((await page(`limit=4&before=${first.nextBefore}`)).entries.map((e) => e.seq)).toEqual([2, 1]);
    expect((await read(AUDREY, '/api/audit?limit=9999')).status).toBe(400);
    expect((await read(AUDREY, '/api/audit?nonsense=1')).status).toBe(400);

    const csv = await read(AUDREY, '/api/audit?format=csv&actor=oid-olivia');
    expect(csv.headers.get('Content-Type')).toContain('text/csv');
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('seq,at,actor_oid,actor_name,action,target_type,target_id,target_label,outcome,reason,hash');
    expect(lines).toHaveLength(5);
    // A spreadsheet must not run a cell as a formula.
    expect(lines[1]).toContain(",failed,'=cmd|calc,");
  });

  it('verifies the chain over the API and names a row altered directly in the database', async () => {
    const { database, append, read } = await world();
    for (let n = 1; n <= 4; n++) await append(OLIVIA, cardIssued(`serial:${n}`));
    expect(await (await read(AUDREY, '/api/audit/verify')).json()).toMatchObject({ ok: true, rows: 4 });
    await sql`alter table audit disable trigger audit_append_only`.execute(database.db);
    await sql`update audit set actor_name = 'Somebody Else' where seq = 2`.execute(database.db);
    expect(await (await read(AUDREY, '/api/audit/verify')).json()).toEqual({
      ok: false,
      rows: 1,
      brokenSeq: 2,
      problem: 'ROW_ALTERED',
    });
  });
});
