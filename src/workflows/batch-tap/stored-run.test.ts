/**
 * A stored Batch TAP through the real relay (its batch store and `/api/mail` on PGlite, the SMTP
 * catcher, directory lookups in the https Entra emulator) and the emulator's Graph in-process on a fake
 * clock for the passes: 30 onboarding starters, three throttled items, one create that lands and times
 * out, and the page closing mid-batch. Reopened, the batch finishes: every user has exactly one pass
 * created, the inbox holds exactly one email per pass whose code was seen, the report says what became
 * of each user, and no code is in the store.
 */
import { expect, it } from 'vitest';
import { inProcessGraph } from '../../../test/support/in-process-graph';
import { publishOn, useMailSuite } from '../../../test/support/mail-world';
import { ONBOARDING_GROUP_ID } from '../../../demo/entra-emulator/index';
import { sendBatch } from '../../entra/graph-batch';
import { fetchBatch, startBatch, type BatchItemInput } from '../../relay-api/batches';
import type { RelayEndpoint } from '../../relay-api/request';
import { sendExportEmail } from '../../relay-api/mail';
import { CODE_LOST } from './resolve-unknown';
import { runStoredBatch, type StoredRunPorts } from './stored-run';
import { WriteBudget } from './write-budget';

const suite = useMailSuite();
const QUOTA = { limit: 20, windowMs: 10_000 };

it('resumes a batch after the page closed, with no second create or email', async () => {
  await suite.rebuild({ MAIL_RATE_PER_MINUTE: '1000' });
  const template = await publishOn(suite.relay.app, {
    name: 'Batch pass',
    to: '${Mail}',
    subject: 'Your pass, ${GivenName}',
    text: 'Your pass ${AadTapId} is ${AadTapCode}; card ${CardSerial}.',
  });
  const g = await inProcessGraph(QUOTA);
  const users = g.tenant.users.filter((u) => u.jobTitle === 'New starter' && u.mail).slice(0, 30);
  const items: BatchItemInput[] = users.map((u) => ({
    userId: u.id,
    upn: u.userPrincipalName,
    displayName: u.displayName,
    plan: { request: { lifetimeInMinutes: 120 }, deliver: template, cardValues: { CardSerial: '4711' } },
    skip: null,
  }));
  let closed = false;
  let outcomePosts = 0;
  const relay = (failOutcomesAfter: number | null): RelayEndpoint => ({
    url: 'http://relay.test',
    token: async () => suite.aisha,
    fetch: async (input, init) => {
      const path = new URL(String(input)).pathname;
      if (failOutcomesAfter !== null && path.endsWith('/outcomes') && ++outcomePosts > failOutcomesAfter) {
        closed = true;
        throw new TypeError('Failed to fetch');
      }
      return suite.relay.app.request(String(input), init);
    },
  });
  const graph = g.transport('Aisha Operator');
  const ports = (endpoint: RelayEndpoint): StoredRunPorts => ({
    relay: endpoint,
    send: (requests) => sendBatch(graph, requests),
    sendMail: (request, key) => sendExportEmail(endpoint, request, key),
    budget: new WriteBudget(QUOTA, g.clock),
    clock: g.clock,
  });
  const batch = await startBatch(
    relay(null),
    { source: { kind: 'group', id: ONBOARDING_GROUP_ID, label: 'Onboarding wave 1' }, templateId: null },
    items,
  );
  g.throttle.injectItems(3, 2);
  const timedOut = users[4]!.id;
  g.faults.timeoutAfterCreate(timedOut);

  // The page closes while recording the second Graph batch: its passes exist and their emails went.
  await expect(runStoredBatch(ports(relay(1)), batch.batchId)).rejects.toMatchObject({ layer: 'relay-api' });
  expect(closed).toBe(true);
  const midway = await fetchBatch(relay(null), batch.batchId);
  expect(midway.counts.creating).toBeGreaterThan(0);
  expect(midway.state).toBe('running');

  const result = await runStoredBatch(ports(relay(null)), batch.batchId);
  expect(result.state).toBe('finished');
  const report = await fetchBatch(relay(null), batch.batchId);
  expect(report.state).toBe('finished');
  expect(report.counts).toMatchObject({ created: 30, failed: 0, pending: 0, creating: 0, delivered: 29 });
  expect(report.items!.find((i) => i.userId === timedOut)).toMatchObject({
    status: 'created',
    delivered: false,
    error: CODE_LOST,
  });

  // Exactly one create per user, and exactly one email per pass whose code was seen.
  expect(g.creates.slice().sort()).toEqual(users.map((u) => u.id).sort());
  const inbox = suite.world.catcher.messages();
  expect(inbox).toHaveLength(29);
  const recipients = inbox.map((m) => m.envelope.to[0]);
  expect(new Set(recipients).size).toBe(29);
  for (const u of users.filter((x) => x.id !== timedOut)) {
    const message = inbox.find((m) => m.envelope.to[0] === u.mail)!;
    expect(message.text).toContain(g.taps.get(u.id)!.temporaryAccessPass);
    expect(report.items!.find((i) => i.userId === u.id)?.passId).toBe(g.taps.get(u.id)!.id);
  }

  // No code anywhere in the relay's store or its log.
  const { db } = await suite.world.store();
  const stored = JSON.stringify([
    await db.selectFrom('tap_batch_items').selectAll().execute(),
    await db.selectFrom('audit').selectAll().execute(),
    suite.relay.logs,
  ]);
  for (const u of users) expect(stored).not.toContain(g.taps.get(u.id)!.temporaryAccessPass);
}, 120_000);
