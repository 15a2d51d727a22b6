/**
 * Short and extended APDU exchange levels: the reader runs T=0/T=1 itself, the host sends whole APDUs in
 * PC_to_RDR_XfrBlock. At extended level, messages longer than dwMaxCCIDMessageLength − 10 are chained
 * with wLevelParameter / bChainParameter (CCID rev 1.1 §6.1.4 Table 6.1-3, §6.2.1).
 */
import { concatBytes } from '../bytes';
import { AppError } from '../app-error';
import { CCID_HEADER_LENGTH, LEVEL_PARAMETER } from './messages';
import { CHAIN_PARAMETER } from './messages-reply';
import type { CardSession, ExchangeCapabilities, SlotIo } from './slot';

/** Largest short command APDU: CLA INS P1 P2 Lc 255 bytes Le (ISO 7816-4 §5.1). */
export const SHORT_APDU_MAX_COMMAND = 261;
/** Largest short response: 256 bytes + SW1 SW2. */
export const SHORT_APDU_MAX_RESPONSE = 258;
/** Largest extended command: header, 3-byte Lc, 65535 bytes, 2-byte Le (ISO 7816-4 §5.1). */
export const EXTENDED_APDU_MAX_COMMAND = 65544;
/** Largest extended response: 65536 bytes + SW1 SW2. */
export const EXTENDED_APDU_MAX_RESPONSE = 65538;

function unexpectedChain(chain: number, stage: string): AppError {
  return new AppError('ccid', 'UNEXPECTED_REPLY', `bChainParameter 0x${chain.toString(16)} is not valid ${stage}`, {
    chainParameter: chain,
  });
}

/** Sends a command APDU in chunks (Table 6.1-3: 01 begins, 03 continues, 02 ends); returns the first reply. */
async function sendChained(io: SlotIo, apdu: Uint8Array, chunk: number, signal?: AbortSignal) {
  if (apdu.length <= chunk) return io.xfrBlock(apdu, LEVEL_PARAMETER.BEGIN_AND_END, signal);
  for (let o = 0; ; o += chunk) {
    const last = o + chunk >= apdu.length;
    const level = o === 0 ? LEVEL_PARAMETER.BEGIN : last ? LEVEL_PARAMETER.END : LEVEL_PARAMETER.CONTINUE;
    const reply = await io.xfrBlock(apdu.subarray(o, o + chunk), level, signal);
    if (last) return reply;
    // Between parts the reader answers with an empty block and bChainParameter 0x10 (§6.2.1).
    if (reply.chainParameter !== CHAIN_PARAMETER.CONTINUE_COMMAND)
      throw unexpectedChain(reply.chainParameter, 'while sending a command');
  }
}

/** Collects a response that the reader splits (§6.2.1: 01 begins, 03 continues, 02 ends; 0x10 asks for more). */
async function receiveChained(
  io: SlotIo,
  first: { chainParameter: number; data: Uint8Array },
  signal?: AbortSignal,
): Promise<Uint8Array> {
  if (first.chainParameter === CHAIN_PARAMETER.BEGIN_AND_END) return first.data;
  if (first.chainParameter !== CHAIN_PARAMETER.BEGIN)
    throw unexpectedChain(first.chainParameter, 'to start a response');
  const parts = [first.data];
  let total = first.data.length;
  for (;;) {
    const next = await io.xfrBlock(new Uint8Array(0), LEVEL_PARAMETER.CONTINUE_RESPONSE, signal);
    parts.push(next.data);
    total += next.data.length;
    if (total > EXTENDED_APDU_MAX_RESPONSE)
      throw new AppError('ccid', 'MALFORMED_REPLY', 'The chained response exceeds 65538 bytes');
    if (next.chainParameter === CHAIN_PARAMETER.END) return concatBytes(...parts);
    if (next.chainParameter !== CHAIN_PARAMETER.CONTINUE)
      throw unexpectedChain(next.chainParameter, 'inside a response');
  }
}

/** What each APDU level carries. */
export function apduCapabilities(io: SlotIo): ExchangeCapabilities {
  const room = io.descriptor.maxMessageLength - CCID_HEADER_LENGTH;
  if (io.descriptor.exchangeLevel === 'extended-apdu') {
    return {
      extendedApdu: true,
      maxCommandLength: EXTENDED_APDU_MAX_COMMAND,
      maxResponseLength: EXTENDED_APDU_MAX_RESPONSE,
    };
  }
  return {
    extendedApdu: false,
    maxCommandLength: Math.min(SHORT_APDU_MAX_COMMAND, room),
    maxResponseLength: SHORT_APDU_MAX_RESPONSE,
  };
}

/**
 * An APDU-level session: one XfrBlock per APDU, chained at extended level when it does not fit; with
 * `enterPin` when the reader has a PIN pad (the reader sends its completed APDU to the card itself, so
 * no bTeoPrologue is needed at this level).
 */
export function createApduExchange(io: SlotIo, atr: Uint8Array): CardSession {
  const capabilities = apduCapabilities(io);
  const chunk = io.descriptor.maxMessageLength - CCID_HEADER_LENGTH;
  const { verification, modification } = io.descriptor.pinSupport;
  return {
    atr,
    protocol: null,
    capabilities,
    ...(verification || modification
      ? { enterPin: async (abData, options = {}) => (await io.secure(abData, options.signal)).data }
      : {}),
    async transmit(apdu, options = {}) {
      if (apdu.length > capabilities.maxCommandLength || (!capabilities.extendedApdu && apdu.length > chunk)) {
        throw new AppError(
          'ccid',
          'APDU_TOO_LONG',
          `A ${apdu.length}-byte command does not fit this reader (max ${capabilities.maxCommandLength})`,
          {
            length: apdu.length,
            max: capabilities.maxCommandLength,
          },
        );
      }
      const first = await sendChained(io, apdu, chunk, options.signal);
      if (!capabilities.extendedApdu) return first.data;
      return receiveChained(io, first, options.signal);
    },
  };
}
