/**
 * The card template's TAP rules that the console, the relay and the holder's page share, as tables: the
 * holder's request for each combination of switches that matters, the Initiate Card emails, and the card's
 * and pass's email variables.
 */
import { describe, expect, it } from 'vitest';
import { cardTemplate } from '../../relay/templates/template-fixture';
import {
  cardEmailValues,
  generatesAtActivation,
  holderTap,
  initiateEmails,
  operatorTap,
  passEmailValues,
  passRequest,
  type TapOptions,
} from './tap-rules';

const email = (id: string, sendAutomatically: boolean) => ({
  record: { id, name: `Email ${id}`, sendAutomatically },
  version: 2,
});
const emails = [email('auto', true), email('held', false)];
const find = (id: string) => emails.find((e) => e.record.id === id);
const tap = (patch: Partial<TapOptions>): TapOptions => ({
  ...cardTemplate().tap,
  operatorDeliverTemplateId: null,
  showCode: false,
  ...patch,
});
const may = { enabled: true, userMayRequest: true };

describe('holderTap', () => {
  it.each<[string, Partial<TapOptions>, string]>([
    ['TAP off', { enabled: false, userMayRequest: true }, 'does not let holders request'],
    ['holders may not request', { userMayRequest: false, showCode: true }, 'does not let holders request'],
    ['proof without an email', { ...may, forceAuthentication: true }, 'names no email'],
    ['an email not published', { ...may, operatorDeliverTemplateId: 'gone' }, 'is not published'],
    ['neither shown nor emailed', may, 'neither shows the pass nor names an email'],
    ['only a held email', { ...may, operatorDeliverTemplateId: 'held' }, '“Email held” is not sent automatically'],
    [
      'proof with a held email (never shown)',
      { ...may, showCode: true, forceAuthentication: true, forceAuthenticationDeliverTemplateId: 'held' },
      'is not sent automatically',
    ],
  ])('refuses %s, in words', (_what, patch, words) => {
    const rules = holderTap(tap(patch), find);
    expect(rules.allowed).toBe(false);
    expect(!rules.allowed && rules.reason).toContain(words);
  });

  it.each<[string, Partial<TapOptions>, object]>([
    [
      'shown only',
      { ...may, showCode: true },
      { showCode: true, deliverByEmail: false, deliverWith: null, held: null },
    ],
    [
      'shown, with its email held',
      { ...may, showCode: true, operatorDeliverTemplateId: 'held' },
      { showCode: true, deliverByEmail: false, deliverWith: null, held: emails[1] },
    ],
    [
      'proved, emailed only, never shown',
      { ...may, showCode: true, forceAuthentication: true, forceAuthenticationDeliverTemplateId: 'auto' },
      { forceAuthentication: true, showCode: false, deliverByEmail: true, deliverWith: emails[0], held: null },
    ],
  ])('allows %s', (_what, patch, expected) => {
    expect(holderTap(tap(patch), find)).toMatchObject({ allowed: true, ...expected });
  });
});

describe('operatorTap and the request', () => {
  it('asks Graph for the template lifetime, and usable once only when on', () => {
    expect(passRequest(tap({ lifetimeOverrideMinutes: 120, usableOnce: true }))).toEqual({
      lifetimeInMinutes: 120,
      isUsableOnce: true,
    });
    expect(passRequest(tap({ lifetimeOverrideMinutes: null, usableOnce: false }))).toEqual({});
  });

  it('holds the lifetime to the tenant policy when it could be read', () => {
    const on = tap({ enabled: true, operatorMayGenerate: true, showCode: true, lifetimeOverrideMinutes: 600 });
    const policy = { minimumLifetimeInMinutes: 60, maximumLifetimeInMinutes: 480 };
    expect(operatorTap(on, find, policy)).toMatchObject({ allowed: false, refusal: 'TAP_LIFETIME_OUTSIDE_POLICY' });
    expect(operatorTap(on, find, null)).toMatchObject({ allowed: true, request: { lifetimeInMinutes: 600 } });
  });
});

describe('Initiate Card', () => {
  it('creates a pass only with TAP on, and sends, holds or misses each email', () => {
    const t = {
      ...cardTemplate(),
      initiate: { systemGeneratesTap: true, exportTemplateIds: ['auto', 'held', 'gone'] },
    };
    expect(generatesAtActivation(t)).toBe(true);
    expect(generatesAtActivation({ ...t, tap: { ...t.tap, enabled: false } })).toBe(false);
    expect(initiateEmails(t, find)).toEqual([
      { status: 'send', id: 'auto', email: emails[0] },
      { status: 'held', id: 'held', email: emails[1] },
      { status: 'gone', id: 'gone' },
    ]);
  });
});

describe('the email variables', () => {
  it('names a card by its serial, else by its id, and its kind in words (never "Card:  ()")', () => {
    expect(cardEmailValues({ cardId: 'serial:7201', serial: '7201', credentialType: 'yubikey' })).toEqual({
      CardSerial: '7201',
      CredentialType: 'YubiKey',
    });
    expect(cardEmailValues({ cardId: 'chuid:d4e7', serial: null, credentialType: 'piv' })).toEqual({
      CardSerial: 'chuid:d4e7',
      CredentialType: 'PIV card',
    });
  });

  it('gives the pass its times in UTC, and a start Graph left out as now', () => {
    const pass = { id: 'p1', temporaryAccessPass: 'code', lifetimeInMinutes: 90, isUsableOnce: true };
    expect(passEmailValues({ ...pass, startDateTime: '2026-12-05T09:00:00Z' })).toEqual({
      AadTapId: 'p1',
      AadTapCode: 'code',
      AadTapLifetimeMinutes: '90',
      AadTapStart: '2026-12-05 09:00 UTC',
      AadTapExpires: '2026-12-05 10:30 UTC',
      AadTapUsableOnce: 'yes',
    });
    const now = Date.parse('2026-12-06T08:00:00Z');
    expect(passEmailValues({ ...pass, startDateTime: '' }, now).AadTapStart).toBe('2026-12-06 08:00 UTC');
  });
});
