/**
 * Asking the card (issue-preconditions.ts, detect.ts): the management-key algorithm table by what GET
 * METADATA and GET VERSION said, and Detect on every fleet shape of the virtual card (kind, key
 * algorithms, the serial a card id may rest on), through the real driver.
 */
import { describe, expect, it } from 'vitest';
import { fromHex } from '../bytes';
import { cardInReader } from '../../test/lifecycle/lifecycle-fixtures';
import type { PivCardProfileName } from '../simulator/piv-card/virtual-piv-card';
import { openCard } from './card';
import { atrNamesYubiKey } from './detect';
import { managementKeyCandidates } from './issue-preconditions';

const v = (major: number, minor: number, patch = 0) => ({ major, minor, patch });

describe('managementKeyCandidates', () => {
  it.each([
    ['YubiKey 4 / NEO / 5.2: no metadata', { algorithm: 'TDES', fromMetadata: false }, v(4, 3), ['TDES']],
    ['a card without metadata that reports 5.7', { algorithm: 'TDES', fromMetadata: false }, v(5, 7), ['TDES']],
    [
      'YubiKey 5.4–5.6: metadata 3DES, AES possible',
      { algorithm: 'TDES', fromMetadata: true },
      v(5, 4, 3),
      ['AES192', 'TDES'],
    ],
    ['YubiKey 5.3: metadata, no AES yet', { algorithm: 'TDES', fromMetadata: true }, v(5, 3), ['TDES']],
    ['YubiKey 5.7+: metadata AES-192', { algorithm: 'AES192', fromMetadata: true }, v(5, 7, 2), ['AES192']],
    ['an AES-256 key stays AES-256', { algorithm: 'AES256', fromMetadata: true }, v(5, 4), ['AES256']],
    ['metadata without GET VERSION', { algorithm: 'TDES', fromMetadata: true }, null, ['TDES']],
  ] as const)('%s → %j', (_, facts, firmware, expected) => {
    expect(managementKeyCandidates(facts, firmware)).toEqual(expected);
  });
});

describe('atrNamesYubiKey', () => {
  it('finds "YubiKey"/"Yubikey" in the historical bytes, not in a plain PIV ATR', () => {
    expect(atrNamesYubiKey(fromHex('3BFD1300008131FE158073C021C057597562694B657940'))).toBe(true);
    expect(atrNamesYubiKey(fromHex('3BF81300008131FE15597562696B657934D4'))).toBe(true);
    expect(atrNamesYubiKey(fromHex('3B8F80018073CC91CBF9A0000003080000100029'))).toBe(false);
  });
});

describe('Detect and the card handle on the fleet', () => {
  const shapes: readonly [PivCardProfileName, number | undefined, object][] = [
    ['yubikey-neo', undefined, { kind: 'yubikey', serial: null, algorithms: ['RSA1024', 'RSA2048', 'ECCP256'] }],
    [
      'yubikey-4',
      undefined,
      { kind: 'yubikey', serial: null, algorithms: ['RSA1024', 'RSA2048', 'ECCP256', 'ECCP384'] },
    ],
    ['yubikey-5.2', 52, { kind: 'yubikey', serial: 52, algorithms: ['RSA1024', 'RSA2048', 'ECCP256', 'ECCP384'] }],
    ['yubikey-5.7', 0, { kind: 'yubikey', serial: null }],
    ['yubikey-5.7', 0xffffffff, { kind: 'yubikey', serial: null }],
    ['piv-partial', 77, { kind: 'piv', serial: null, algorithms: ['RSA2048', 'ECCP256', 'ECCP384'] }],
  ];
  it.each(shapes)('%s (serial %s)', async (profile, serial, expected) => {
    const { transport } = await cardInReader(profile, serial);
    const card = await openCard(transport);
    expect({ kind: card.kind, serial: card.serial, algorithms: card.detected.capabilities.algorithms }).toMatchObject(
      expected,
    );
    await transport.close();
  });

  it('names the foreign applet for what it is, with the version it claims, and offers no RSA-1024', async () => {
    const { transport } = await cardInReader('piv-partial');
    const card = await openCard(transport);
    expect(card.detected.typeName).toBe('PIV card · reports firmware 5.7.0');
    expect(card.detected.capabilities).toMatchObject({ managementKeyAlgorithm: 'TDES', firmware: '5.7.0' });
    expect(card.detected.capabilities.algorithms).not.toContain('RSA1024');
    expect(card.firmware).toEqual(v(5, 7, 0));
    await transport.close();
  });
});
