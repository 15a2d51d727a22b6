/**
 * `/api/batches` on both databases (PGlite and a private PostgreSQL), through the relay app with real
 * tokens: one open batch per group, claims that two relay instances never hand out twice, outcomes that
 * settle once, delivery found from the mail idempotency store, pause/resume/cancel/finish, and the audit
 * of the batch with its items.
 */
import { expect, it } from 'vitest';
import { describeStore } from '../../test/support/describe-store';
import { PEOPLE } from '../../test/support/relay-app';
import { batchMailKey, type Batch, type BatchItemInput } from '../../src/relay-api/batch-contract';
import { twoRelays } from '../route-fixture';

/** An answer of the batch routes: a batch, a list, a claim or an error. */
type Answer = Batch & { error: { code: string }; batches: Batch[]; claimed: string[] };

const { olivia: OLIVIA, adam: ADAM } = PEOPLE;
const plan = {
  request: { lifetimeInMinutes: 120 },
  deliver: { id: 'tap-mail', version: 1 },
  cardValues: { CardSerial: '1' },
};
const item = (n: number, skip = false): BatchItemInput => ({
  userId: `u-${n}`,
  upn: `user${n}@contoso.example`,
  displayName: `User ${n}`,
  plan: skip ? null : plan,
  skip: skip ? { code: 'BATCH_TAP_NO_MAIL', reason: 'User has no mail.' } : null,
});
const GROUP = { kind: 'group', id: 'a3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d', label: 'Onboarding wave 1' };

describeStore('/api/batches', (target) => {
  async function world() {
    const { call, database } = await twoRelays<Answer>(target, '/api/batches');
    return { call, db: database.db };
  }

  it('starts one open batch per group, with pending and skipped users, for operators only', async () => {
    const { call } = await world();
    const body = { source: GROUP, templateId: null, items: [item(1), item(2), item(3, true)] };
    expect((await call(ADAM, 'POST', '', body)).status).toBe(403);
    const started = await call(OLIVIA, 'POST', '', body);
    expect(started.status).toBe(201);
    expect(started.json).toMatchObject({
      state: 'running',
      source: GROUP,
      counts: { pending: 2, skipped: 1, created: 0 },
    });
    expect(started.json.items![2]).toMatchObject({
      status: 'skipped',
      skipCode: 'BATCH_TAP_NO_MAIL',
      error: 'User has no mail.',
    });
    const again = await call(OLIVIA, 'POST', '', body);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('BATCH_RUNNING');
    expect(
      (await call(OLIVIA, 'POST', '', { ...body, source: { kind: 'csv', id: '', label: 'wave.csv' } })).status,
    ).toBe(201);
    const open = await call(OLIVIA, 'GET', '?open=true');
    expect(open.json.batches).toHaveLength(2);
    const more = await call(OLIVIA, 'POST', `/${started.json.batchId}/items`, { items: [item(4)] });
    expect(more.json.counts.pending).toBe(3);
    expect(
      (await call(OLIVIA, 'POST', '', { ...body, items: [{ ...item(1), plan: { ...plan, code: 'x' } }] })).status,
    ).toBe(400);
  });

  it('claims each create once across relay instances, releases refused ones, settles each item once', async () => {
    const { call, db } = await world();
    const { json: batch } = await call(OLIVIA, 'POST', '', {
      source: GROUP,
      templateId: null,
      items: [1, 2, 3, 4].map((n) => item(n)),
    });
    const id = batch.batchId;
    const at = new Date().toISOString();
    const [a, b] = await Promise.all([
      call(OLIVIA, 'POST', `/${id}/attempts`, { userIds: ['u-1', 'u-2', 'u-3'], attemptAt: at }, 0),
      call(OLIVIA, 'POST', `/${id}/attempts`, { userIds: ['u-2', 'u-3', 'u-4'], attemptAt: at }, 1),
    ]);
    const claimed = [...a.json.claimed, ...b.json.claimed].sort();
    expect(claimed).toEqual(['u-1', 'u-2', 'u-3', 'u-4']);
    expect((await call(OLIVIA, 'POST', `/${id}/releases`, { userIds: ['u-4'] })).status).toBe(204);
    // The page closed after the email went but before it said so: the relay finds the sent mail.
    await db
      .insertInto('mail_idempotency')
      .values({
        caller: 'someone',
        key: batchMailKey(id, 'u-2'),
        fingerprint: 'f',
        expires_at_ms: Date.now() + 60_000,
        status: 200,
        body: null,
      })
      .execute();
    const outcomes = [
      { userId: 'u-1', status: 'created', passId: 'pass-1', startDateTime: at, delivered: true, error: null },
      { userId: 'u-2', status: 'created', passId: 'pass-2', startDateTime: at, delivered: false, error: 'code lost' },
      { userId: 'u-3', status: 'failed', error: 'Entra ID refused the pass.' },
    ];
    expect((await call(OLIVIA, 'POST', `/${id}/outcomes`, { outcomes })).status).toBe(204);
    expect(
      (await call(OLIVIA, 'POST', `/${id}/outcomes`, { outcomes: [{ ...outcomes[2], userId: 'u-1' }] })).status,
    ).toBe(204);
    const { json: now } = await call(OLIVIA, 'GET', `/${id}`);
    expect(now.counts).toEqual({ pending: 1, creating: 0, created: 2, failed: 1, skipped: 0, delivered: 2 });
    expect(now.items!.map((i) => i.status)).toEqual(['created', 'created', 'failed', 'pending']);
    expect(now.items![1]).toMatchObject({ passId: 'pass-2', delivered: true, error: null });
    expect(now.items![0]!.attemptAt).toBe(at);
  });

  it('pauses, resumes, cancels and finishes, and audits the batch with its items', async () => {
    const { call, db } = await world();
    const { json: batch } = await call(OLIVIA, 'POST', '', {
      source: GROUP,
      templateId: 'tpl-wave',
      items: [item(1), item(2, true)],
    });
    const id = batch.batchId;
    expect((await call(OLIVIA, 'POST', `/${id}/state`, { state: 'paused' })).json.state).toBe('paused');
    const refused = await call(OLIVIA, 'POST', `/${id}/attempts`, {
      userIds: ['u-1'],
      attemptAt: new Date().toISOString(),
    });
    expect(refused.json.error.code).toBe('BATCH_NOT_RUNNING');
    await call(OLIVIA, 'POST', `/${id}/state`, { state: 'running' });
    expect((await call(OLIVIA, 'POST', `/${id}/state`, { state: 'finished' })).json.error.code).toBe('BATCH_NOT_DONE');
    await call(OLIVIA, 'POST', `/${id}/attempts`, { userIds: ['u-1'], attemptAt: new Date().toISOString() });
    await call(OLIVIA, 'POST', `/${id}/outcomes`, {
      outcomes: [
        {
          userId: 'u-1',
          status: 'created',
          passId: 'pass-9',
          startDateTime: new Date().toISOString(),
          delivered: true,
          error: null,
        },
      ],
    });
    expect((await call(OLIVIA, 'POST', `/${id}/state`, { state: 'finished' })).json.state).toBe('finished');
    // Finished: the group is free for a new batch.
    const next = await call(OLIVIA, 'POST', '', { source: GROUP, templateId: null, items: [item(3)] });
    expect(next.status).toBe(201);
    expect((await call(OLIVIA, 'POST', `/${next.json.batchId}/state`, { state: 'cancelled' })).json.state).toBe(
      'cancelled',
    );
    const audit = await db
      .selectFrom('audit')
      .select(['action', 'target_type', 'target_id', 'outcome', 'reason'])
      .orderBy('id')
      .execute();
    expect(audit.map((r) => r.action)).toEqual([
      'tap.batch.start',
      'tap.batch.pause',
      'tap.batch.resume',
      'tap.batch.create',
      'tap.batch.finish',
      'tap.batch.start',
      'tap.batch.cancel',
    ]);
    expect(audit[3]).toMatchObject({ target_type: 'user', target_id: 'u-1', outcome: 'succeeded' });
    expect(audit[3]!.reason).toContain(`batch ${id}`);
    expect(audit[3]!.reason).toContain('pass pass-9, emailed');
  });
});
