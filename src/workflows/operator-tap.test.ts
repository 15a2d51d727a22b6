/**
 * The card template's rules for an operator's pass, as a table: each combination of the Entra ID TAP
 * Code switches that matters, and what it grants (or why not) for a card under it.
 */
import { describe, expect, it } from 'vitest';
import { exportTemplate } from '../../relay/templates/template-fixture';
import type { TapPolicyResult } from '../entra/tap-policy';
import { DEFAULT_TAP_POLICY } from '../../demo/entra-emulator/index';
import type { CardTemplateRecord } from '../store/db';
import { cardTapVerdict, cardValues, governsTap, userTapRefusal } from './operator-tap';
import { registryCard, templateWithTap } from './operator-tap-fixture';

const card = registryCard();
const mail = { record: exportTemplate('tap-mail'), version: 3 };
const policy: TapPolicyResult = {
  readable: true,
  policy: { ...DEFAULT_TAP_POLICY }, // the Entra emulator's default (the published Graph example)
};
const on = { enabled: true, operatorMayGenerate: true };
const under = (tap: Partial<CardTemplateRecord['tap']>) => templateWithTap(tap, { name: 'Staff' });

describe('cardTapVerdict', () => {
  it.each([
    ['TAP off', { enabled: false }, 'TAP_NOT_ALLOWED'],
    ['operator may not generate', { enabled: true }, 'TAP_NOT_ALLOWED'],
    ['neither shown nor delivered', on, 'TAP_NOWHERE_TO_GO'],
    ['a Deliver template not published', { ...on, operatorDeliverTemplateId: 'gone' }, 'TAP_DELIVER_TEMPLATE_GONE'],
    [
      'a lifetime over the policy',
      { ...on, showCode: true, lifetimeOverrideMinutes: 600 },
      'TAP_LIFETIME_OUTSIDE_POLICY',
    ],
    [
      'a lifetime under the policy',
      { ...on, showCode: true, lifetimeOverrideMinutes: 30 },
      'TAP_LIFETIME_OUTSIDE_POLICY',
    ],
  ])('refuses %s', (_what, tap, code) => {
    const verdict = cardTapVerdict(card, under(tap), [mail], policy);
    expect(verdict.grant).toBeNull();
    expect(verdict.refusal).toMatchObject({ layer: 'workflows', code, fields: { cardId: 'serial:123' } });
  });

  it('refuses a card whose template is withdrawn', () => {
    expect(cardTapVerdict(card, null, [mail], policy).refusal).toMatchObject({ code: 'TAP_TEMPLATE_GONE' });
  });

  it.each([
    ['shown only', { ...on, showCode: true }, { showCode: true, deliverWith: null, request: {} }],
    [
      'delivered only, with lifetime and usable-once',
      { ...on, operatorDeliverTemplateId: 'tap-mail', lifetimeOverrideMinutes: 120, usableOnce: true },
      { showCode: false, deliverWith: mail, request: { lifetimeInMinutes: 120, isUsableOnce: true } },
    ],
    [
      'shown and delivered',
      { ...on, showCode: true, operatorDeliverTemplateId: 'tap-mail' },
      { showCode: true, deliverWith: mail, request: {} },
    ],
  ])('grants %s', (_what, tap, grant) => {
    expect(cardTapVerdict(card, under(tap), [mail], policy)).toMatchObject({ refusal: null, grant });
  });

  it('leaves a lifetime to Graph when the policy could not be read', () => {
    const tap = { ...on, showCode: true, lifetimeOverrideMinutes: 600 };
    const unreadable: TapPolicyResult = { readable: false, reason: 'FORBIDDEN' };
    expect(cardTapVerdict(card, under(tap), [], unreadable).grant?.request).toEqual({ lifetimeInMinutes: 600 });
  });
});

describe('the user and the card', () => {
  const user = { id: 'u-1', displayName: 'Ben Member', userPrincipalName: 'ben@contoso.example', userType: 'Member' };
  const verdicts = [cardTapVerdict(card, under({ ...on, showCode: true }), [], policy)];
  it('refuses guests, oneself and users without cards before any card rule', () => {
    const as = (u: object, operator: string, v = verdicts) =>
      userTapRefusal({ ...user, ...u } as Parameters<typeof userTapRefusal>[0], operator, v)?.code ?? null;
    expect(as({ userType: 'Guest' }, 'op')).toBe('TAP_GUEST');
    expect(as({}, 'u-1')).toBe('TAP_SELF');
    expect(as({}, 'op', [])).toBe('TAP_NO_CARD');
    expect(as({}, 'op')).toBeNull();
  });

  it('counts live and lost cards, and names a card in the email by serial and kind', () => {
    expect(governsTap(card)).toBe(true);
    expect(governsTap({ ...card, state: 'retired' })).toBe(false);
    expect(governsTap({ ...card, state: 'retired', lostAt: '2026-12-05T10:00:00.000Z' })).toBe(true);
    expect(cardValues(card)).toEqual({ CardSerial: '123', CredentialType: 'YubiKey' });
    expect(cardValues({ ...card, serial: null, credentialType: 'piv' })).toEqual({
      CardSerial: 'serial:123',
      CredentialType: 'PIV card',
    });
  });
});
