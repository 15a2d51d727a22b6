/**
 * `POST /api/mail` sends only what an administrator published: the relay renders the newest version of a
 * data-export template from its own store, and refuses an unpublished template, an old version, a
 * withdrawn one and any subject or body the browser sends. A secret variable (`${AadTapCode}`,
 * `${ActivationPin}`) in a header, or any placeholder inside an HTML tag or attribute, is refused when the
 * template is published (naming the field and position), and again at send if one is found in the store.
 * Every refusal checks that nothing reached the SMTP catcher.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { post, publishOn, tapRequest, useMailSuite } from '../../test/support/mail-world';
import type { ErrorJson } from '../../test/support/relay-app';

const suite = useMailSuite();

async function expectRefused(res: Response, status: number, code: string): Promise<ErrorJson['error']> {
  const body = (await res.json()) as ErrorJson;
  expect([res.status, body.error?.code]).toEqual([status, code]);
  expect(suite.world.catcher.messages()).toHaveLength(0);
  return body.error;
}

const { template: parts, ...rest } = tapRequest();

/** An administrator's next version of the template `id` (through the real route). */
async function republish(id: string, expectedVersion: number, changes: Record<string, unknown>) {
  const ada = suite.world.emulator.tenant.byDisplayName('Ada Admin').id;
  const token = await suite.world.emulator.control.mintAccessToken({
    userId: ada,
    audience: 'relay',
    scopes: ['Mail.Send'],
  });
  const body = {
    id,
    target: 'email',
    sendAutomatically: true,
    connector: 'relay',
    updatedAt: '2026-12-02T09:00:00.000Z',
    ...parts,
    ...changes,
  };
  const path = `/api/templates/export/${id}${changes.withdraw ? '/withdraw' : ''}`;
  return suite.relay.app.request(path, {
    method: changes.withdraw ? 'POST' : 'PUT',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(changes.withdraw ? { expectedVersion } : { expectedVersion, body }),
  });
}

describe('POST /api/mail sends published templates only', () => {
  it('renders the published version named, with the values sent', async () => {
    const ref = await publishOn(suite.relay.app, parts);
    const res = await post(suite.relay.app, suite.aisha, { ...rest, template: ref });
    expect(res.status).toBe(200);
    const m = await suite.world.catcher.waitForMessage(() => true, 3000);
    expect(m.subject).toBe('Your Temporary Access Pass, Ben');
    expect(m.text).toContain('your pass b6f1c3a2-0000-4000-8000-000000000001 is Xq7#mP2k');
  });

  it('refuses a template that was never published', async () => {
    const res = await post(suite.relay.app, suite.aisha, { ...rest, template: { id: 'no-such', version: 1 } });
    await expectRefused(res, 404, 'MAIL_TEMPLATE_NOT_PUBLISHED');
    const ref = await publishOn(suite.relay.app, parts);
    const ahead = await post(suite.relay.app, suite.aisha, { ...rest, template: { ...ref, version: 2 } });
    await expectRefused(ahead, 404, 'MAIL_TEMPLATE_NOT_PUBLISHED');
  });

  it('refuses a changed subject (or any part) sent by the browser', async () => {
    const ref = await publishOn(suite.relay.app, parts);
    const changed = { ...rest, template: { ...ref, subject: 'Urgent: verify your account' } };
    const error = await expectRefused(await post(suite.relay.app, suite.aisha, changed), 400, 'INVALID_REQUEST');
    expect(error.problems).toContain('template: subject is not a known field');
    const free = await post(suite.relay.app, suite.aisha, tapRequest(), { asIs: true });
    expect((await expectRefused(free, 400, 'INVALID_REQUEST')).problems).toEqual(
      expect.arrayContaining([
        'template: name is not a known field; to is not a known field; cc is not a known field; subject is not a known field; text is not a known field; html is not a known field',
      ]),
    );
  });

  it('refuses an old version once a newer one is published, and a withdrawn template', async () => {
    // A template of its own: this test changes it (the database outlives the test).
    const ref = await publishOn(suite.relay.app, { ...parts, name: 'TAP email to change' });
    expect((await republish(ref.id, 1, { subject: 'Your new pass' })).status).toBe(200);
    const old = await expectRefused(
      await post(suite.relay.app, suite.aisha, { ...rest, template: ref }),
      409,
      'MAIL_TEMPLATE_OUTDATED',
    );
    expect(old.message).toMatch(/Version 1 .*\(now 2\)/);
    expect((await republish(ref.id, 2, { withdraw: true })).status).toBe(200);
    const withdrawn = await post(suite.relay.app, suite.aisha, { ...rest, template: { ...ref, version: 2 } });
    await expectRefused(withdrawn, 409, 'MAIL_TEMPLATE_WITHDRAWN');
  });

  it.each([
    ['the subject', { subject: 'Your pass ${AadTapCode}' }, 'body.subject: ${AadTapCode} at character 11'],
    ['the To', { to: '${Mail}, ${ActivationPin}@contoso.example' }, 'body.to: ${ActivationPin} at character 10'],
    [
      'an HTML attribute',
      { html: '<a href="https://x.example/?c=${AadTapCode}">go</a>' },
      'body.html: ${AadTapCode} at character 31',
    ],
    ['an HTML tag', { html: '<p ${DisplayName}>hi</p>' }, 'body.html: ${DisplayName} at character 4'],
  ])('refuses to publish a secret or placeholder in %s, naming where', async (_what, changes, problem) => {
    const res = await republish('misplaced', 0, changes);
    const body = (await res.json()) as ErrorJson;
    expect(res.status).toBe(400);
    expect(body.error.problems?.join('\n')).toContain(problem);
  });

  it('refuses at send a stored template with a secret in a header (published before the rule)', async () => {
    const ref = await publishOn(suite.relay.app, { ...parts, name: 'TAP email stored long ago' });
    const { db } = await suite.world.store();
    // Templates are immutable through the store's API, so the old row is written as SQL.
    const stored = JSON.stringify({
      ...parts,
      id: ref.id,
      target: 'email',
      sendAutomatically: true,
      connector: 'relay',
      updatedAt: '2026-12-01T09:00:00.000Z',
      subject: 'Code ${AadTapCode}',
    });
    await sql`update templates set body = ${stored}::jsonb where kind = 'export' and id = ${ref.id}`.execute(db);
    const error = await expectRefused(
      await post(suite.relay.app, suite.aisha, { ...rest, template: ref }),
      500,
      'MAIL_TEMPLATE_INVALID',
    );
    expect(JSON.stringify(error)).not.toContain('Xq7#mP2k');
  });
});
