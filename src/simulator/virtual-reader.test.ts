/**
 * The virtual reader at byte level, without the driver: USB descriptors, Chrome's claim rules, CCID
 * framing (hand-written hex), the interrupt endpoint and cancellation.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../bytes';
import { corpusEntry } from './fake-corpus';
import { ATR_T0, createTestCard } from './fake-test-card';
import { createVirtualReader } from './virtual-reader';

const hex = (b: Uint8Array | DataView | undefined): string =>
  b === undefined
    ? ''
    : toHex(b instanceof DataView ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : b, {
        lower: true,
        separator: ' ',
      });
const getDescriptor = (type: number) =>
  ({ requestType: 'standard', recipient: 'device', request: 6, value: type << 8, index: 0 }) as const;

async function claimed(file: string, card = createTestCard(ATR_T0)) {
  const device = createVirtualReader({ entry: corpusEntry(file), card, unrestricted: true });
  await device.open();
  await device.selectConfiguration(1);
  await device.claimInterface(0);
  return device;
}

describe('virtual reader USB surface', () => {
  it('serves the device descriptor and a configuration holding the corpus class descriptor byte for byte', async () => {
    const entry = corpusEntry('DellSCRK.txt');
    const device = createVirtualReader({ entry, card: null });
    await device.open();
    const dev = await device.controlTransferIn(getDescriptor(1), 18);
    // bLength 12, DEVICE, bcdUSB 0200, class 0/0/0, ep0 64, idVendor 413c, idProduct 2101, bcdDevice 0100, strings 1 2 0, 1 config
    expect(hex(dev.data)).toBe('12 01 00 02 00 00 00 40 3c 41 01 21 00 01 01 02 00 01');
    const head = await device.controlTransferIn(getDescriptor(2), 9);
    expect(hex(head.data)).toBe('09 02 5d 00 01 01 00 80 32'); // wTotalLength 0x5d = 9 + 9 + 54 + 3 × 7
    const config = new Uint8Array((await device.controlTransferIn(getDescriptor(2), 0x5d)).data!.buffer);
    expect(hex(config.subarray(9, 18))).toBe('09 04 00 00 03 0b 00 00 00');
    expect(hex(config.subarray(18, 72)).replace(/ /g, '')).toBe(entry.descriptorHex);
    expect(hex(config.subarray(72))).toBe('07 05 01 02 40 00 00 07 05 82 02 40 00 00 07 05 83 03 08 00 10');
  });

  it('refuses to let an ordinary page claim a Smart Card class interface, like Chrome', async () => {
    const device = createVirtualReader({ entry: corpusEntry('DellSCRK.txt'), card: null });
    await device.open();
    await device.selectConfiguration(1);
    await expect(device.claimInterface(0)).rejects.toMatchObject({ name: 'SecurityError' });
    await expect(device.transferIn(2, 64)).rejects.toMatchObject({ name: 'NotFoundError' });
    const vendor = createVirtualReader({ entry: corpusEntry('SPR532.txt'), card: null });
    await vendor.open();
    await vendor.selectConfiguration(1);
    await expect(vendor.claimInterface(0)).resolves.toBeUndefined();
  });

  it('refuses to open a YubiKey (WebUSB blocklist) unless unrestricted', async () => {
    const entry = corpusEntry('Yubico_Yubikey_4_CCID.txt');
    await expect(createVirtualReader({ entry, card: null }).open()).rejects.toMatchObject({ name: 'SecurityError' });
    await expect(createVirtualReader({ entry, card: null, unrestricted: true }).open()).resolves.toBeUndefined();
  });

  it('answers GET_DATA_RATES (CCID §5.3.3) with bNumDataRatesSupported rates', async () => {
    const device = await claimed('DellSCRK.txt');
    const r = await device.controlTransferIn(
      { requestType: 'class', recipient: 'interface', request: 3, value: 0, index: 0 },
      53 * 4,
    );
    expect(r.data!.byteLength).toBeGreaterThan(0);
    expect(r.data!.getUint32(0, true)).toBe(12903); // dwDefaultClock 4.8 MHz / Fi 372
  });
});

describe('virtual reader CCID framing', () => {
  it('IccPowerOn → DataBlock with the ATR; XfrBlock → the card; GetSlotStatus after power off', async () => {
    const device = await claimed('ACS_ACR3901U_ICC_Reader.txt');
    // PC_to_RDR_IccPowerOn: 62 | dwLength 0 | slot 0 | seq 05 | bPowerSelect 00 (automatic) | RFU
    await device.transferOut(1, fromHex('62 00 00 00 00 00 05 00 00 00'));
    const on = await device.transferIn(2, 300);
    // RDR_to_PC_DataBlock: 80 | dwLength 6 | slot 0 | seq 05 | bStatus 00 | bError 00 | bChain 00 | ATR
    expect(hex(on.data)).toBe(`80 06 00 00 00 00 05 00 00 00 ${hex(ATR_T0)}`);
    // PC_to_RDR_XfrBlock: 6f | dwLength 4 | slot 0 | seq 06 | bBWI 0 | wLevelParameter 0 | SELECT with no data
    await device.transferOut(1, fromHex('6f 04 00 00 00 00 06 00 00 00 00 a4 04 00'));
    expect(hex((await device.transferIn(2, 300)).data)).toBe('80 02 00 00 00 00 06 00 00 00 90 00');
    await device.transferOut(1, fromHex('63 00 00 00 00 00 07 00 00 00'));
    // RDR_to_PC_SlotStatus: bStatus 01 = present, inactive
    expect(hex((await device.transferIn(2, 300)).data)).toBe('81 00 00 00 00 00 07 01 00 00');
    await device.transferOut(1, fromHex('6f 04 00 00 00 00 08 00 00 00 00 a4 04 00'));
    // Failed (40) | inactive (01), bError FE ICC_MUTE
    expect(hex((await device.transferIn(2, 300)).data)).toBe('80 00 00 00 00 00 08 41 fe 00');
  });

  it('refuses a voltage the descriptor does not list (bError 07 = offset of bPowerSelect)', async () => {
    const device = await claimed('Identiv_uTrust_3700_F_CL_Reader.txt'); // 5 V only
    await device.transferOut(1, fromHex('62 00 00 00 00 00 01 03 00 00')); // 1.8 V
    expect(hex((await device.transferIn(2, 300)).data)).toBe('80 00 00 00 00 00 01 41 07 00'); // failed, card present but not powered
  });

  it('reports an oversized reply as babble', async () => {
    const device = await claimed('ACS_ACR3901U_ICC_Reader.txt');
    await device.transferOut(1, fromHex('62 00 00 00 00 00 01 00 00 00'));
    expect((await device.transferIn(2, 8)).status).toBe('babble');
  });

  it('raises NotifySlotChange on insert and remove, and cancels pending transfers on close', async () => {
    const device = await claimed('DellSCRK.txt', null as never);
    device.insertCard(createTestCard(ATR_T0));
    expect(hex((await device.transferIn(3, 8)).data)).toBe('50 03'); // slot 0: present, changed
    device.removeCard();
    expect(hex((await device.transferIn(3, 8)).data)).toBe('50 02'); // slot 0: absent, changed
    const pending = device.transferIn(2, 64);
    await device.close();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
