/**
 * A virtual PIV card (SP 800-73-4 Parts 1–2, SP 800-78-4) with Yubico's PIV extensions, faithful enough
 * that yubico-piv-tool, OpenSC and ykman accept it (test/interop). Browser-safe: it runs behind the
 * simulator's virtual CCID reader in the demo, and behind vpcd (scripts/virtual-card.ts) for interop.
 *
 * This file holds the APDU plumbing (ISO/IEC 7816-4:2020): command chaining with CLA b5 (§5.3.3, the
 * pieces are joined before the command runs), response chaining with 61xx + GET RESPONSE (§5.3.4,
 * 00 C0 00 00 Le), extended lengths, SELECT (SP 800-73-4 Part 2 §3.1.1), and the dispatch by INS.
 *
 * The card model declares its own constants (instructions, key references, algorithm identifiers) from
 * the specs, apart from src/piv/ on purpose: it is the oracle the host's PIV layer is tested against, so
 * a wrong byte in one must not be copied into the other.
 */
import { concatBytes } from '../../bytes';
import { webRandom, type RandomSource } from './bytes';
import { CARD_SW, encodeReply, parseCommand, status, type CardCommand, type CardReply } from './card-apdu';
import { clearedSecurity, createCardState, type CardState } from './card-state';
import { redactCommand, redactResponse, type ApduLogEntry } from './apdu-log';
import { PROFILES, type PivCardProfileName } from './profiles';
import { selectApplication } from './select';
import { commandsFor } from './dispatch';
import { installAttestationKey } from './attestation-key';
import { RefusalPlan, type CardRefusal } from './refusals';

export type { ApduLogEntry } from './apdu-log';
export type { PivCardProfileName } from './profiles';
export type { CardRefusal } from './refusals';

/** Options for `createVirtualPivCard`. */
export interface VirtualPivCardOptions {
  readonly profile: PivCardProfileName;
  /** The serial GET SERIAL returns (default 10000001). */
  readonly serial?: number;
  /** Random bytes for keys, witnesses and challenges (default WebCrypto). */
  readonly random?: RandomSource;
}

/** The card: plug `atr` + `handleApdu` into the simulator reader, or `handle` into the vpcd client. */
export interface VirtualPivCard {
  readonly atr: Uint8Array;
  readonly profile: PivCardProfileName;
  /** One command APDU in, one response APDU out. */
  handle(apdu: Uint8Array): Promise<Uint8Array>;
  /** The same function, under the name the simulator's `VirtualCardSpec` uses. */
  handleApdu(apdu: Uint8Array): Promise<Uint8Array>;
  /** Every APDU exchanged, redacted. */
  readonly log: ApduLogEntry[];
  /** Warm or cold reset: clears the security status, the selection and any chaining in progress. */
  reset(): void;
  /** Makes the card answer the next matching command(s) with `refusal.sw` instead of running them (refusals.ts). */
  refuse(refusal: CardRefusal): void;
  /** Drops every refusal still armed. */
  clearRefusals(): void;
}

interface Plumbing {
  chain: { head: string; parts: Uint8Array[] } | null;
  rest: Uint8Array | null;
  readonly refusals: RefusalPlan;
}

/** Creates a virtual PIV card in its factory state. */
export function createVirtualPivCard(options: VirtualPivCardOptions): VirtualPivCard {
  const profile = PROFILES[options.profile];
  const state = createCardState(
    profile,
    profile.fixedSerial ?? options.serial ?? 10000001,
    options.random ?? webRandom,
  );
  if (profile.version) installAttestationKey(state);
  const plumbing: Plumbing = { chain: null, rest: null, refusals: new RefusalPlan() };
  const log: ApduLogEntry[] = [];
  const handle = async (apdu: Uint8Array): Promise<Uint8Array> => {
    const ins = apdu[1] ?? 0;
    log.push({ direction: 'command', hex: redactCommand(apdu), ins, timestamp: Date.now() });
    const response = await process(state, plumbing, apdu);
    const sw = (response[response.length - 2]! << 8) | response[response.length - 1]!;
    log.push({ direction: 'response', hex: redactResponse(ins, response), ins, sw, timestamp: Date.now() });
    return response;
  };
  const reset = (): void => {
    state.security = clearedSecurity();
    state.selected = false;
    plumbing.chain = null;
    plumbing.rest = null;
  };
  return {
    atr: profile.atr.slice(),
    profile: profile.name,
    handle,
    handleApdu: handle,
    log,
    reset,
    refuse: (refusal) => plumbing.refusals.add(refusal),
    clearRefusals: () => plumbing.refusals.clear(),
  };
}

/** Sends `data` within Ne, keeping the rest for GET RESPONSE (61xx, xx = 00 when 256 or more remain). */
function serve(plumbing: Plumbing, reply: CardReply, c: CardCommand): Uint8Array {
  const max = c.ne || (c.extended ? 65536 : 256);
  if (reply.sw !== CARD_SW.OK || reply.data.length <= max) return encodeReply(reply.data, reply.sw);
  plumbing.rest = reply.data.slice(max);
  return encodeReply(reply.data.subarray(0, max), CARD_SW.MORE_DATA_00 | (Math.min(plumbing.rest.length, 256) & 0xff));
}

async function process(state: CardState, plumbing: Plumbing, apdu: Uint8Array): Promise<Uint8Array> {
  const c = parseCommand(apdu);
  if (!c) return encodeReply(new Uint8Array(0), CARD_SW.WRONG_LENGTH);
  if ((c.cla & ~0x10) !== 0) return encodeReply(new Uint8Array(0), CARD_SW.CLA_NOT_SUPPORTED);
  if (c.ins === 0xc0) {
    const rest = plumbing.rest;
    plumbing.rest = null;
    return rest
      ? serve(plumbing, { data: rest, sw: CARD_SW.OK }, c)
      : encodeReply(new Uint8Array(0), CARD_SW.CONDITIONS_NOT_SATISFIED);
  }
  plumbing.rest = null;
  const joined = joinChain(plumbing, c);
  if (!joined) return encodeReply(new Uint8Array(0), CARD_SW.OK);
  const refused = plumbing.refusals.take(joined);
  if (refused !== null) return encodeReply(new Uint8Array(0), refused);
  return serve(plumbing, await execute(state, joined), joined);
}

/** Collects chained pieces; returns the whole command once the last piece arrives. */
function joinChain(plumbing: Plumbing, c: CardCommand): CardCommand | null {
  const head = `${c.ins}:${c.p1}:${c.p2}`;
  if (plumbing.chain && plumbing.chain.head !== head) plumbing.chain = null;
  if (c.cla & 0x10) {
    plumbing.chain ??= { head, parts: [] };
    plumbing.chain.parts.push(c.data);
    return null;
  }
  if (!plumbing.chain) return c;
  const data = concatBytes(...plumbing.chain.parts, c.data);
  plumbing.chain = null;
  return { ...c, data };
}

async function execute(state: CardState, c: CardCommand): Promise<CardReply> {
  if (c.ins === 0xa4) return selectApplication(state, c);
  const command = commandsFor(state.profile).get(c.ins);
  if (!command) return status(CARD_SW.INS_NOT_SUPPORTED);
  if (!state.selected) return status(CARD_SW.CONDITIONS_NOT_SATISFIED);
  return command(state, c);
}
