import { expect, it } from 'vitest';
import { describeStore } from '../../test/support/describe-store';
import { PEOPLE, type Person } from '../../test/support/relay-app';
import { verifyAuditChain } from '../audit/verify';
import { twoRelays } from '../route-fixture';
import { cardTemplate, exportTemplate } from './template-fixture';

const { olivia: OLIVIA, adam: ADAM, audrey: AUDREY, nina: NINA } = PEOPLE;
const ADA: Person = { oid: 'oid-ada', name: 'Ada Admin', roles: ['Keyward.Administrator'] };

type Json = Record<string, unknown> & { error?: { code: string; message: string; problems?: string[] } };

describeStore('/api/templates', (target) => {
  async function world() {
    const { call, database } = await twoRelays<Json>(target, '/api/templates');
    const publish = (who: Person, kind: string, id: string, expectedVersion: number, body: unknown, app = 0) =>
      call(who, 'PUT', `/${kind}/${id}`, { expectedVersion, body }, app);
    const audit = () =>
      database.db.selectFrom('audit').select(['action', 'actor_name', 'target_id']).orderBy('seq').execute();
    return { call, publish, audit, database };
  }

  it('publishes versions an administrator wrote, which every Keyward role reads', async () => {
    const { call, publish, audit } = await world();
    const first = await publish(ADAM, 'card', 'tpl-standard', 0, cardTemplate());
    expect(first).toMatchObject({
      status: 200,
      json: { kind: 'card', id: 'tpl-standard', version: 1, name: 'Standard', withdrawn: false },
    });
    expect(first.json.publishedBy).toEqual({ oid: 'oid-adam', name: 'Adam Admin' });
    const renamed = { ...cardTemplate(), name: 'Standard staff' };
    expect((await publish(ADA, 'card', 'tpl-standard', 1, renamed)).json).toMatchObject({ version: 2 });
    expect((await publish(ADAM, 'export', 'tap-mail', 0, exportTemplate())).status).toBe(200);
    for (const who of [OLIVIA, ADAM, AUDREY]) {
      const list = await call(who, 'GET', '');
      expect(list.status).toBe(200);
      expect(list.json.templates).toMatchObject([
        { kind: 'card', id: 'tpl-standard', version: 2, name: 'Standard staff', body: renamed },
        { kind: 'export', id: 'tap-mail', version: 1, body: exportTemplate() },
      ]);
    }
    // Issued cards name a version: the old one stays readable.
    expect((await call(OLIVIA, 'GET', '/card/tpl-standard/1')).json).toMatchObject({ version: 1, name: 'Standard' });
    expect((await call(OLIVIA, 'GET', '/card/tpl-standard/3')).json.error?.code).toBe('TEMPLATE_NOT_FOUND');
    expect(await audit()).toEqual([
      { action: 'template.publish', actor_name: 'Adam Admin', target_id: 'card:tpl-standard' },
      { action: 'template.publish', actor_name: 'Ada Admin', target_id: 'card:tpl-standard' },
      { action: 'template.publish', actor_name: 'Adam Admin', target_id: 'export:tap-mail' },
    ]);
  });

  it('lets only administrators publish and withdraw, and no one without a Keyward role read', async () => {
    const { call, publish, audit } = await world();
    for (const who of [OLIVIA, AUDREY, NINA]) {
      const refused = await publish(who, 'card', 'tpl-standard', 0, cardTemplate());
      expect([refused.status, refused.json.error?.code]).toEqual([403, 'ROLE_MISSING']);
    }
    expect((await publish(ADAM, 'card', 'tpl-standard', 0, cardTemplate())).status).toBe(200);
    const withdraw = await call(OLIVIA, 'POST', '/card/tpl-standard/withdraw', { expectedVersion: 1 });
    expect([withdraw.status, withdraw.json.error?.code]).toEqual([403, 'ROLE_MISSING']);
    for (const path of ['', '/card/tpl-standard/1']) {
      const read = await call(NINA, 'GET', path);
      expect([read.status, read.json.error?.code]).toEqual([403, 'ROLE_MISSING']);
    }
    expect(await audit()).toHaveLength(1);
  });

  it('refuses a publication from a stale version with the template as it is now; one of two racing wins', async () => {
    const { publish, audit } = await world();
    const racing = await Promise.all([
      publish(ADAM, 'card', 'tpl-race', 0, cardTemplate('tpl-race', 'Mine')),
      publish(ADA, 'card', 'tpl-race', 0, cardTemplate('tpl-race', 'Theirs'), 1),
    ]);
    expect(racing.map((r) => r.status).sort()).toEqual([200, 409]);
    const lost = racing.find((r) => r.status === 409)!;
    const won = racing.find((r) => r.status === 200)!;
    expect(lost.json.error).toMatchObject({
      code: 'TEMPLATE_CHANGED_ELSEWHERE',
      current: { version: 1, name: won.json.name },
    });
    const stale = await publish(ADAM, 'card', 'tpl-race', 2, cardTemplate('tpl-race'));
    expect([stale.status, stale.json.error?.code]).toEqual([409, 'TEMPLATE_CHANGED_ELSEWHERE']);
    expect(await audit()).toHaveLength(1);
  });

  it('refuses crafted templates, listing the problems without quoting what was sent', async () => {
    const { publish, audit } = await world();
    const card = cardTemplate();
    const crafted: [string, unknown][] = [
      ['card', { ...card, pin: '123456' }],
      ['card', { ...card, issue: { ...card.issue, pinPolicy: { minLength: '6', maxLength: 8, digitsOnly: true } } }],
      ['card', { ...card, name: 'N'.repeat(81) }],
      ['card', { ...card, name: 'Standard\u001b[31mSECRET-NAME' }],
      ['card', { ...card, allowedCredentialTypes: ['smartwatch'] }],
      ['card', { ...card, id: 'another-id' }],
      ['export', { ...exportTemplate(), subject: 'Hi\r\nBcc: SECRET-VICTIM@evil.example' }],
      ['export', { ...exportTemplate(), to: '${Mail}\nBcc: SECRET-VICTIM@evil.example' }],
      ['export', { ...exportTemplate(), cc: 'a@contoso.example\r\nX: SECRET' }],
      ['export', { ...exportTemplate(), text: 'Your SECRET pass: ${AadTapCod}' }],
      ['export', card],
    ];
    for (const [kind, body] of crafted) {
      const id = (body as { id: string }).id === 'another-id' ? 'tpl-standard' : (body as { id: string }).id;
      const res = await publish(ADAM, kind, id, 0, body);
      expect([res.status, res.json.error?.code], JSON.stringify(body).slice(0, 80)).toEqual([400, 'INVALID_BODY']);
      expect(res.json.error?.problems?.length).toBeGreaterThan(0);
      expect(JSON.stringify(res.json)).not.toMatch(/SECRET|123456|smartwatch/);
    }
    const wrongKind = await publish(ADAM, 'badge', 'tpl-standard', 0, card);
    expect([wrongKind.status, wrongKind.json.error?.code]).toEqual([400, 'INVALID_REQUEST']);
    expect(await audit()).toEqual([]);
  });

  it('withdraws every version: still readable, marked withdrawn, recorded once', async () => {
    const { call, publish, audit } = await world();
    await publish(ADAM, 'export', 'tap-mail', 0, exportTemplate());
    await publish(ADAM, 'export', 'tap-mail', 1, exportTemplate());
    const withdraw = (expectedVersion: number, id = 'tap-mail') =>
      call(ADA, 'POST', `/export/${id}/withdraw`, { expectedVersion });
    const stale = await withdraw(1);
    expect([stale.status, stale.json.error?.code]).toEqual([409, 'TEMPLATE_CHANGED_ELSEWHERE']);
    expect((await withdraw(2)).json).toMatchObject({ version: 2, withdrawn: true });
    expect((await withdraw(2)).json).toMatchObject({ version: 2, withdrawn: true });
    expect((await call(OLIVIA, 'GET', '/export/tap-mail/1')).json).toMatchObject({ withdrawn: true });
    expect((await call(OLIVIA, 'GET', '')).json.templates).toMatchObject([
      { id: 'tap-mail', version: 2, withdrawn: true },
    ]);
    expect((await withdraw(1, 'never-published')).json.error?.code).toBe('TEMPLATE_NOT_FOUND');
    expect((await audit()).map((r) => r.action)).toEqual(['template.publish', 'template.publish', 'template.withdraw']);
  });

  it('keeps the audit chain whole across publications', async () => {
    const { publish, database } = await world();
    await publish(ADAM, 'card', 'tpl-a', 0, cardTemplate('tpl-a', 'A'));
    await publish(ADAM, 'card', 'tpl-a', 1, cardTemplate('tpl-a', 'A2'));
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true, rows: 2 });
  });
});
