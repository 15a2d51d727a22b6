/**
 * The `web-smart-card` backend against a `navigator.smartCard` shim (src/simulator/smart-card-shim.ts)
 * holding the virtual PIV card: readers come and go through the PnP pseudo-reader, card presence follows
 * getStatusChange, the PIV session runs over `transmit` and `startTransaction`, a sensitive run ends
 * with the "reset" disposition, and PC/SC failures arrive as `AppError('transport', code)`.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApduChannel } from '../../src/apdu/channel';
import { isAppError } from '../../src/app-error';
import { PivSession } from '../../src/piv/session';
import { createVirtualPivCard, type PivCardProfileName } from '../../src/simulator/piv-card/virtual-piv-card';
import { createSmartCardShim, ShimSmartCardError, type SmartCardShim } from '../../src/simulator/smart-card-shim';
import type { ReaderInfo } from '../../src/transport/reader-backend';
import { mapSmartCardError, webSmartCardAvailable } from '../../src/transport/web-smart-card';
import { WebSmartCardReaderBackend } from '../../src/transport/web-smart-card-backend';

const READER = 'Yubico YubiKey OTP+FIDO+CCID 00 00';

let backend: WebSmartCardReaderBackend | undefined;
afterEach(() => backend?.close());

function setUp(): { shim: SmartCardShim; backend: WebSmartCardReaderBackend } {
  const shim = createSmartCardShim();
  backend = new WebSmartCardReaderBackend(shim.api);
  return { shim, backend };
}

/** A reader holding a virtual card of `profile`, opened by id, with a PIV session over its card transport. */
async function openPivSession(profile: PivCardProfileName) {
  const { shim, backend } = setUp();
  shim.plugReader(READER, createVirtualPivCard({ profile }));
  const reader = await backend.open(`smart-card:${READER}`);
  const { transport } = await reader.openCard();
  return { shim, transport, session: new PivSession(new ApduChannel(transport)) };
}

/** Waits until the latest list `watch` reported satisfies `check`. */
async function until(seen: { last: readonly ReaderInfo[] }, check: (r: readonly ReaderInfo[]) => boolean) {
  for (let i = 0; i < 200 && !check(seen.last); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check(seen.last), JSON.stringify(seen.last)).toBe(true);
}

describe('WebSmartCardReaderBackend', () => {
  it('lists readers, follows readers plugged and unplugged and cards in and out', async () => {
    const { shim, backend } = setUp();
    shim.plugReader(READER, createVirtualPivCard({ profile: 'yubikey-5.7' }));
    expect((await backend.listReaders()).map((r) => r.label)).toEqual([READER]);

    const seen = { last: [] as readonly ReaderInfo[] };
    backend.watch((readers) => (seen.last = readers));
    await until(seen, (r) => r[0]?.present === true);

    shim.plugReader('Identiv uTrust 3700 F 01 00');
    await until(seen, (r) => r.length === 2 && r[1]?.present === false);
    shim.removeCard(READER);
    await until(seen, (r) => r[0]?.present === false);
    shim.unplugReader(READER);
    await until(seen, (r) => r.map((x) => x.id).join() === 'smart-card:Identiv uTrust 3700 F 01 00');
  });

  it('runs a PIV session in a transaction, and resets the card when the run verified the PIN', async () => {
    const { shim, backend } = setUp();
    const card = createVirtualPivCard({ profile: 'yubikey-5.7' });
    shim.plugReader(READER, card);
    const [info] = await backend.listReaders();
    const reader = await backend.open(info!.id);
    expect(reader.capabilities.exchangeLevel).toBe('short-apdu');

    const { transport, protocol } = await reader.openCard();
    expect(protocol).toBeNull();
    expect(transport.kind).toBe('web-smart-card');
    expect(transport.atr).toEqual(card.atr);
    const session = new PivSession(new ApduChannel(transport));
    const status = await transport.transaction!(async () => {
      await session.select();
      await session.verifyPin('123456');
      return session.getPinStatus();
    });
    expect(status).toEqual({ verified: true });
    expect(shim.dispositions).toEqual([{ reader: READER, at: 'transaction', disposition: 'reset' }]);
    // Another program sharing the card, or the next run, finds the PIN no longer verified.
    const other = new PivSession(new ApduChannel((await reader.openCard()).transport));
    await other.select();
    expect(await other.getPinStatus()).toEqual({ verified: false, retriesLeft: 3 });
    await transport.close();
    await transport.close();
    expect(shim.dispositions.at(-1)).toEqual({ reader: READER, at: 'disconnect', disposition: 'leave' });
  });

  it('resets on disconnect when the PIN was verified outside a transaction', async () => {
    const { shim, transport, session } = await openPivSession('yubikey-5.7');
    await session.select();
    await session.verifyPin('123456');
    await transport.close();
    expect(shim.dispositions).toEqual([{ reader: READER, at: 'disconnect', disposition: 'reset' }]);
  });

  it('leaves the card as it is after a run that only read it, and passes the work’s own error through', async () => {
    const { shim, transport, session } = await openPivSession('piv-generic');
    const oops = new Error('the work failed');
    await expect(
      transport.transaction!(async () => {
        await session.select();
        await session.getPinStatus(); // VERIFY without data: asks, sets nothing
        throw oops;
      }),
    ).rejects.toBe(oops);
    await transport.close();
    expect(shim.dispositions.map((d) => d.disposition)).toEqual(['leave', 'leave']);
  });

  it('says "no card" for an empty reader and "removed" for a card pulled during a run', async () => {
    const { shim, backend } = setUp();
    shim.plugReader(READER);
    const reader = await backend.open(`smart-card:${READER}`);
    await expect(reader.openCard()).rejects.toMatchObject({ layer: 'transport', code: 'NO_CARD' });

    shim.insertCard(READER, createVirtualPivCard({ profile: 'yubikey-5.7' }));
    const { transport } = await reader.openCard();
    shim.removeCard(READER);
    const e = await transport.transmit(Uint8Array.of(0x00, 0xa4, 0x04, 0x00)).catch((x: unknown) => x);
    expect(isAppError(e, 'transport', 'CARD_REMOVED')).toBe(true);
    expect((e as Error).cause).toBeInstanceOf(ShimSmartCardError);
  });
});

describe('webSmartCardAvailable', () => {
  afterEach(() => vi.unstubAllGlobals());
  it('offers the API only on ChromeOS, where Chrome ships it', () => {
    const stub = (n: object) => (vi.stubGlobal('navigator', n), webSmartCardAvailable());
    expect(stub({ smartCard: {}, userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156' })).toBe(false);
    expect(stub({ smartCard: {}, userAgent: 'Mozilla/5.0 (X11; CrOS x86_64 16181.0.0) Chrome/156' })).toBe(true);
    expect(stub({ smartCard: {}, userAgentData: { platform: 'Chrome OS' } })).toBe(true);
    expect(stub({ userAgentData: { platform: 'Chrome OS' } })).toBe(false);
  });
});

describe('without a smart-card service behind the API (an IWA outside ChromeOS)', () => {
  it('lists no readers once establishContext has not answered in time, and says nothing', async () => {
    const silent = { establishContext: () => new Promise<never>(() => undefined) };
    backend = new WebSmartCardReaderBackend(silent, { establishTimeoutMs: 50 });
    expect(await backend.listReaders()).toEqual([]);
  });
});

describe('mapSmartCardError', () => {
  it('maps by responseCode first, then by DOMException name, never by message', () => {
    const code = (e: unknown) => mapSmartCardError(e, 'connect').code;
    expect(code(new ShimSmartCardError('sharing-violation'))).toBe('SHARING_VIOLATION');
    expect(code(new ShimSmartCardError('reset-card'))).toBe('CARD_REMOVED');
    expect(code(new ShimSmartCardError('no-service'))).toBe('SMART_CARD_NO_SERVICE');
    expect(code(new ShimSmartCardError('unresponsive-card'))).toBe('SMART_CARD_UNRESPONSIVE');
    expect(code(new DOMException('no-smartcard', 'NotAllowedError'))).toBe('SMART_CARD_NOT_ALLOWED');
    expect(code(new DOMException('x', 'AbortError'))).toBe('SMART_CARD_CANCELLED');
    expect(code(new DOMException('removed-card', 'UnknownError'))).toBe('SMART_CARD_ERROR');
    expect(mapSmartCardError(new ShimSmartCardError('no-smartcard'), 'connect')).toMatchObject({
      layer: 'transport',
      code: 'NO_CARD',
      fields: { operation: 'connect', responseCode: 'no-smartcard' },
    });
  });
});
