import { describe, expect, it } from 'vitest';
import { ISSUE_STEPS_IN_ORDER } from '../../../test/lifecycle/lifecycle-fixtures';
import { LIFECYCLE_STEPS, stepsOf, type StepOf } from './steps';

describe('the lifecycle step catalogue', () => {
  it('lists each operation’s steps in run order, with their conditions', () => {
    expect(stepsOf('unblock')).toEqual([
      { id: 'detect', when: 'always' },
      { id: 'reset-retry-counter', when: 'always' },
      { id: 'register', when: 'locked' },
    ]);
    expect(stepsOf('issue').map((s) => s.id)).toEqual([
      ...ISSUE_STEPS_IN_ORDER.slice(0, -1),
      'generate-card-auth-key',
      'register',
    ]);
    // Retiring removes the pass Keyward created for the card once the retirement is recorded.
    expect(stepsOf('retire').map((s) => s.id)).toEqual([
      'detect',
      'authenticate',
      'reset',
      'destroy-keys',
      'reset-admin-secrets',
      'remove-binding',
      'register',
      'revoke-tap',
    ]);
    // Every step belongs to some operation.
    for (const s of LIFECYCLE_STEPS) expect(Object.keys(s.runsIn).length, s.id).toBeGreaterThan(0);
  });

  it('types a workflow’s steps: another operation’s step or a typo does not compile', () => {
    const retire: StepOf<'retire'>[] = ['detect', 'reset', 'register'];
    // @ts-expect-error issuance's set-pin is no step of retirement
    const foreign: StepOf<'retire'> = 'set-pin';
    // @ts-expect-error a misspelt step is no step at all
    const typo: StepOf<'issue'> = 'set-pim';
    expect(retire.every((id) => stepsOf('retire').some((s) => s.id === id))).toBe(true);
    expect(stepsOf('retire').map((s) => s.id)).not.toContain(foreign);
    expect(LIFECYCLE_STEPS.map((s) => s.id as string)).not.toContain(typo);
  });
});
