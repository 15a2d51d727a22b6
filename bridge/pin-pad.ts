/**
 * PIN-pad readers at the bridge (PC/SC Part 10 v2.02.09 §2.3): which PIN features a reader announces
 * (GET_FEATURE_REQUEST, asked once per connection), and forwarding a PIN structure to the control code it
 * announced, only when the structure carries a PIN command (src/transport/pcsc-pin-pad.ts checks it).
 */
import { CONTROL_GET_FEATURE_REQUEST } from '../src/transport/pcsc-bridge-protocol';
import { PCSC_FEATURE, parseFeatures, pinStructureProblem } from '../src/transport/pcsc-pin-pad';
import { Refusal, scardCtlCode } from './card-access';
import type { PcscCard } from './pcsc';

/** The reader's feature control codes by tag; none where it refuses the request (most readers, vpcd). */
export function readPinFeatures(card: PcscCard): Promise<Map<number, number>> {
  return card
    .control(scardCtlCode(CONTROL_GET_FEATURE_REQUEST), new Uint8Array(0))
    .then(parseFeatures, () => new Map<number, number>());
}

/** What a connect answers about the PIN pad: absent without one. */
export function pinPadOf(features: ReadonlyMap<number, number>): { pinPad?: { verify: boolean; modify: boolean } } {
  const verify = features.has(PCSC_FEATURE.VERIFY_PIN_DIRECT);
  const modify = features.has(PCSC_FEATURE.MODIFY_PIN_DIRECT);
  return verify || modify ? { pinPad: { verify, modify } } : {};
}

/**
 * The control code of FEATURE_VERIFY_PIN_DIRECT / FEATURE_MODIFY_PIN_DIRECT for `structure`; refuses a
 * reader without that feature and a structure that is not a PIN command.
 */
export function pinControlCode(
  reader: string,
  features: ReadonlyMap<number, number>,
  feature: 'verify' | 'modify',
  structure: Uint8Array,
): number {
  const code = features.get(feature === 'verify' ? PCSC_FEATURE.VERIFY_PIN_DIRECT : PCSC_FEATURE.MODIFY_PIN_DIRECT);
  if (code === undefined) throw new Refusal('CONTROL_REFUSED', `The reader "${reader}" has no PIN pad for this.`);
  const problem = pinStructureProblem(feature, structure);
  if (problem) throw new Refusal('CONTROL_REFUSED', `The bridge forwards PIN commands only: ${problem}.`);
  return code;
}
