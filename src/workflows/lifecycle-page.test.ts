import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { ApduChannel } from '../apdu/channel';
import { isAppError } from '../app-error';
import { PivSession } from '../piv/session';
import { putCardTemplate } from '../store/card-templates';
import type { CardTransport } from '../transport/card-transport';
import { cardInReader, OPERATOR, testMasterKey, testTemplate, USER } from '../../test/lifecycle/lifecycle-fixtures';
import { issueCard } from './lifecycle/issue';
import {
  allowedTransitions,
  applyStepEvent,
  checkNewPin,
  failRunning,
  inspectCard,
  issuingTemplates,
  plannedSteps,
  requireMasterKey,
  templateOfCard,
} from './lifecycle-page';

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return isAppError(e) ? e.code : 'not an AppError';
  }
  return 'no error';
};

async function blockPin(t: CardTransport): Promise<void> {
  const { session } = await PivSession.open(new ApduChannel(t));
  for (let i = 0; i < 3; i++) await session.verifyPin('00000000').catch(() => undefined);
}

describe('transitions', () => {
  it('allows exactly the arrows of the state diagram', () => {
    expect(allowedTransitions('blank')).toEqual(['issue']);
    expect(allowedTransitions('issued')).toEqual(['activate', 'retire']);
    expect(allowedTransitions('active')).toEqual(['retire']);
    expect(allowedTransitions('locked')).toEqual(['unblock', 'retire']);
    expect(allowedTransitions('retired')).toEqual(['issue']);
  });
});

describe('progress list', () => {
  it('plans the steps the template implies and follows start/done/skipped events', () => {
    const template = testTemplate();
    let rows = plannedSteps('issue', { kind: 'yubikey', state: 'blank' }, template);
    expect(rows.map((r) => r.step)).toEqual([
      'detect',
      'authenticate',
      'write-chuid',
      'set-management-key',
      'set-puk',
      'set-pin',
      'generate-key',
      'register',
    ]);
    expect(
      plannedSteps(
        'issue',
        { kind: 'piv', state: 'blank' },
        testTemplate({ issue: { ...template.issue, certificate: null } }),
      ).map((r) => r.step),
    ).not.toContain('generate-key');
    rows = applyStepEvent(rows, { operation: 'issue', step: 'detect', phase: 'start' });
    expect(rows[0]!.status).toBe('running');
    rows = applyStepEvent(rows, { operation: 'issue', step: 'detect', phase: 'done' });
    rows = applyStepEvent(rows, { operation: 'issue', step: 'authenticate', phase: 'start' });
    rows = applyStepEvent(rows, { operation: 'issue', step: 'set-management-key', phase: 'skipped' });
    expect(rows.slice(0, 4).map((r) => r.status)).toEqual(['done', 'running', 'pending', 'skipped']);
    expect(
      failRunning(rows)
        .map((r) => r.status)
        .slice(0, 2),
    ).toEqual(['done', 'failed']);
    // A second pass after a roll-back appends rows rather than overwriting finished ones.
    const again = applyStepEvent(rows, { operation: 'issue', step: 'detect', phase: 'start' });
    expect(again).toHaveLength(rows.length + 1);
    expect(again.at(-1)).toMatchObject({ step: 'detect', status: 'running' });
  });
});

describe('preconditions', () => {
  it('refuses a new PIN typed differently twice, or against the template policy, naming no PIN', () => {
    const template = testTemplate();
    expect(codeOf(() => checkNewPin('24681357', '24681358', template))).toBe('PIN_MISMATCH');
    expect(codeOf(() => checkNewPin('12ab56', '12ab56', template))).toBe('PIN_POLICY');
    expect(codeOf(() => checkNewPin('123456', '123456', template))).toBe('PIN_POLICY');
    expect(codeOf(() => checkNewPin('24681357', '24681357', template))).toBe('no error');
  });

  it('refuses issuance without a master key', async () => {
    await expect(requireMasterKey()).rejects.toMatchObject({ layer: 'workflows', code: 'MASTER_KEY_MISSING' });
  });
});

describe('inspectCard (virtual card, real driver)', () => {
  it('reads blank, then issued with its holder, then locked once the PIN is blocked', async () => {
    const { transport } = await cardInReader('yubikey-5.7');
    expect(await inspectCard(transport)).toMatchObject({ state: 'blank', kind: 'yubikey', record: null });

    const template = testTemplate({ id: 'tpl-page', name: 'Page template', allowedCredentialTypes: ['yubikey'] });
    await putCardTemplate(template);
    expect((await issuingTemplates('yubikey')).map((t) => t.id)).toContain('tpl-page');
    expect((await issuingTemplates('piv')).map((t) => t.id)).not.toContain('tpl-page');
    await issueCard({ transport, masterKey: await testMasterKey(), template, user: USER, operator: OPERATOR });

    const issued = await inspectCard(transport);
    expect(issued).toMatchObject({
      state: 'issued',
      record: { userId: USER.id, userDisplayName: USER.displayName, templateId: 'tpl-page' },
    });
    expect((await templateOfCard(issued.record!)).name).toBe('Page template');

    await blockPin(transport);
    expect(await inspectCard(transport)).toMatchObject({ state: 'locked', pinRetriesLeft: 0 });
  });
});
