/**
 * The virtual card's persistent state (what survives a reset: references, keys, objects) and its
 * security status (what a reset or power cycle clears: SP 800-73-4 Part 2 §3 "security status").
 */
import type { RandomSource } from './bytes';
import { DEFAULTS, type PivCardProfile } from './profiles';
import type { KeyMaterial } from './slot-key';

/** A PIN or PUK reference (SP 800-73-4 Part 2 §3.2.1–3.2.3). */
export interface ReferenceData {
  value: Uint8Array;
  retries: number;
  maxRetries: number;
}

/** A key in a slot, with Yubico's policies and origin (1 generated, 2 imported). */
export interface SlotEntry {
  readonly algorithm: number;
  readonly key: KeyMaterial;
  readonly pinPolicy: number;
  readonly touchPolicy: number;
  readonly origin: 1 | 2;
}

/** The management key (reference 9B). */
export interface ManagementKey {
  algorithm: number;
  key: Uint8Array;
  touch: boolean;
}

/** A pending management-key challenge (SP 800-73-4 Part 2 Appendix A). */
export type PendingAuth = {
  readonly kind: 'witness' | 'challenge';
  readonly value: Uint8Array;
  readonly algorithm: number;
};

/** Security status: cleared by reset. */
export interface SecurityStatus {
  pinVerified: boolean;
  /** PIN verified and not yet used by an "always" key (SP 800-73-4 Part 1 §3.2, 9C). */
  pinFresh: boolean;
  mgmtAuthenticated: boolean;
  pending: PendingAuth | null;
}

/** Everything the card knows. */
export interface CardState {
  readonly profile: PivCardProfile;
  readonly serial: number;
  readonly random: RandomSource;
  pin: ReferenceData;
  puk: ReferenceData;
  mgmt: ManagementKey;
  readonly objects: Map<number, Uint8Array>;
  readonly slots: Map<number, SlotEntry>;
  security: SecurityStatus;
  selected: boolean;
}

/** Fresh security status. */
export function clearedSecurity(): SecurityStatus {
  return { pinVerified: false, pinFresh: false, mgmtAuthenticated: false, pending: null };
}

/** Factory-default references (used at creation, by Yubico RESET and SET PIN RETRIES). */
export function defaultReferences(
  profile: PivCardProfile,
  pinRetries: number = DEFAULTS.PIN_RETRIES,
  pukRetries: number = DEFAULTS.PUK_RETRIES,
) {
  return {
    pin: { value: DEFAULTS.PIN.slice(), retries: pinRetries, maxRetries: pinRetries },
    puk: { value: DEFAULTS.PUK.slice(), retries: pukRetries, maxRetries: pukRetries },
    mgmt: { algorithm: profile.defaultMgmtAlgorithm, key: DEFAULTS.MGMT_KEY.slice(), touch: false },
  };
}

/** A new card in its factory state. */
export function createCardState(profile: PivCardProfile, serial: number, random: RandomSource): CardState {
  return {
    profile,
    serial,
    random,
    ...defaultReferences(profile),
    objects: new Map(),
    slots: new Map(),
    security: clearedSecurity(),
    selected: false,
  };
}
