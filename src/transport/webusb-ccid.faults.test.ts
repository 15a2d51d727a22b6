/**
 * Fault modes and browser rules, through the real driver and a virtual reader: each fault yields its
 * documented error and the reader works again afterwards; Chrome's protected class and blocklist
 * refusals become transport errors a person can act on.
 */
import { describe, expect, it } from 'vitest';
import { rejectionOf } from '../../test/support/rejection';
import { isAppError } from '../app-error';
import { openCcidReader, type SlotChangeEvent } from '../ccid/reader';
import { MAX_STALE_REPLIES } from '../ccid/reader-pipe';
import { corpusEntry } from '../simulator/fake-corpus';
import { ATR_T1, createTestCard } from '../simulator/fake-test-card';
import { createSimulatorTransport } from '../simulator/simulator-transport';
import { createVirtualReader } from '../simulator/virtual-reader';
import type { VirtualFault } from '../simulator/virtual-types';
import { connectCcidSlot, openCcidTransport, openWebUsbReader } from './webusb-ccid';

const SELECT = Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x00);
const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** Each level's reader, to run the faults on: extended APDU, short APDU, TPDU T=1. */
const READERS = ['Identiv_uTrust_3700_F_CL_Reader.txt', 'ACS_ACR3901U_ICC_Reader.txt', 'DellSCRK.txt'];

describe.each(READERS)('fault modes on %s', (file) => {
  const open = () => createSimulatorTransport({ entry: corpusEntry(file), card: createTestCard(ATR_T1) });

  /** Faults that fail one exchange with `layer/code` (a transfer error is a NetworkError); the next one works. */
  const FAILS_ONE_EXCHANGE: [VirtualFault, string][] = [
    [{ kind: 'transfer-error', direction: 'out', times: 1 }, 'transport/DISCONNECTED'],
    [{ kind: 'transfer-error', direction: 'in', times: 1 }, 'transport/DISCONNECTED'],
    [{ kind: 'wrong-seq', times: 1, perCommand: MAX_STALE_REPLIES + 1 }, 'ccid/BAD_SEQUENCE'],
    [{ kind: 'slot-busy', times: 1 }, 'ccid/CMD_SLOT_BUSY'],
  ];

  it.each(FAILS_ONE_EXCHANGE)('%j → %s, then works', async (fault, error) => {
    const t = await open();
    t.virtualReader.injectFault(fault);
    const e = await rejectionOf(t.transmit(SELECT));
    expect(`${e.layer}/${e.code}`).toBe(error);
    expect(hex(await t.transmit(SELECT))).toBe('9000');
    await t.close();
  });

  it('wrong-bSeq replies are skipped up to the bound', async () => {
    const t = await open();
    t.virtualReader.injectFault({ kind: 'wrong-seq', times: 2, perCommand: MAX_STALE_REPLIES });
    expect(hex(await t.transmit(SELECT))).toBe('9000');
    expect(hex(await t.transmit(SELECT))).toBe('9000');
    await t.close();
  });

  it('time extensions before the real reply are waited out', async () => {
    const t = await open();
    t.virtualReader.injectFault({ kind: 'time-extension', times: 3, perCommand: 5 });
    const r = await t.transmit(Uint8Array.of(0x00, 0x20, 0x00, 0x10, 0x10));
    expect(hex(r)).toBe('000102030405060708090a0b0c0d0e0f9000');
    await t.close();
  });

  it('card removed mid-exchange → NO_CARD and a removal event; reinserted, a new connection works', async () => {
    const t = await open();
    const events: SlotChangeEvent[] = [];
    t.reader.onSlotChange((e) => events.push(e));
    t.virtualReader.injectFault({ kind: 'card-removed', times: 1 });
    const e = await rejectionOf(t.transmit(SELECT));
    expect([e.layer, e.code, isAppError(e.cause) && e.cause.layer]).toEqual(['transport', 'NO_CARD', 'ccid']);
    expect((await rejectionOf(t.transmit(SELECT))).code).toBe('NO_CARD');
    await vi_waitFor(() => events.length === 1);
    expect(events).toEqual([{ slot: 0, present: false }]);
    t.virtualReader.insertCard(createTestCard(ATR_T1));
    await vi_waitFor(() => events.length === 2);
    expect(events[1]).toEqual({ slot: 0, present: true });
    const again = await connectCcidSlot(t.reader, { kind: 'simulator' });
    expect(hex(await again.transmit(SELECT))).toBe('9000');
    await again.close();
    await t.close();
  });

  it('a timeout aborts the exchange (ABORT request + PC_to_RDR_Abort) and the reader works again', async () => {
    const card = createTestCard(ATR_T1);
    const t = await createSimulatorTransport({ entry: corpusEntry(file), card });
    const e = await rejectionOf(t.transmit(Uint8Array.of(0x00, 0x40, 0x00, 0x00), { signal: AbortSignal.timeout(30) }));
    expect([e.layer, e.code]).toEqual(['ccid', 'TIMEOUT']);
    expect(t.virtualReader.stats.commands.get(0x72)).toBe(1);
    card.release();
    expect(hex(await t.transmit(SELECT))).toBe('9000');
    await t.close();
  });
});

/** Polls until `done()` (interrupt events arrive asynchronously). */
async function vi_waitFor(done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(done()).toBe(true);
}

describe('browser rules', () => {
  it('a Smart Card class reader cannot be claimed by an ordinary page → PROTECTED_CLASS', async () => {
    const device = createVirtualReader({ entry: corpusEntry('DellSCRK.txt'), card: createTestCard(ATR_T1) });
    const e = await rejectionOf(openCcidTransport(device));
    expect([e.layer, e.code]).toEqual(['transport', 'PROTECTED_CLASS']);
    expect(e.fields).toMatchObject({ operation: 'claimInterface', domException: 'SecurityError' });
  });

  it('the same reader opens when unrestricted (Isolated Web App with usb-unrestricted)', async () => {
    const device = createVirtualReader({
      entry: corpusEntry('DellSCRK.txt'),
      card: createTestCard(ATR_T1),
      unrestricted: true,
    });
    const t = await openCcidTransport(device);
    expect(t.kind).toBe('webusb-ccid');
    expect(hex(await t.transmit(SELECT))).toBe('9000');
    await t.close();
  });

  it('a vendor-class reader is claimed by an ordinary page', async () => {
    const device = createVirtualReader({ entry: corpusEntry('DellSK-3106.txt'), card: createTestCard(ATR_T1) });
    const t = await openCcidTransport(device);
    expect(t.readerName).toBe('Gemplus Dell USB Smartcard Keyboard (slot 0)');
    expect(hex(await t.transmit(SELECT))).toBe('9000');
    await t.close();
  });

  it('a YubiKey is blocklisted for ordinary pages → BLOCKLISTED; unrestricted it works', async () => {
    const entry = corpusEntry('Yubico_Yubikey_4_CCID.txt');
    const e = await rejectionOf(openCcidTransport(createVirtualReader({ entry, card: createTestCard(ATR_T1) })));
    expect([e.layer, e.code]).toEqual(['transport', 'BLOCKLISTED']);
    const t = await openCcidTransport(createVirtualReader({ entry, card: createTestCard(ATR_T1), unrestricted: true }));
    expect(t.capabilities.extendedApdu).toBe(true);
    expect(hex(await t.transmit(SELECT))).toBe('9000');
    await t.close();
  });
});

describe('readers the driver refuses, and reader features', () => {
  it('character level → CHARACTER_LEVEL_UNSUPPORTED', async () => {
    const e = await rejectionOf(
      openWebUsbReader(createVirtualReader({ entry: corpusEntry('Oz776S.txt'), card: null, unrestricted: true })),
    );
    expect([e.layer, e.code]).toEqual(['ccid', 'CHARACTER_LEVEL_UNSUPPORTED']);
    expect(e.message).toMatch(/character-level/);
  });

  it('a control-only CCID interface (no bulk endpoints) → NO_BULK_ENDPOINTS', async () => {
    const device = createVirtualReader({
      entry: corpusEntry('Oberthur-CosmoCard.txt'),
      card: null,
      unrestricted: true,
    });
    expect((await rejectionOf(openWebUsbReader(device))).code).toBe('NO_BULK_ENDPOINTS');
  });

  it('without automatic voltage selection, powers at 5 V, then 3 V, then 1.8 V until the card answers', async () => {
    const card = { ...createTestCard(ATR_T1), voltages: ['1.8V'] as const };
    const t = await createSimulatorTransport({ entry: corpusEntry('DellSCRK.txt'), card });
    expect(t.virtualReader.stats.powerSelects).toEqual([1, 2, 3]);
    expect(hex(await t.transmit(SELECT))).toBe('9000');
    await t.close();
  });

  it('no card → NO_CARD on power on', async () => {
    const device = createVirtualReader({
      entry: corpusEntry('Identiv_uTrust_3700_F_CL_Reader.txt'),
      card: null,
      unrestricted: true,
    });
    const e = await rejectionOf(openCcidTransport(device));
    expect([e.layer, e.code, isAppError(e.cause) && e.cause.layer]).toEqual(['transport', 'NO_CARD', 'ccid']);
    expect(device.opened).toBe(false);
  });

  it('multi-slot reader: the card in slot 1, slot 0 empty', async () => {
    const device = createVirtualReader({
      entry: corpusEntry('SpringCard_SpringCore_6012.txt'),
      card: null,
      unrestricted: true,
    });
    device.insertCard(createTestCard(ATR_T1), 1);
    const reader = await openWebUsbReader(device);
    expect(reader.slots.map((s) => s.present)).toEqual([false, true]);
    expect((await rejectionOf(connectCcidSlot(reader, { slot: 0 }))).code).toBe('NO_CARD');
    const t = await connectCcidSlot(reader, { slot: 1 });
    expect(t.readerName).toMatch(/\(slot 1\)$/);
    expect(hex(await t.transmit(SELECT))).toBe('9000');
    await t.close();
    await reader.close();
  });

  it('a reader silent for longer than the silence timeout → TIMEOUT, then works', async () => {
    const card = createTestCard(ATR_T1);
    const device = createVirtualReader({
      entry: corpusEntry('Identiv_uTrust_3700_F_CL_Reader.txt'),
      card,
      unrestricted: true,
    });
    const reader = await openCcidReader(device, { silenceTimeoutMs: 40 });
    const session = await reader.slots[0]!.powerOn();
    const e = await rejectionOf(session.transmit(Uint8Array.of(0x00, 0x40, 0x00, 0x00)));
    expect([e.layer, e.code]).toEqual(['ccid', 'TIMEOUT']);
    card.release();
    expect(hex(await session.transmit(SELECT))).toBe('9000');
    await reader.close();
  });

  it('TPDU T=1: the reader holds the T=1 parameters from the ATR (GetParameters §6.1.5)', async () => {
    const t = await createSimulatorTransport({ entry: corpusEntry('DellSCRK.txt'), card: createTestCard(ATR_T1) });
    const p = await t.reader.slots[0]!.getParameters();
    // IFSC FE and BWI 4 / CWI 5 from TA3/TB3; bmTCCKST1 10 = LRC, direct convention.
    expect(p).toMatchObject({ protocol: 1, ifsc: 0xfe, waitingIntegers: 0x45, tcckst: 0x10, nad: 0 });
    await t.close();
  });

  it('a device reset clears armed faults', async () => {
    const t = await createSimulatorTransport({ card: createTestCard(ATR_T1) });
    t.virtualReader.injectFault({ kind: 'slot-busy', times: 5 });
    await t.virtualReader.reset();
    const again = await connectCcidSlot(t.reader, { kind: 'simulator' });
    expect(hex(await again.transmit(SELECT))).toBe('9000');
    await t.close();
  });

  it('exchanges on one slot run one at a time, in order', async () => {
    const t = await createSimulatorTransport({ card: createTestCard(ATR_T1) });
    const gets = [1, 2, 3, 4].map((n) => t.transmit(Uint8Array.of(0x00, 0x20, 0x00, n, n)));
    expect((await Promise.all(gets)).map((r) => r.length)).toEqual([3, 4, 5, 6]);
    await t.close();
  });
});
