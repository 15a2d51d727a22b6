import { describe, expect, it } from 'vitest';
import { createTranscriptTransport, parseTranscript } from './transcript';

const SCRIPT = `
# SELECT, then a GET DATA
=> 00 A4 04 00   # header
   05 A0 00 00 03 08 00
<= 90 00
=> 00 CB 3F FF .. 5C 01 7E 00   # Lc left as a wildcard
<= 6A 82
`;

describe('transcript replayer', () => {
  it('replays commands in order, honouring continuation lines, comments and wildcards', async () => {
    const t = createTranscriptTransport(SCRIPT);
    expect(await t.transmit(Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x05, 0xa0, 0, 0, 3, 8, 0))).toEqual(
      Uint8Array.of(0x90, 0x00),
    );
    expect(await t.transmit(Uint8Array.of(0x00, 0xcb, 0x3f, 0xff, 0x03, 0x5c, 0x01, 0x7e, 0x00))).toEqual(
      Uint8Array.of(0x6a, 0x82),
    );
    expect(() => t.assertDone()).not.toThrow();
  });

  it('fails on an unexpected APDU, naming the line', async () => {
    const t = createTranscriptTransport(SCRIPT);
    await expect(t.transmit(Uint8Array.of(0x00, 0xa4, 0x04, 0x00))).rejects.toThrow(
      /unexpected APDU \(transcript line 3\)/,
    );
  });

  it('fails on leftovers and on APDUs past the end', async () => {
    const t = createTranscriptTransport(SCRIPT);
    await t.transmit(Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x05, 0xa0, 0, 0, 3, 8, 0));
    expect(() => t.assertDone()).toThrow(/1 transcript exchange\(s\) left over/);
    await t.transmit(Uint8Array.of(0x00, 0xcb, 0x3f, 0xff, 0x03, 0x5c, 0x01, 0x7e, 0x00));
    await expect(t.transmit(Uint8Array.of(0x00))).rejects.toThrow(/after the transcript ended/);
  });

  it('refuses malformed scripts', () => {
    expect(() => parseTranscript('=> 00 A4\n=> 00')).toThrow(/followed by one "<="/);
    expect(() => parseTranscript('=> 0\n<= 90 00')).toThrow(/odd number/);
    expect(() => parseTranscript('=> 00\n<= 90')).toThrow(/SW1 SW2/);
    expect(() => parseTranscript('hello')).toThrow(/expected "=>"/);
    expect(() => parseTranscript('=> 00\n<= ..00')).toThrow(/not a hex byte/);
  });
});
