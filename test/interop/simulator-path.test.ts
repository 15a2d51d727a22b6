/**
 * The browser path in Node: the same virtual PIV card behind the simulator's virtual CCID reader, reached
 * through the real WebUSB CCID driver (src/transport/webusb-ccid.ts). A quick smoke test that the card
 * plugs into the simulator as a `VirtualCardSpec` and that long responses survive the driver.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/bytes';
import { ApduChannel } from '../../src/apdu/channel';
import { createVirtualPivCard } from '../../src/simulator/piv-card/virtual-piv-card';
import { createSimulatorTransport } from '../../src/simulator/simulator-transport';

describe('virtual PIV card behind the virtual CCID reader', () => {
  it('answers SELECT and GET VERSION through the real driver; the ATR reaches the host', async () => {
    const card = createVirtualPivCard({ profile: 'yubikey-5.7', serial: 424242 });
    const t = await createSimulatorTransport({ card });
    expect(t.atr).toEqual(card.atr);
    expect(toHex(await t.transmit(fromHex('00A4040005A000000308')), { lower: true })).toBe(
      '61114f0600001000010079074f05a0000003089000',
    );
    expect(toHex(await t.transmit(fromHex('00FD000000')), { lower: true })).toBe('0507029000');
    expect(toHex(await t.transmit(fromHex('00F8000000')), { lower: true })).toBe('000679329000');
    await t.close();
  });

  it('a 5FFF01 read longer than one short response arrives whole through ApduChannel (61xx handled below)', async () => {
    const card = createVirtualPivCard({ profile: 'yubikey-5.4' });
    const t = await createSimulatorTransport({ card });
    const channel = new ApduChannel(t);
    await channel.transmitOk({ cla: 0, ins: 0xa4, p1: 4, p2: 0, data: fromHex('a000000308') });
    const object = await channel.transmitOk({
      cla: 0,
      ins: 0xcb,
      p1: 0x3f,
      p2: 0xff,
      data: fromHex('5c035fff01'),
      le: 256,
    });
    expect(object[0]).toBe(0x53);
    expect(object.length).toBeGreaterThan(256);
    expect(card.log.some((e) => e.direction === 'response' && e.ins === 0xcb && e.sw! >> 8 === 0x61)).toBe(true);
    expect(card.log.some((e) => e.direction === 'command' && e.ins === 0xc0)).toBe(true);
    await t.close();
  });
});
