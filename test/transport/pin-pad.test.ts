/**
 * A PIN-pad reader through the real CCID driver: a virtual reader built from a corpus descriptor with
 * bPINSupport (ACS APG8201 v2, short APDU level) holding a virtual PIV card, with a keypad simulated at
 * the USB boundary. When PC_to_RDR_Secure (CCID rev 1.1 §6.1.11) arrives, the "reader" types the PIN
 * into the APDU of the PIN data structure (what a real reader does inside) and sends that APDU to the
 * card; its answer comes back as the RDR_to_PC_DataBlock of the Secure. The test checks VERIFY and
 * CHANGE REFERENCE DATA succeed and that no PIN byte ever crosses from the host to the reader.
 * (Under test/ because src/ccid may not import the simulator in src/transport.)
 */
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/bytes';
import { openCcidReader } from '../../src/ccid/reader';
import { pivChangeOnPad, pivVerifyOnPad } from '../../src/ccid/pin-pad';
import { corpusEntry } from '../../src/simulator/fake-corpus';
import { createVirtualPivCard } from '../../src/simulator/piv-card/virtual-piv-card';
import { DEFAULT_VIRTUAL_READER_ENTRY } from '../../src/simulator/simulator-transport';
import { createVirtualReader, type VirtualReader } from '../../src/simulator/virtual-reader';
import type { CorpusReaderEntry } from '../../src/simulator/virtual-usb-descriptors';

const ascii = (pin: string) => Array.from(pin, (c) => c.charCodeAt(0));

/**
 * Gives `reader` a keypad: each Secure message takes the next PINs from `typed` (one for verification;
 * current then new for modification, bConfirmPIN's second entry being the reader's own check) and goes
 * on as the XfrBlock of the completed APDU, same slot and bSeq. Returns every host→reader message, hex.
 */
function withKeypad(reader: VirtualReader, typed: string[]): string[] {
  const wire: string[] = [];
  const out = reader.transferOut.bind(reader);
  reader.transferOut = async (endpoint, data) => {
    const m = ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);
    wire.push(toHex(m));
    if (m[0] !== 0x69) return out(endpoint, data);
    const ab = m.subarray(10);
    const modify = ab[0] === 0x01;
    // After bPINOperation: verification 14 structure bytes; modification 13 + bMsgIndex1..n + 3
    // (n = max(bNumberMessage, 1), bNumberMessage at abData[11]).
    const apduAt = modify ? 1 + 13 + Math.max(ab[11]!, 1) + 3 : 1 + 14;
    const apdu = ab.slice(apduAt);
    const place = (pin: string, offset: number) => apdu.set(ascii(pin), 5 + offset);
    if (modify) {
      place(typed.shift()!, ab[5]!);
      place(typed.shift()!, ab[6]!);
    } else place(typed.shift()!, 0);
    const xfr = new Uint8Array(10 + apdu.length);
    xfr.set([0x6f, apdu.length & 0xff, apdu.length >> 8, 0, 0, m[5]!, m[6]!, 0, 0, 0]);
    xfr.set(apdu, 10);
    return out(endpoint, xfr);
  };
  return wire;
}

async function poweredPivCard(entry: CorpusReaderEntry = corpusEntry('ACS_APG8201_v2.txt'), typed: string[] = []) {
  const reader = createVirtualReader({
    entry,
    card: createVirtualPivCard({ profile: 'yubikey-5.7' }),
    unrestricted: true,
  });
  const wire = withKeypad(reader, typed);
  const ccid = await openCcidReader(reader);
  const session = await ccid.slots[0]!.powerOn();
  const select = await session.transmit(Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x05, 0xa0, 0x00, 0x00, 0x03, 0x08));
  expect(toHex(select.subarray(-2))).toBe('9000');
  return { ccid, session, wire };
}

const sw = (r: Uint8Array) => toHex(r.subarray(-2));

describe('a PIN-pad reader', () => {
  it('VERIFY and CHANGE REFERENCE DATA with the PIN typed on the reader; no PIN byte crosses the USB link', async () => {
    const typed = ['123456', '000000', '123456', '24681357'];
    const { ccid, session, wire } = await poweredPivCard(undefined, typed);
    expect(ccid.descriptor.pinSupport).toEqual({ verification: true, modification: true });
    const enterPin = session.enterPin!;
    expect(sw(await enterPin(pivVerifyOnPad(ccid.descriptor, { timeoutSeconds: 20 })))).toBe('9000');
    expect(sw(await enterPin(pivVerifyOnPad(ccid.descriptor)))).toBe('63C2'); // a wrong PIN: 2 tries left
    expect(sw(await enterPin(pivChangeOnPad(ccid.descriptor)))).toBe('9000');
    expect(typed).toEqual([]);
    const secures = wire.filter((m) => m.startsWith('69'));
    expect(secures).toHaveLength(3);
    for (const pin of ['123456', '000000', '24681357'])
      expect(wire.some((m) => m.includes(toHex(Uint8Array.from(ascii(pin)))))).toBe(false);
    // The new PIN is the card's now: VERIFY sent by the host (as without a PIN pad) takes it.
    const padded = [...ascii('24681357')];
    expect(sw(await session.transmit(Uint8Array.of(0x00, 0x20, 0x00, 0x80, 0x08, ...padded)))).toBe('9000');
    await ccid.close();
  });

  it('a reader without a PIN pad offers no PIN entry', async () => {
    const { ccid, session } = await poweredPivCard(DEFAULT_VIRTUAL_READER_ENTRY);
    expect(ccid.descriptor.pinSupport).toEqual({ verification: false, modification: false });
    expect(session.enterPin).toBeUndefined();
    await ccid.close();
  });
});
