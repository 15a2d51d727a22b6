/**
 * The Batch TAP page state over the real layers (batch-tap-fixture.ts: the Entra emulator, the real relay,
 * an SMTP catcher). The group "Onboarding wave 1" (demo/entra-emulator/onboarding-group.ts) holds one
 * member for each reason to skip a user; the CSV batches name people in no group, a batch of their own.
 */
import { describe, expect, it, vi } from 'vitest';
import { fakeMsalAdapter } from '../../test/state/signed-in-operator';
import { batchItems, beginBatch, findOpenBatches } from '../workflows/batch-tap/operator-batch';
import {
  csvPreviewed,
  describeSkip,
  emailed,
  groupPreviewed,
  op,
  openedPage,
  passOf,
  settled,
  useBatchTapWorld,
} from './batch-tap-fixture';
import { reportCsv } from './batch-tap.svelte';

vi.mock('../entra/msal-adapter', () => fakeMsalAdapter);

useBatchTapWorld();

describe('BatchTapState', () => {
  it('previews a group: each member gets a pass or is skipped with the reason, and nothing is stored or created', async () => {
    const page = await groupPreviewed();
    expect(page.templates.map((t) => t.record.id).sort()).toEqual(['tpl-batch', 'tpl-other']);
    expect(page.rows).toHaveLength(60);
    expect(page.summary).toEqual({
      eligible: 2,
      skipped: 58,
      byReason: {
        TAP_GUEST: 1,
        BATCH_TAP_DISABLED: 1,
        BATCH_TAP_ADMIN: 1,
        BATCH_TAP_NO_MAIL: 1,
        BATCH_TAP_HAS_PASS: 1,
        BATCH_TAP_OTHER_TEMPLATE: 1,
        TAP_NO_CARD: 52,
      },
    });
    const verdict = (name: string) => {
      const row = page.rows!.find((r) => r.user.displayName === name);
      return row?.refusal?.code ?? (row?.grant ? 'granted' : 'absent');
    };
    const named = ['Quinn Lindqvist', 'Uma Lindqvist', 'Yara Lindqvist', 'Gary Guest', 'Ivan Petrov', 'Ada Admin'];
    expect(Object.fromEntries([...named, 'Rhea Nomail', 'Tomas Haspass'].map((n) => [n, verdict(n)]))).toEqual({
      'Quinn Lindqvist': 'granted',
      'Uma Lindqvist': 'granted',
      'Yara Lindqvist': 'BATCH_TAP_OTHER_TEMPLATE',
      'Gary Guest': 'TAP_GUEST',
      'Ivan Petrov': 'BATCH_TAP_DISABLED',
      'Ada Admin': 'BATCH_TAP_ADMIN',
      'Rhea Nomail': 'BATCH_TAP_NO_MAIL',
      'Tomas Haspass': 'BATCH_TAP_HAS_PASS',
    });
    expect(page.rows!.find((r) => r.user.displayName === 'Quinn Lindqvist')?.grant).toMatchObject({
      templateName: 'Batch wave',
      request: { lifetimeInMinutes: 60, isUsableOnce: true },
      deliverWith: { record: { id: 'tap-mail' } },
    });
    // A preview only reads.
    expect(page.batch).toBeNull();
    expect(await findOpenBatches(op())).toEqual([]);
    expect(passOf('Quinn Lindqvist')).toBeUndefined();
  });

  it('starts the previewed batch, emails each pass it creates, and reports every user', async () => {
    const page = await groupPreviewed();
    await page.start();
    expect(page.rows).toBeNull();
    expect(page.batch).toMatchObject({
      state: 'running',
      source: { kind: 'group', label: 'Onboarding wave 1' },
      templateId: 'tpl-batch',
      createdBy: { name: 'Aisha Operator' },
    });
    await settled(page);
    expect(page.error).toBeNull();
    expect(page.batch).toMatchObject({
      state: 'finished',
      counts: { created: 2, delivered: 2, skipped: 58, failed: 0, pending: 0, creating: 0 },
    });
    expect(page.progress).toEqual({
      total: 60,
      done: 2,
      skipped: 58,
      failed: 0,
      remaining: 0,
      fraction: 1,
      secondsLeft: null,
    });
    for (const name of ['Quinn Lindqvist', 'Uma Lindqvist']) {
      const pass = passOf(name)!;
      expect(page.batch!.items!.find((i) => i.displayName === name)).toMatchObject({
        status: 'created',
        passId: pass.id,
        delivered: true,
        error: null,
      });
      await emailed(name);
      // The code went to the holder's mailbox only: the page never held it.
      expect(JSON.stringify(page.batch)).not.toContain(pass.temporaryAccessPass);
    }
    expect(passOf('Yara Lindqvist')).toBeUndefined();

    const report = reportCsv(page.batch!.items!).split('\r\n');
    expect(report[0]).toBe('User,User principal name,Result,Pass id,Start time,Delivered,Error');
    expect(report).toHaveLength(62);
    const line = (name: string) => report.find((l) => l.startsWith(`${name},`));
    expect(line('Quinn Lindqvist')).toBe(
      `Quinn Lindqvist,quinn.lindqvist@contoso.example,Pass created,${passOf('Quinn Lindqvist')!.id},${passOf('Quinn Lindqvist')!.startDateTime},yes,`,
    );
    expect(line('Gary Guest')).toMatch(/^Gary Guest,[^,]+,Skipped,,,,TAP_GUEST: /);
    expect(line('Tomas Haspass')).toMatch(/,Skipped,,,,BATCH_TAP_HAS_PASS: /);
  });

  it('finds the batch it left paused when the page is opened again, and resumes it to the end', async () => {
    const first = await csvPreviewed(['Ben Member', 'Carla Mendes']);
    await first.start();
    // Asked before the first `$batch` went out: nothing is sent.
    first.pause();
    await settled(first);
    expect(first.batch).toMatchObject({ state: 'paused', counts: { pending: 2, created: 0 } });
    expect(first.progress).toMatchObject({ total: 2, done: 0, remaining: 2 });
    expect(passOf('Ben Member')).toBeUndefined();

    const reopened = await openedPage();
    expect(reopened.batch).toMatchObject({ batchId: first.batch!.batchId, state: 'paused' });
    expect(reopened.running).toBe(false);
    await reopened.resume();
    await settled(reopened);
    expect(reopened.error).toBeNull();
    expect(reopened.batch).toMatchObject({ state: 'finished', counts: { created: 2, delivered: 2, pending: 0 } });
    await emailed('Ben Member');
    await emailed('Carla Mendes');
  });

  it('resumes on opening a batch left running (its tab closed before it sent anything)', async () => {
    const closed = await csvPreviewed(['Dmitri Volkov', 'Elena Rossi']);
    // What start() stores, without the run that the closed tab never got to.
    const left = await beginBatch(op(), closed.source!, 'tpl-batch', batchItems(closed.rows!, describeSkip));
    expect(left.state).toBe('running');
    expect(passOf('Dmitri Volkov')).toBeUndefined();

    const reopened = await openedPage();
    expect(reopened.running).toBe(true);
    await settled(reopened);
    expect(reopened.batch).toMatchObject({ batchId: left.batchId, state: 'finished', counts: { created: 2 } });
    await emailed('Dmitri Volkov');
    await emailed('Elena Rossi');
  });

  it('cancels a running batch before its next send, and a paused one from a page not running it', async () => {
    const running = await csvPreviewed(['Farid Haddad']);
    await running.start();
    await running.cancel();
    await settled(running);
    expect(running.batch).toMatchObject({ state: 'cancelled', counts: { pending: 1, created: 0 } });
    expect(running.progress?.secondsLeft).toBeNull();
    expect(passOf('Farid Haddad')).toBeUndefined();
    running.startOver();
    expect([running.batch, running.rows, running.source]).toEqual([null, null, null]);

    const paused = await csvPreviewed(['Hana Sato']);
    await paused.start();
    paused.pause();
    await settled(paused);
    const other = await openedPage();
    expect(other.batch).toMatchObject({ batchId: paused.batch!.batchId, state: 'paused' });
    await other.cancel();
    expect(other.batch).toMatchObject({ state: 'cancelled', counts: { pending: 1 } });
    expect(await findOpenBatches(op())).toEqual([]);
    expect(passOf('Hana Sato')).toBeUndefined();
  });

  it('says what is wrong with a CSV, and names the users Entra ID does not know', async () => {
    const page = await openedPage();
    page.loadCsv('notes.csv', 'userPrincipalName\nnot a upn\n');
    expect(page.error).toMatchObject({ code: 'BATCH_TAP_BAD_CSV', fields: { lines: [2] } });
    expect(page.source).toBeNull();

    page.loadCsv('wave.csv', 'ben.member@contoso.example\nnobody@contoso.example\n');
    expect(page.error).toBeNull();
    await page.preview();
    expect(page.error).toMatchObject({ code: 'BATCH_TAP_UNKNOWN_USERS', fields: { upns: ['nobody@contoso.example'] } });
    expect(page.rows).toBeNull();
  });
});
