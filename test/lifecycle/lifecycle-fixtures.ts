/**
 * Shared set-up for lifecycle tests: a card template, a card master key, and a virtual YubiKey or PIV
 * card behind the simulator reader (the real CCID driver runs; only the USB device is virtual).
 */
import { importCardMasterKey } from '../../src/cards/admin-secrets';
import type { CardTemplateRecord } from '../../src/store/db';
import { createSimulatorTransport, type SimulatorTransport } from '../../src/transport/simulator/simulator-transport';
import { createVirtualPivCard, type PivCardProfileName, type VirtualPivCard } from '../../src/transport/simulator/piv-card/virtual-piv-card';

/** A template: show the activation PIN, 6–8 digits, ECC P-256 in 9A, no TAP at activation. */
export function testTemplate(overrides: Partial<CardTemplateRecord> = {}): CardTemplateRecord {
  return {
    id: 'tpl-1', name: 'Staff YubiKey', description: '', allowedCredentialTypes: ['yubikey', 'piv'],
    issue: {
      assignUser: true, pinPolicy: { minLength: 6, maxLength: 8, digitsOnly: true }, activationPin: { delivery: 'show' },
      certificate: { slot: '9a', algorithm: 'ECCP256', subject: 'CN=${DisplayName}', upnSan: '${UserPrincipalName}' },
    },
    tap: { enabled: false, userMayRequest: false, forceAuthentication: false, forceAuthenticationDeliverTemplateId: null, operatorMayGenerate: false, showCode: false, operatorDeliverTemplateId: null, lifetimeOverrideMinutes: null, usableOnce: false },
    initiate: { systemGeneratesTap: false, exportTemplateIds: [] },
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export const USER = { id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', upn: 'ada@contoso.example', displayName: 'Ada Lovelace' };
export const OPERATOR = { oid: 'op-1', name: 'Aisha Operator', upn: 'aisha@contoso.example' };

/** A fresh random card master key (non-extractable HKDF). */
export function testMasterKey(): Promise<CryptoKey> {
  return importCardMasterKey(crypto.getRandomValues(new Uint8Array(32)));
}

let nextSerial = 20_000_000;

/** A virtual card in a virtual reader, connected. */
export async function cardInReader(profile: PivCardProfileName = 'yubikey-5.7'): Promise<{ card: VirtualPivCard; transport: SimulatorTransport }> {
  const card = createVirtualPivCard({ profile, serial: ++nextSerial });
  return { card, transport: await createSimulatorTransport({ card }) };
}
