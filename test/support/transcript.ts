/**
 * APDU transcript replayer, after Ledger's hw-transport-mocker (`RecordStore` / `openTransportReplayer`):
 * a `CardTransport` that plays a card from a script and fails the test on anything off-script.
 *
 * Script format:
 *   # a comment (also after any line)
 *   => 00 A4 04 00 05        command APDU the host must send (hex, spaces free-form)
 *      A0 00 00 03 08 00     an indented line continues the record above, so fields can be commented
 *   <= 61 11 … 90 00         the card's response APDU (data ‖ SW1 SW2)
 *   `..` in a command matches any byte (for random fields the test cannot fix).
 *
 * `transmit` throws on an APDU that differs from the next `=>` (or comes after the script ends);
 * `assertDone()` throws when `=>` records are left over.
 */
import { toHex } from '../../src/bytes';
import type { CardTransport, TransportCapabilities } from '../../src/transport/card-transport';

/** One record: a command pattern (null = wildcard byte) and the response to give. */
interface Exchange {
  readonly command: readonly (number | null)[];
  readonly response: Uint8Array;
  readonly line: number;
}

/** The replaying transport. */
export interface TranscriptTransport extends CardTransport {
  /** Commands received so far. */
  readonly received: Uint8Array[];
  /** Throws when the script still holds exchanges. */
  assertDone(): void;
}

/** Spaced hex with `..` for a wildcard byte. */
const patternHex = (b: ArrayLike<number | null>) => Array.from(b, (x) => (x === null ? '..' : toHex([x]))).join(' ');

function parseHex(text: string, line: number, wildcards: boolean): (number | null)[] {
  const tokens = text.replace(/\s+/g, '').match(/../g) ?? [];
  if (text.replace(/\s+/g, '').length % 2) throw new Error(`transcript line ${line}: odd number of hex digits`);
  return tokens.map((t) => {
    if (t === '..' && wildcards) return null;
    if (!/^[0-9a-fA-F]{2}$/.test(t)) throw new Error(`transcript line ${line}: "${t}" is not a hex byte`);
    return parseInt(t, 16);
  });
}

/** Parses a script into exchanges; throws on a malformed script (unpaired or out-of-order records). */
export function parseTranscript(script: string): Exchange[] {
  const records: { dir: '=>' | '<='; text: string; line: number }[] = [];
  script.split('\n').forEach((raw, i) => {
    const body = raw.replace(/#.*$/, '');
    if (body.trim() === '') return;
    const m = /^\s*(=>|<=)(.*)$/.exec(body);
    if (m) records.push({ dir: m[1] as '=>' | '<=', text: m[2]!, line: i + 1 });
    else if (/^\s/.test(body) && records.length > 0) records[records.length - 1]!.text += body;
    else throw new Error(`transcript line ${i + 1}: expected "=>", "<=", an indented continuation or a comment`);
  });
  const out: Exchange[] = [];
  for (let i = 0; i < records.length; i += 2) {
    const [cmd, rsp] = [records[i]!, records[i + 1]];
    if (cmd.dir !== '=>' || !rsp || rsp.dir !== '<=')
      throw new Error(`transcript line ${cmd.line}: each "=>" must be followed by one "<="`);
    const response = Uint8Array.from(parseHex(rsp.text, rsp.line, false) as number[]);
    if (response.length < 2) throw new Error(`transcript line ${rsp.line}: a response needs SW1 SW2`);
    out.push({ command: parseHex(cmd.text, cmd.line, true), response, line: cmd.line });
  }
  return out;
}

/** Options: the transport's capabilities (default: short APDUs only, as a T=0 reader) and ATR. */
export interface TranscriptOptions {
  readonly capabilities?: Partial<TransportCapabilities>;
  readonly atr?: Uint8Array;
}

/** Creates a transport replaying `script`. */
export function createTranscriptTransport(script: string, options: TranscriptOptions = {}): TranscriptTransport {
  const exchanges = parseTranscript(script);
  let next = 0;
  const received: Uint8Array[] = [];
  const extended = options.capabilities?.extendedApdu ?? false;
  return {
    kind: 'simulator',
    readerName: 'Transcript replayer',
    atr: options.atr ?? Uint8Array.of(0x3b, 0x00),
    capabilities: {
      extendedApdu: extended,
      maxCommandLength: options.capabilities?.maxCommandLength ?? (extended ? 65544 : 261),
      maxResponseLength: options.capabilities?.maxResponseLength ?? (extended ? 65538 : 258),
    },
    received,
    async transmit(command) {
      received.push(command);
      const e = exchanges[next];
      if (!e) throw new Error(`unexpected APDU after the transcript ended: ${toHex(command, { separator: ' ' })}`);
      const matches = e.command.length === command.length && e.command.every((b, i) => b === null || b === command[i]);
      if (!matches)
        throw new Error(
          `unexpected APDU (transcript line ${e.line}):\n  expected ${patternHex(e.command)}\n  received ${toHex(command, { separator: ' ' })}`,
        );
      next++;
      return e.response.slice();
    },
    async close() {},
    assertDone() {
      if (next < exchanges.length) {
        const left = exchanges.slice(next).map((e) => `line ${e.line}: ${patternHex(e.command)}`);
        throw new Error(`${left.length} transcript exchange(s) left over:\n  ${left.join('\n  ')}`);
      }
    },
  };
}
