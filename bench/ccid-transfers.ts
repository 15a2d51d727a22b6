/**
 * USB bulk transfers used for a 2 KB write and a 4 KB read, next to the fewest the specifications allow
 * for that reader. Counted on the device (CountingDevice): each WebUSB transferOut / transferIn call on
 * the bulk endpoints. The minimum is derived here from the reader's class descriptor (read by the
 * simulator's own decoder, virtual-facts.ts, not the driver's) and the card's ATR, not from our code.
 *
 * Every CCID exchange is one PC_to_RDR_XfrBlock (one bulk-out) answered by one RDR_to_PC_DataBlock (one
 * bulk-in) as long as each message fits dwMaxCCIDMessageLength (CCID rev 1.1 §6.1.4, §6.2.1, §5.1), so
 * the minimum is the fewest XfrBlocks, twice.
 */
import { createTestCard, ATR_T0_T1 } from '../src/simulator/fake-test-card';
import { readerFacts } from '../src/simulator/virtual-facts';
import { atrT1Parameters } from '../src/simulator/virtual-t1';
import type { SimReaderFacts } from '../src/simulator/virtual-types';
import { openRig, type Rig } from './ccid-rig';

/** One operation: command data length, Ne (undefined: no Le field) and response data length. */
interface Operation {
  readonly data: number;
  readonly ne: number | undefined;
  readonly response: number;
}

/** 2 KB write: the test card's PUT (INS 10), case 3 like PUT DATA; it answers 3 bytes (length, XOR). */
const WRITE: Operation = { data: 2048, ne: undefined, response: 3 };
/** 4 KB read: the test card's GET (INS 20, P1P2 = 4096); case 2 with Ne 4096. */
const READ: Operation = { data: 0, ne: 4096, response: 4096 };

const CCID_HEADER = 10;
const ceil = (a: number, b: number): number => Math.max(1, Math.ceil(a / b));

/** Length of the extended-length encoding (ISO 7816-4 §5.1: cases 2E 4+3, 3E 4+3+Nc, 4E 4+3+Nc+2). */
function extendedLength(op: Operation): number {
  if (op.data === 0) return op.ne === undefined ? 4 : 7;
  return 7 + op.data + (op.ne === undefined ? 0 : 2);
}

/**
 * Short APDU level (CCID §6.1.4: one short APDU per XfrBlock; the reader runs T=0/T=1). Command data over
 * 255 bytes must be split by command chaining (ISO 7816-4 §5.3, CLA b5): one XfrBlock per piece of at
 * most min(255, room − header − Lc − Le) bytes. A response over 256 bytes comes back 256 bytes at a time
 * behind SW1 61, one GET RESPONSE each (response chaining, ISO 7816-4 §5.3). The last command piece carries the
 * first response part, hence the − 1.
 */
function shortApduMinimum(f: SimReaderFacts, op: Operation): number {
  const room = f.maxMessageLength - CCID_HEADER;
  const piece = Math.min(255, room - 5 - (op.ne === undefined ? 0 : 1));
  const part = Math.min(256, room - 2);
  return ceil(op.data, piece) + ceil(op.response, part) - 1;
}

/**
 * TPDU level, T=1 (ISO 7816-3 §11.6.2 chaining): the extended APDU goes in I-blocks of at most IFSC bytes
 * (the card's, ATR TA3 §11.4.2), each chained block acknowledged by an R-block in the same XfrBlock
 * exchange; the response comes in I-blocks of at most IFSD bytes, the host fetching each next one with an
 * R-block. IFSD can be at most min(254, dwMaxIFSD) (§11.4.2; CCID §5.1). A block (prologue 3, INF, LRC 1)
 * must also fit one CCID message. The card's last I-block of the command chain is answered by its first
 * response block, hence the − 1.
 */
function t1Minimum(f: SimReaderFacts, op: Operation, atr: Uint8Array): number {
  const { ifsc, edc } = atrT1Parameters(atr);
  const fits = f.maxMessageLength - CCID_HEADER - 3 - (edc === 'crc' ? 2 : 1);
  const ifsd = Math.min(254, f.maxIfsd, fits);
  return ceil(extendedLength(op), Math.min(ifsc, fits)) + ceil(op.response + 2, ifsd) - 1;
}

/**
 * Extended APDU level (CCID §6.1.4 Table 6.1-3, §6.2.1): a message longer than dwMaxCCIDMessageLength − 10
 * goes in XfrBlocks chained with wLevelParameter 01/03/02, each but the last answered by an empty
 * DataBlock (bChainParameter 10); a long response comes back in DataBlocks the host asks for with
 * wLevelParameter 0010. The last command part is answered by the first response part, hence the − 1.
 */
function extendedApduMinimum(f: SimReaderFacts, op: Operation): number {
  const room = f.maxMessageLength - CCID_HEADER;
  return ceil(extendedLength(op), room) + ceil(op.response + 2, room) - 1;
}

/** Fewest XfrBlock exchanges for `op` on this reader, and the rule it follows. */
function minimumXfrBlocks(f: SimReaderFacts, op: Operation, atr: Uint8Array): { xfr: number; rule: string } {
  if (f.level === 'short-apdu')
    return { xfr: shortApduMinimum(f, op), rule: 'short APDU: ISO 7816-4 §5.3 chaining + 61xx' };
  if (f.level === 'extended-apdu')
    return {
      xfr: extendedApduMinimum(f, op),
      rule: `CCID §6.1.4 chaining, ${f.maxMessageLength - CCID_HEADER}-byte parts`,
    };
  const { ifsc } = atrT1Parameters(atr);
  return {
    xfr: t1Minimum(f, op, atr),
    rule: `ISO 7816-3 §11.6.2 T=1 chaining, IFSC ${ifsc}, IFSD ≤ ${Math.min(254, f.maxIfsd)}`,
  };
}

/** Transfers counted for one operation and the minimum, both as bulk-out + bulk-in. */
export interface TransferRow {
  readonly ours: { out: number; in: number };
  readonly minimum: { out: number; in: number };
  readonly rule: string;
  /** bMessageType → count of bulk-out messages during the operation, for explaining a surplus. */
  readonly messages: ReadonlyMap<number, number>;
}

/** Runs `send` with the counters zeroed and returns what crossed the bulk endpoints. */
async function counted(rig: Rig, send: () => Promise<void>): Promise<Pick<TransferRow, 'ours' | 'messages'>> {
  const stats = rig.device.inner.stats;
  const before = new Map(stats.commands);
  rig.device.reset();
  await send();
  const messages = new Map(
    [...stats.commands].map(([type, n]) => [type, n - (before.get(type) ?? 0)] as const).filter(([, n]) => n > 0),
  );
  return { ours: { out: rig.device.counts.bulkOut, in: rig.device.counts.bulkIn }, messages };
}

const patterned = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);

/** The 2 KB write; checks the card saw every byte (its answer is the length and the XOR of the data). */
async function write(rig: Rig): Promise<void> {
  const data = patterned(WRITE.data);
  const answer = await rig.channel.transmitOk({ cla: 0x00, ins: 0x10, p1: 0x00, p2: 0x00, data });
  const expected = [WRITE.data >> 8, WRITE.data & 0xff, data.reduce((x, b) => x ^ b, 0)];
  if (answer.join() !== expected.join()) throw new Error(`2 KB write answered ${Array.from(answer).join(',')}`);
}

/** The 4 KB read; checks every byte (byte i is i & 0xFF). */
async function read(rig: Rig): Promise<void> {
  const data = await rig.channel.transmitOk({
    cla: 0x00,
    ins: 0x20,
    p1: READ.response >> 8,
    p2: READ.response & 0xff,
    le: READ.ne,
  });
  if (data.length !== READ.response || data.some((b, i) => b !== (i & 0xff)))
    throw new Error(`4 KB read returned ${data.length} wrong bytes`);
}

/** Opens corpus reader `file` with the test card and counts the transfers of the write and the read. */
export async function measureTransfers(file: string): Promise<{ write: TransferRow; read: TransferRow }> {
  const rig = await openRig(file, createTestCard(ATR_T0_T1));
  try {
    const facts = readerFacts(rig.entry);
    const row = async (op: Operation, send: () => Promise<void>): Promise<TransferRow> => {
      const { xfr, rule } = minimumXfrBlocks(facts, op, ATR_T0_T1);
      return { ...(await counted(rig, send)), minimum: { out: xfr, in: xfr }, rule };
    };
    return { write: await row(WRITE, () => write(rig)), read: await row(READ, () => read(rig)) };
  } finally {
    await rig.transport.close();
  }
}
