/**
 * The virtual PIV card through its APDU seam: SELECT, data objects, PIN/PUK, chaining, 61xx, profiles,
 * Yubico extensions and the redacted log. Hex is hand-written from SP 800-73-4 Part 2 and Yubico's docs.
 */
import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, toHex } from '../../bytes';
import { parseAtr } from '../../ccid/atr';
import { authenticateManagement, padPin, selectPiv, send, shortApdu, transmit } from './fake-host';
import { createVirtualPivCard } from './virtual-piv-card';

const DEFAULT_MGMT = fromHex('010203040506070801020304050607080102030405060708');
const verifyPin = (pin: string) => shortApdu(0x00, 0x20, 0x00, 0x80, padPin(pin));

async function selected(profile: 'yubikey-5.4' | 'yubikey-5.7' | 'piv-generic' = 'yubikey-5.4') {
  const card = createVirtualPivCard({ profile, serial: 12345678 });
  expect((await selectPiv(card)).sw).toBe(0x9000);
  return card;
}

describe('SELECT and the application property template', () => {
  it('answers the 5-byte and the full 11-byte AID with 61 { 4F PIX, 79 { 4F RID } }', async () => {
    const card = createVirtualPivCard({ profile: 'yubikey-5.4' });
    const short = await selectPiv(card);
    expect(short.hex).toBe('61114f0600001000010079074f05a000000308');
    const full = await send(card, '00A404000BA000000308000010000100');
    expect(full.hex).toBe(short.hex);
  });
  it('refuses other AIDs with 6A82 and commands before SELECT with 6985', async () => {
    const card = createVirtualPivCard({ profile: 'yubikey-5.7' });
    expect((await send(card, '00A4040008A000000527471117')).sw).toBe(0x6a82);
    expect((await send(card, '00FD000000')).sw).toBe(0x6985);
  });
  it('names a plain PIV card and lists its algorithms (AC)', async () => {
    const card = createVirtualPivCard({ profile: 'piv-generic' });
    const r = await selectPiv(card);
    expect(r.hex).toContain('ac0f800103800107800111800114060100');
  });
});

describe('profiles', () => {
  it('GET VERSION / GET SERIAL per YubiKey firmware; ATR of a YubiKey 5', async () => {
    const a = await selected('yubikey-5.4');
    expect((await send(a, '00FD000000')).hex).toBe('050403');
    expect((await send(a, '00F8000000')).hex).toBe('00bc614e');
    expect(a.atr).toEqual(fromHex('3BFD1300008131FE158073C021C057597562694B657940'));
    expect((await send(await selected('yubikey-5.7'), '00FD000000')).hex).toBe('050702');
  });
  it("every profile's ATR parses (TCK checked by the host's ISO 7816-3 parser) and offers T=1", () => {
    for (const profile of ['yubikey-5.4', 'yubikey-5.7', 'piv-generic'] as const) {
      expect(parseAtr(createVirtualPivCard({ profile }).atr).protocols).toContain(1);
    }
  });
  it('a plain PIV card has no Yubico instructions (6D00)', async () => {
    const card = await selected('piv-generic');
    for (const ins of ['FD', 'F8', 'F7', 'FA', 'FB', 'FE', 'FF', 'F9'])
      expect((await send(card, `00${ins}000000`)).sw).toBe(0x6d00);
  });
  it('the management key defaults to 3DES before 5.7 and AES-192 from 5.7 (GET METADATA 9B)', async () => {
    expect((await send(await selected('yubikey-5.4'), '00F7009B00')).hex).toBe('01010302020101050101');
    expect((await send(await selected('yubikey-5.7'), '00F7009B00')).hex).toBe('01010a02020101050101');
    expect(await authenticateManagement(await selected('yubikey-5.7'), 0x0a, DEFAULT_MGMT)).toBe(0x9000);
    expect(await authenticateManagement(await selected('yubikey-5.4'), 0x03, DEFAULT_MGMT)).toBe(0x9000);
  });
});

describe('PIN and PUK (SP 800-73-4 Part 2 §3.2.1–3.2.3)', () => {
  it('VERIFY with no data reports the status: 63C3, then 9000 once verified; P1 FF resets it', async () => {
    const card = await selected();
    expect((await send(card, '0020008000')).sw).toBe(0x63c3);
    expect((await send(card, verifyPin('123456'))).sw).toBe(0x9000);
    expect((await send(card, '0020008000')).sw).toBe(0x9000);
    expect((await send(card, '0020FF80')).sw).toBe(0x9000);
    expect((await send(card, '0020008000')).sw).toBe(0x63c3);
  });
  it('counts wrong PINs down to 6983, then the PUK unblocks with a new PIN', async () => {
    const card = await selected();
    expect((await send(card, verifyPin('000000'))).sw).toBe(0x63c2);
    expect((await send(card, verifyPin('000000'))).sw).toBe(0x63c1);
    expect((await send(card, verifyPin('000000'))).sw).toBe(0x6983);
    expect((await send(card, verifyPin('123456'))).sw).toBe(0x6983);
    expect((await send(card, '0020008000')).sw).toBe(0x6983);
    const rrc = (puk: string) => shortApdu(0, 0x2c, 0, 0x80, new Uint8Array([...padPin(puk), ...padPin('11223344')]));
    expect((await send(card, rrc('87654321'))).sw).toBe(0x63c2);
    expect((await send(card, rrc('12345678'))).sw).toBe(0x9000);
    expect((await send(card, verifyPin('11223344'))).sw).toBe(0x9000);
    expect((await send(card, '00F7008100')).hex).toBe('0101ff05010106020303');
  });
  it('CHANGE REFERENCE DATA changes PIN and PUK, rejects a short new PIN and counts a wrong old one', async () => {
    const card = await selected();
    const change = (p2: number, a: string, b: string) =>
      shortApdu(0, 0x24, 0, p2, new Uint8Array([...padPin(a), ...padPin(b)]));
    expect((await send(card, change(0x80, '123456', '12345'))).sw).toBe(0x6a80);
    expect((await send(card, change(0x80, '111111', '654321'))).sw).toBe(0x63c2);
    expect((await send(card, change(0x80, '123456', '654321'))).sw).toBe(0x9000);
    expect((await send(card, change(0x81, '12345678', '87654321'))).sw).toBe(0x9000);
    expect((await send(card, verifyPin('654321'))).sw).toBe(0x9000);
    expect((await send(card, '00F7008000')).hex).toBe('0101ff05010006020303');
  });
  it('RESET (FB) is refused until both PIN and PUK are blocked, then restores the factory state', async () => {
    const card = await selected();
    expect((await send(card, '00FB000000')).sw).toBe(0x6985);
    for (let i = 0; i < 3; i++) await send(card, verifyPin('000000'));
    expect((await send(card, '00FB000000')).sw).toBe(0x6985);
    for (let i = 0; i < 3; i++)
      await send(card, shortApdu(0, 0x24, 0, 0x81, new Uint8Array([...padPin('00000000'), ...padPin('00000000')])));
    expect((await send(card, '00FB000000')).sw).toBe(0x9000);
    expect((await send(card, verifyPin('123456'))).sw).toBe(0x9000);
  });
});

describe('data objects (GET DATA / PUT DATA)', () => {
  const chuid = fromHex(
    '3019d4e739da739ced39ce739d836858210842108421c84210c3eb3410' + '00'.repeat(16) + '350832303330303130313e00fe00',
  );
  const put = (tag: string, value: Uint8Array) =>
    fromHex(
      `5C03${tag}53${value.length < 128 ? '' : value.length < 256 ? '81' : '82'}${toHex(value.length < 256 ? [value.length] : [value.length >> 8, value.length & 0xff])}${toHex(value)}`,
    );
  it('6A82 for an absent object, 6982 for PUT DATA without the management key, then round-trips', async () => {
    const card = await selected();
    expect((await send(card, '00CB3FFF055C035FC102')).sw).toBe(0x6a82);
    expect((await transmit(card, 0xdb, 0x3f, 0xff, put('5FC102', chuid))).sw).toBe(0x6982);
    expect(await authenticateManagement(card, 0x03, DEFAULT_MGMT)).toBe(0x9000);
    expect((await transmit(card, 0xdb, 0x3f, 0xff, put('5FC102', chuid))).sw).toBe(0x9000);
    const read = await send(card, '00CB3FFF055C035FC10200');
    expect(read.data).toEqual(concatBytes([0x53, chuid.length], chuid));
  });
  it('returns the Discovery Object (7E) and protects Printed Information with the PIN', async () => {
    const card = await selected();
    expect((await send(card, '00CB3FFF035C017E00')).hex).toBe('7e124f0ba0000003080000100001005f2f024000');
    expect((await send(card, '00CB3FFF055C035FC10900')).sw).toBe(0x6982);
    await send(card, verifyPin('123456'));
    expect((await send(card, '00CB3FFF055C035FC10900')).sw).toBe(0x6a82);
  });
  it('accepts a 2000-byte object by command chaining and returns it with 61xx + GET RESPONSE', async () => {
    const card = await selected();
    await authenticateManagement(card, 0x03, DEFAULT_MGMT);
    const cert = Uint8Array.from({ length: 2000 }, (_, i) => (i * 13) & 0xff);
    expect((await transmit(card, 0xdb, 0x3f, 0xff, put('5FC105', cert))).sw).toBe(0x9000);
    const first = await send(card, '00CB3FFF055C035FC10500');
    expect(first.data.length).toBe(256);
    expect(first.sw).toBe(0x6100);
    const whole = await transmit(card, 0xcb, 0x3f, 0xff, fromHex('5C035FC105'));
    expect(whole.data.subarray(4)).toEqual(cert);
    // The same in one extended APDU: 00 CB 3F FF 00 0005 <data> 0000 (Ne 65536).
    const extended = await send(card, '00CB3FFF0000055C035FC1050000');
    expect(extended.sw).toBe(0x9000);
    expect(extended.data.length).toBe(2004);
  });
  it('Yubico admin data 5FFF00 exists on YubiKeys only', async () => {
    const yk = await selected('yubikey-5.7');
    expect((await send(yk, '00CB3FFF055C035FFF0000')).sw).toBe(0x6a82);
    expect((await send(await selected('piv-generic'), '00CB3FFF055C035FFF0000')).sw).toBe(0x6a82);
    expect((await send(yk, '00CB3FFF055C035FFF0100')).sw >> 8).toBe(0x61);
  });
});

describe('status words and the log', () => {
  it('6700 for inconsistent lengths, 6E00 for a proprietary CLA, 6D00 for an unknown INS, 6A86 for bad P1/P2', async () => {
    const card = await selected();
    expect((await send(card, '00CB3FFF0501')).sw).toBe(0x6700);
    expect((await send(card, '80FD000000')).sw).toBe(0x6e00);
    expect((await send(card, '0012000000')).sw).toBe(0x6d00);
    expect((await send(card, '00CB000000')).sw).toBe(0x6a86);
  });
  it('logs every APDU with INS and SW, and never the PIN', async () => {
    const card = await selected();
    await send(card, verifyPin('123456'));
    const text = JSON.stringify(card.log);
    expect(text).not.toContain('313233343536');
    expect(card.log).toHaveLength(4);
    expect(card.log[2]).toMatchObject({ direction: 'command', ins: 0x20, hex: '00200080<9 bytes redacted>' });
    expect(card.log[3]).toMatchObject({ direction: 'response', ins: 0x20, sw: 0x9000 });
  });
  it('reset() clears the security status and the selection', async () => {
    const card = await selected();
    await send(card, verifyPin('123456'));
    card.reset();
    expect((await send(card, '0020008000')).sw).toBe(0x6985);
    await selectPiv(card);
    expect((await send(card, '0020008000')).sw).toBe(0x63c3);
  });
  it('refuses what it is told to (refusals.ts), without running it, then clears', async () => {
    const card = await selected();
    const change = (p2: number, a: string, b: string) =>
      shortApdu(0, 0x24, 0, p2, new Uint8Array([...padPin(a), ...padPin(b)]));
    card.refuse({ ins: [0x24, 0x2c], p2: 0x81, sw: 0x6a80, times: 2 });
    expect((await send(card, change(0x80, '123456', '654321'))).sw).toBe(0x9000); // other P2: runs
    expect((await send(card, change(0x81, '12345678', '87654321'))).sw).toBe(0x6a80);
    expect((await send(card, change(0x81, '12345678', '87654321'))).sw).toBe(0x6a80);
    expect((await send(card, '00F7008100')).hex).toBe('0101ff05010106020303'); // PUK unchanged, tries untouched
    expect((await send(card, change(0x81, '12345678', '87654321'))).sw).toBe(0x9000);
    card.refuse({ ins: 0x47, sw: 0x6a80, times: 5 });
    card.clearRefusals();
    expect(await authenticateManagement(card, 0x03, DEFAULT_MGMT)).toBe(0x9000);
    expect((await send(card, '0047009A05AC03800111')).sw).toBe(0x9000);
  });
});
