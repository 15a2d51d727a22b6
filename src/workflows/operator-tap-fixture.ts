/**
 * What the tests of an operator's pass (operator-tap, and batch-tap's eligibility, preview and
 * operator-batch) decide over: a card as the relay's registry answers for it, and a published card
 * template whose TAP section each test sets.
 */
import { testTemplate } from '../../test/lifecycle/lifecycle-fixtures';
import type { CardTemplateRecord } from '../store/db';
import type { Card } from './ports';

/** Ben's active YubiKey 123 (`serial:123`) under tpl-1 v1, as the registry answers for it; `over` changes any field. */
export function registryCard(over: Partial<Card> = {}): Card {
  return {
    cardId: 'serial:123',
    state: 'active',
    holder: { oid: 'u-1', name: 'Ben Member', upn: 'ben@contoso.example' },
    template: { id: 'tpl-1', version: 1 },
    credentialType: 'yubikey',
    serial: 123,
    chuidGuid: 'u-1',
    keys: [],
    managementKeyAlgorithm: null,
    issuedBy: null,
    issuedAt: null,
    lostAt: null,
    updatedAt: '2026-12-05T09:00:00.000Z',
    version: 2,
    ...over,
  };
}

/** `testTemplate()` with `over` and its TAP section changed by `tap`, published as version 1. */
export function templateWithTap(tap: Partial<CardTemplateRecord['tap']>, over: Partial<CardTemplateRecord> = {}) {
  return { record: testTemplate({ ...over, tap: { ...testTemplate().tap, ...tap } }), version: 1 };
}
