/**
 * TPDU exchange level: the host runs ISO 7816-3 itself and the reader only moves TPDUs (T=0) or blocks
 * (T=1) in PC_to_RDR_XfrBlock (CCID rev 1.1 §6.1.4). So the host parses the ATR, sends PPS when the
 * reader does not (dwFeatures AUTO_PPS / AUTO_PARAMETER_NEGOTIATION, §5.1), tells the reader the
 * parameters (PC_to_RDR_SetParameters §6.1.7), and negotiates IFSD when the reader does not (AUTO_IFSD).
 */
import { AppError, isAppError } from '../app-error';
import type { Atr } from './atr-types';
import { parseAtr } from './atr';
import type { ProtocolParameters } from './messages';
import { LEVEL_PARAMETER } from './messages';
import { buildPpsRequest, choosePps, parsePpsResponse } from './pps';
import {
  EXTENDED_APDU_MAX_COMMAND,
  EXTENDED_APDU_MAX_RESPONSE,
  SHORT_APDU_MAX_COMMAND,
  SHORT_APDU_MAX_RESPONSE,
} from './slot-apdu';
import type { CardSession, PowerOnOptions, SlotIo } from './slot';
import { createT0Host } from './t0';
import { createT1Host } from './t1-host';

/** Fi/Di byte meaning the defaults Fd = 372, Dd = 1 (ISO 7816-3 §8.3, coded as TA1). */
const DEFAULT_FIDI = 0x11;
/** Largest IFSD (ISO 7816-3 §11.4.2). */
const MAX_IFSD = 254;

/** Picks T=1 or T=0: the card's specific mode wins, then the preference, among what both sides offer. */
function chooseProtocol(atr: Atr, io: SlotIo, prefer: 0 | 1): 0 | 1 {
  const reader = io.descriptor.protocols;
  const both = (t: 0 | 1): boolean => atr.protocols.includes(t) && (t === 0 ? reader.t0 : reader.t1);
  if (
    atr.specificMode &&
    (atr.specificMode.protocol === 0 || atr.specificMode.protocol === 1) &&
    !atr.specificMode.canChange
  ) {
    return atr.specificMode.protocol;
  }
  const order: (0 | 1)[] = prefer === 1 ? [1, 0] : [0, 1];
  const chosen = order.find(both);
  if (chosen === undefined) {
    throw new AppError(
      'ccid',
      'PROTOCOL_UNSUPPORTED',
      `The card offers T=${atr.protocols.join(',')}, the reader T=0/T=1 bits ${reader.raw}`,
      {
        cardProtocols: atr.protocols,
      },
    );
  }
  return chosen;
}

/** Runs PPS when the host must (ISO 7816-3 §9); returns the Fi/Di byte now in force. */
async function negotiate(io: SlotIo, atr: Atr, protocol: 0 | 1, signal?: AbortSignal): Promise<number> {
  const d = io.descriptor;
  // The reader negotiates itself: it applies the card's TA1 when it can.
  if (d.auto.pps || d.auto.parameterNegotiation) return atr.ta1;
  // Specific mode: no PPS; the card already runs at TA1 unless its parameters are implicit (§8.3, TA2).
  if (atr.specificMode) return atr.specificMode.implicitParameters ? DEFAULT_FIDI : atr.ta1;
  const choice = choosePps(
    atr,
    {
      dataRates: io.dataRates,
      maxDataRate: d.maxDataRate,
      defaultClockKhz: d.defaultClockKhz,
      maxClockKhz: d.maxClockKhz,
    },
    protocol,
  );
  if (!choice) return DEFAULT_FIDI;
  const request = buildPpsRequest(choice);
  const reply = await io.xfrBlock(request, LEVEL_PARAMETER.BEGIN_AND_END, signal);
  const agreed = parsePpsResponse(request, reply.data);
  return agreed.pps1 ?? DEFAULT_FIDI;
}

/** abProtocolDataStructure for the chosen protocol (CCID rev 1.1 §6.1.7, Tables 6.1-6 / 6.1-7). */
function protocolParameters(atr: Atr, protocol: 0 | 1, fidi: number): ProtocolParameters {
  const inverse = atr.convention === 'inverse' ? 0x02 : 0x00;
  if (protocol === 0) {
    return {
      protocol: 0,
      findexDindex: fidi,
      tcckst: inverse,
      guardTime: atr.extraGuardTime,
      waitingInteger: atr.wi,
      clockStop: 0,
    };
  }
  return {
    protocol: 1,
    findexDindex: fidi,
    // bmTCCKST1: bits 7..2 are 000100b, bit 1 convention, bit 0 CRC (1) or LRC (0).
    tcckst: 0x10 | inverse | (atr.t1.edc === 'crc' ? 0x01 : 0x00),
    guardTime: atr.extraGuardTime,
    waitingIntegers: ((atr.t1.bwi & 0x0f) << 4) | (atr.t1.cwi & 0x0f),
    clockStop: 0,
    ifsc: atr.t1.ifsc,
    nad: 0,
  };
}

/** T=0: the engine maps each short APDU to TPDUs; the reader moves them (CCID §6.1.4, ISO 7816-3 §10). */
function t0Session(io: SlotIo, atrBytes: Uint8Array): CardSession {
  let signal: AbortSignal | undefined;
  const host = createT0Host(async (tpdu) => (await io.xfrBlock(tpdu, LEVEL_PARAMETER.BEGIN_AND_END, signal)).data);
  return {
    atr: atrBytes,
    protocol: 0,
    capabilities: {
      extendedApdu: false,
      maxCommandLength: SHORT_APDU_MAX_COMMAND,
      maxResponseLength: SHORT_APDU_MAX_RESPONSE,
    },
    transmit(apdu, o = {}) {
      signal = o.signal;
      return host.transceive(apdu);
    },
  };
}

/** T=1: blocks in XfrBlock, BWT extensions in bBWI; IFSD told to the card unless the reader does it (§11.4.2). */
async function t1Session(io: SlotIo, atr: Atr, signal: AbortSignal | undefined): Promise<CardSession> {
  let current = signal;
  const host = createT1Host(
    { ifsc: atr.t1.ifsc, ifsd: 32, edc: atr.t1.edc },
    async (block, { bwtMultiplier }) =>
      (await io.xfrBlock(block, LEVEL_PARAMETER.BEGIN_AND_END, current, bwtMultiplier > 1 ? bwtMultiplier & 0xff : 0))
        .data,
  );
  if (!io.descriptor.auto.ifsd) await host.negotiateIfsd(Math.min(MAX_IFSD, io.descriptor.maxIfsd || MAX_IFSD));
  // After a failure below T=1 (USB, reader, timeout) nobody knows which block the card saw last, so the
  // next APDU starts with S(RESYNCH) (ISO 7816-3 §11.6.3.2 rule 6.4) instead of failing on N(S).
  let resync = false;
  return {
    atr: atr.bytes,
    protocol: 1,
    capabilities: {
      extendedApdu: true,
      maxCommandLength: EXTENDED_APDU_MAX_COMMAND,
      maxResponseLength: EXTENDED_APDU_MAX_RESPONSE,
    },
    async transmit(apdu, o = {}) {
      current = o.signal;
      if (resync) {
        await host.resynchronise();
        resync = false;
      }
      try {
        return await host.transceive(apdu, o.signal);
      } catch (e) {
        if (!isAppError(e, 'ccid', 'T1_PROTOCOL')) resync = true;
        throw e;
      }
    },
  };
}

/** Prepares a TPDU-level session on a freshly powered card: protocol, PPS, SetParameters, then T=0/T=1. */
export async function setupTpdu(io: SlotIo, atrBytes: Uint8Array, options: PowerOnOptions): Promise<CardSession> {
  const atr = parseAtr(atrBytes);
  const protocol = chooseProtocol(atr, io, options.preferProtocol ?? 1);
  const fidi = await negotiate(io, atr, protocol, options.signal);
  await io.setParameters(protocolParameters(atr, protocol, fidi), options.signal);
  return protocol === 0 ? t0Session(io, atrBytes) : t1Session(io, atr, options.signal);
}
