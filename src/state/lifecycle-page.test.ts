import { describe, expect, it } from 'vitest';
import { ISSUE_STEPS_IN_ORDER, testTemplate } from '../../test/lifecycle/lifecycle-fixtures';
import { LIFECYCLE_STEPS } from '../workflows/lifecycle/steps';
import {
  allowedTransitions,
  applyStepEvent,
  failRunning,
  plannedSteps,
  stepLabel,
  stepOutcome,
} from './lifecycle-page';

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
    expect(rows.map((r) => r.step)).toEqual([...ISSUE_STEPS_IN_ORDER]);
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

describe('planned steps from the step catalogue', () => {
  const steps = (...args: Parameters<typeof plannedSteps>) => plannedSteps(...args).map((r) => r.step);
  const template = testTemplate();

  it('plans the 9E key at issuance only when the template allows the self-service unblock (and its certificate is not in 9E)', () => {
    const unblock = testTemplate({ issue: { ...template.issue, selfServiceUnblock: true } });
    expect(steps('issue', { kind: 'yubikey', state: 'blank' }, unblock)).toEqual([
      ...ISSUE_STEPS_IN_ORDER.slice(0, -1),
      'generate-card-auth-key',
      'register',
    ]);
    expect(steps('issue', { kind: 'yubikey', state: 'blank' }, template)).not.toContain('generate-card-auth-key');
    const in9e = { ...unblock.issue, certificate: { ...unblock.issue.certificate!, slot: '9e' as const } };
    expect(steps('issue', { kind: 'yubikey', state: 'blank' }, testTemplate({ issue: in9e }))).not.toContain(
      'generate-card-auth-key',
    );
  });

  it('plans activation, with the TAP step only when the template creates one', () => {
    expect(steps('activate', { kind: 'yubikey', state: 'issued' }, template)).toEqual([
      'detect',
      'verify-activation-pin',
      'change-pin',
      'register',
    ]);
    const withTap = testTemplate({
      tap: { ...template.tap, enabled: true },
      initiate: { systemGeneratesTap: true, exportTemplateIds: [] },
    });
    expect(steps('activate', { kind: 'yubikey', state: 'issued' }, withTap).at(-1)).toBe('create-tap');
  });

  it('plans unblock (register only for a locked card) and retirement per card kind', () => {
    expect(steps('unblock', { kind: 'piv', state: 'locked' }, template)).toEqual([
      'detect',
      'reset-retry-counter',
      'register',
    ]);
    expect(steps('unblock', { kind: 'piv', state: 'active' }, template)).toEqual(['detect', 'reset-retry-counter']);
    expect(steps('retire', { kind: 'yubikey', state: 'active' }, null)).toEqual([
      'detect',
      'reset',
      'register',
      'revoke-tap',
    ]);
    expect(steps('retire', { kind: 'piv', state: 'active' }, null)).toEqual([
      'detect',
      'authenticate',
      'destroy-keys',
      'reset-admin-secrets',
      'remove-binding',
      'register',
      'revoke-tap',
    ]);
  });

  it('labels each row with the catalogue’s words, one entry per step id', () => {
    expect(new Set(LIFECYCLE_STEPS.map((s) => s.id)).size).toBe(LIFECYCLE_STEPS.length);
    for (const s of LIFECYCLE_STEPS) expect(stepLabel(s.id)).toBe(s.label);
    const rows = plannedSteps('retire', { kind: 'yubikey', state: 'active' }, null);
    expect(rows.map((r) => r.label)).toEqual([
      'Detect the credential',
      'Reset the YubiKey (keys, certificates and binding destroyed)',
      'Record the new state in the registry',
      'Remove the Temporary Access Pass Keyward created for the card',
    ]);
  });

  it("ends each summary line with how the step ended, the card's pass by what became of it", () => {
    const revoke = (pass: string) =>
      ({ operation: 'retire', step: 'revoke-tap', phase: 'done', detail: { pass } }) as const;
    expect(stepOutcome({ operation: 'retire', step: 'register', phase: 'done' })).toBe('done');
    expect(stepOutcome({ operation: 'activate', step: 'change-pin', phase: 'skipped' })).toBe(
      'already done on the card',
    );
    expect(['none', 'revoked', 'gone', 'failed'].map((p) => stepOutcome(revoke(p)))).toEqual([
      'none to remove',
      'removed',
      'already gone',
      'not removed',
    ]);
  });
});
