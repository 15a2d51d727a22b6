/**
 * The reader state over the demo's virtual reader: a virtual USB CCID device driven by the real driver,
 * holding a virtual PIV card. WebUSB is absent in Node, so the virtual reader is the only choice.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createVirtualPivCard } from '../simulator/piv-card/virtual-piv-card';
import { createSmartCardShim } from '../simulator/smart-card-shim';
import { DEFAULT_VIRTUAL_READER_ENTRY } from '../simulator/simulator-transport';
import { createVirtualReader } from '../simulator/virtual-reader';
import { ReaderState } from './readers.svelte';

afterEach(() => vi.unstubAllGlobals());

/** Waits until `check` holds (card presence arrives as an interrupt from the virtual reader). */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

describe('ReaderState', () => {
  it('lists the virtual reader, opens it, powers its card, and follows the card out and in', async () => {
    const readers = new ReaderState();
    let changes = 0;
    readers.onCardChange(() => changes++);
    await readers.start({ demo: true });
    expect(readers.choices.map((c) => c.id)).toEqual(['virtual:0']);
    expect(readers.card).toBeNull();

    await readers.select('virtual:0');
    expect(readers.error).toBeNull();
    expect(readers.selectedId).toBe('virtual:0');
    expect(readers.present).toBe(true);
    expect(readers.card?.atrHex).toMatch(/^3B/i);
    const first = readers.card;
    expect(changes).toBe(1);

    readers.removeCard();
    await until(() => readers.card === null);
    expect(readers.present).toBe(false);

    await readers.insertCard();
    await until(() => readers.card !== null);
    expect(readers.card).not.toBe(first);
    expect(changes).toBe(3);
  });

  it('starts once, and opens nothing for an id it does not list', async () => {
    const readers = new ReaderState();
    await readers.start({ demo: true });
    await readers.start({ demo: true });
    expect(readers.choices).toHaveLength(1);
    await readers.select('usb:1050:0407:missing');
    expect(readers.selectedId).toBeNull();
    expect(readers.card).toBeNull();
  });

  it('takes the bridge address from the deployment', async () => {
    const readers = new ReaderState();
    await readers.start({ demo: false, pcscBridgePort: 36001 });
    expect(readers.bridge.url).toBe('ws://127.0.0.1:36001');
    expect(readers.choices).toEqual([]);
  });

  it('offers the readers of navigator.smartCard (the IWA on ChromeOS) the same way, first, with WebUSB after them', async () => {
    const shim = createSmartCardShim();
    shim.plugReader('Yubico YubiKey OTP+FIDO+CCID 00 00', createVirtualPivCard({ profile: 'yubikey-5.7' }));
    // A USB reader this origin was already granted, which WebUSB lists too.
    const usbReader = Object.assign(
      createVirtualReader({ entry: DEFAULT_VIRTUAL_READER_ENTRY, card: null, unrestricted: true }),
      // What WebUSB tells of the device (the virtual reader answers only descriptor requests).
      { deviceClass: 0, configurations: [{ interfaces: [{ alternates: [{ interfaceClass: 0x0b }] }] }] },
    );
    const usb = { getDevices: async () => [usbReader], addEventListener() {}, removeEventListener() {} };
    vi.stubGlobal('navigator', { smartCard: shim.api, usb, userAgentData: { platform: 'Chrome OS' } });
    const readers = new ReaderState();
    await readers.start({ demo: false });
    expect(readers.requests.map((r) => r.kind)).toEqual(['webusb-ccid']);
    await until(() => readers.choices[0]?.present === true);
    expect(readers.choices.map((c) => [c.backend, c.label])).toEqual([
      ['web-smart-card', 'Yubico YubiKey OTP+FIDO+CCID 00 00'],
      ['webusb-ccid', expect.any(String)],
    ]);

    await readers.select(readers.choices[0]!.id);
    expect(readers.error).toBeNull();
    expect(readers.reader?.name).toBe('Yubico YubiKey OTP+FIDO+CCID 00 00');
    expect(readers.card?.transport.kind).toBe('web-smart-card');
    expect(readers.card?.atrHex).toMatch(/^3B/i);

    shim.removeCard('Yubico YubiKey OTP+FIDO+CCID 00 00');
    await until(() => readers.card === null && readers.present === false);
    shim.unplugReader('Yubico YubiKey OTP+FIDO+CCID 00 00');
    await until(() => readers.choices.length === 1);
    expect(readers.selectedId).toBeNull();
    expect(readers.reader).toBeNull();
  });
});
