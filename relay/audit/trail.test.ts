/**
 * The audit chain over a real flow's trail, driven through the routes as the PWA drives them: an
 * administrator publishes templates, operators issue, activate, lock, unblock and report a card lost,
 * and append what only the browser knows (the TAP, the email). The relay's own rows and the appended ones
 * form one chain that `GET /api/audit/verify` passes; a row then changed directly in the database, as a
 * DBA with the owner's rights would, is named with its problem. (Unit cases of alteration, removal and
 * re-hashing on synthetic rows: chain.test.ts.)
 */
import { sql, type RawBuilder } from 'kysely';
import type { RelayDatabase } from '../db/connect';
import { expect, it } from 'vitest';
import { describeStore } from '../../test/support/describe-store';
import { createFakeTenant } from '../../test/support/fake-tenant';
import { bearerFor, buildTestApp, PEOPLE, type Person } from '../../test/support/relay-app';
import type { AuditPage, ChainVerdict } from '../../src/relay-api/contract';
import { cardTemplate, exportTemplate } from '../templates/template-fixture';

const { olivia: OLIVIA, priya: PRIYA, adam: ADAM, audrey: AUDREY } = PEOPLE;
const CARD = 'serial:9001';
const BEN = { type: 'user', id: 'oid-ben', label: 'Ben Member' } as const;

/**
 * Runs `change` as a DBA would: the append-only trigger stops an UPDATE or DELETE, so they disable it
 * first (owner or superuser), change the rows, and enable it again.
 */
async function asDba(database: RelayDatabase, change: RawBuilder<unknown>): Promise<void> {
  await sql`alter table audit disable trigger audit_append_only`.execute(database.db);
  await change.execute(database.db);
  await sql`alter table audit enable trigger audit_append_only`.execute(database.db);
}

/** The verdict on a chain of `rows` linked rows that `brokenSeq` breaks with `problem`. */
type Broken = Extract<ChainVerdict, { ok: false }>;
function broken(rows: number, brokenSeq: number, problem: Broken['problem']): Broken {
  return { ok: false, rows, brokenSeq, problem };
}

describeStore('audit trail of a real flow', (target) => {
  async function world() {
    const { database } = await target.fresh();
    const tenant = await createFakeTenant();
    const { app } = buildTestApp({ fetch: tenant.fetch, database });
    const call = async (who: Person, method: string, path: string, body?: unknown) => {
      const res = await app.request(path, {
        method,
        headers: { ...(await bearerFor(tenant, who)), 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBeLessThan(300);
      return res.json() as Promise<unknown>;
    };
    let version = 0;
    const act = async (who: Person, transition: string, extra: object = {}) => {
      const card = (await call(who, 'POST', `/api/cards/${CARD}/transitions`, {
        transition,
        expectedVersion: version,
        ...extra,
      })) as { version: number };
      version = card.version;
    };
    return { database, call, act };
  }

  async function runFlow({ call, act }: Awaited<ReturnType<typeof world>>) {
    await call(ADAM, 'PUT', '/api/templates/card/tpl-standard', { expectedVersion: 0, body: cardTemplate() });
    await call(ADAM, 'PUT', '/api/templates/export/tap-mail', { expectedVersion: 0, body: exportTemplate() });
    await act(OLIVIA, 'issue', {
      issue: {
        holderOid: BEN.id,
        holderName: BEN.label,
        holderUpn: 'ben@contoso.example',
        templateId: 'tpl-standard',
        templateVersion: 1,
        credentialType: 'yubikey',
        serial: 9001,
        chuidGuid: '8d0c6f1e-0000-4000-8000-000000009001',
        keys: [{ slot: '9a', algorithm: 'ECCP256', publicKey: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE' }],
      },
    });
    await call(OLIVIA, 'POST', '/api/audit', { action: 'tap.create', target: BEN, outcome: 'succeeded' });
    await call(OLIVIA, 'POST', '/api/audit', { action: 'mail.send', target: BEN, outcome: 'succeeded' });
    await act(OLIVIA, 'activate');
    await act(PRIYA, 'lock');
    await act(OLIVIA, 'unblock');
    await act(PRIYA, 'retire', { lost: true });
  }

  it('passes verification over the whole trail, then names the row a DBA changed', async () => {
    const flow = await world();
    await runFlow(flow);
    const { call, database } = flow;
    const page = (await call(AUDREY, 'GET', '/api/audit?limit=100')) as AuditPage;
    expect(
      page.entries.map((e) => [e.seq, e.action, e.actor.name, e.target.type, e.target.id, e.target.label]),
    ).toEqual(
      [
        [1, 'template.publish', 'Adam Admin', 'template', 'card:tpl-standard', 'Standard (version 1)'],
        [2, 'template.publish', 'Adam Admin', 'template', 'export:tap-mail', 'Temporary Access Pass (version 1)'],
        [3, 'card.issue', 'Olivia Operator', 'card', CARD, `${CARD} (Ben Member)`],
        [4, 'tap.create', 'Olivia Operator', 'user', 'oid-ben', 'Ben Member'],
        [5, 'mail.send', 'Olivia Operator', 'user', 'oid-ben', 'Ben Member'],
        [6, 'card.activate', 'Olivia Operator', 'card', CARD, `${CARD} (Ben Member)`],
        [7, 'card.lock', 'Priya Operator', 'card', CARD, `${CARD} (Ben Member)`],
        [8, 'card.unblock', 'Olivia Operator', 'card', CARD, `${CARD} (Ben Member)`],
        [9, 'card.lost', 'Priya Operator', 'card', CARD, `${CARD} (Ben Member)`],
      ].reverse(),
    );
    expect(page.entries.every((e) => e.outcome === 'succeeded')).toBe(true);
    expect(await call(AUDREY, 'GET', '/api/audit/verify')).toMatchObject({ ok: true, rows: 9 });

    // Blame the lost report on someone else. The append-only trigger stops an UPDATE, so the DBA disables
    // it first (owner or superuser), changes the row, and enables it again.
    await asDba(database, sql`update audit set actor_oid = ${OLIVIA.oid}, actor_name = ${OLIVIA.name} where seq = 9`);
    expect(await call(AUDREY, 'GET', '/api/audit/verify')).toEqual(broken(8, 9, 'ROW_ALTERED'));
  });

  it('names the row after one a DBA removed from the middle of the trail', async () => {
    const flow = await world();
    await runFlow(flow);
    const { call, database } = flow;
    // Hide that a TAP was ever created for Ben.
    await asDba(database, sql`delete from audit where action = 'tap.create'`);
    expect(await call(AUDREY, 'GET', '/api/audit/verify')).toEqual(broken(3, 5, 'SEQUENCE_GAP'));
  });
});
