/**
 * A PIN-pad reader through the bridge: PivSession → ApduChannel → PcscBridgeCard (the page's adapter, PIN
 * structures of PC/SC Part 10 v2.02.09 §2.3) → WebSocket → the bridge (in process: bridge/server.ts, its
 * GET_FEATURE_REQUEST at connect and its `pin-pad` operation) → the PC/SC service. The service is faked at
 * the OS boundary, as a PIN-pad reader's driver behaves: it announces FEATURE_VERIFY_PIN_DIRECT and
 * FEATURE_MODIFY_PIN_DIRECT, passes each structure on as the CCID PC_to_RDR_Secure it stands for (what
 * libccid does), lets the virtual reader's keypad fill the PIN, and answers 6400 / 6401 for a timed-out or
 * cancelled entry. The PIN never reaches the bridge log.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createMemorySink } from '../../relay/log';
import { scardCtlCode } from '../../bridge/card-access';
import { PairingStore } from '../../bridge/pairings';
import type { PcscService } from '../../bridge/pcsc';
import { startBridgeServer, type BridgeServer } from '../../bridge/server';
import { toHex } from '../../src/bytes';
import { ApduChannel } from '../../src/apdu/channel';
import { PivSession } from '../../src/piv/session';
import { createVirtualPivCard } from '../../src/simulator/piv-card/virtual-piv-card';
import { VirtualKeypad } from '../../src/simulator/virtual-keypad';
import { completeOnKeypad, SECURE_ERROR } from '../../src/simulator/virtual-secure';
import { logLinesSource } from '../support/secrecy-sources';
import { scanForSecrets } from '../support/secrecy-scan';
import { describeError } from '../../src/ui/describe-error';
import { APP_ORIGIN, pairedInProcess } from './bridge-rig';

const READER = 'ACS APG8201 USB Reader 00 00';
/** The control codes the fake driver announces (pcsc-lite's: SCARD_CTL_CODE(3400 + tag)). */
const VERIFY_IOCTL = 0x42000000 + 3400 + 0x06;
const MODIFY_IOCTL = 0x42000000 + 3400 + 0x07;
const FEATURES = Uint8Array.of(0x06, 4, ...be32(VERIFY_IOCTL), 0x07, 4, ...be32(MODIFY_IOCTL), 0x12, 4, 0, 0, 0, 0);

function be32(n: number): number[] {
  return [n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

/** PIN_VERIFY/MODIFY_STRUCTURE → CCID abData: drop bTimerOut2 and ulDataLength, add bPINOperation (as libccid). */
function asSecure(modify: boolean, s: Uint8Array): Uint8Array {
  return modify
    ? Uint8Array.of(0x01, s[0]!, ...s.subarray(2, 20), ...s.subarray(24))
    : Uint8Array.of(0x00, s[0]!, ...s.subarray(2, 15), ...s.subarray(19));
}

/**
 * A PC/SC service with one PIN-pad reader holding `card` (see the file comment). `driverAdds()` is put
 * before the card's answer, as a faulty or hostile driver might (nothing, for a driver that behaves).
 */
function pinPadService(keypad: VirtualKeypad, driverAdds: () => Uint8Array): PcscService {
  const card = createVirtualPivCard({ profile: 'yubikey-5.7' });
  return {
    listReaders: () => [{ name: READER, present: true, atr: toHex(card.atr) }],
    close: () => undefined,
    async connect() {
      return {
        atr: card.atr,
        protocol: 'T=1',
        transmit: (apdu) => card.handleApdu(apdu),
        exclusive: async () => undefined,
        disconnect: () => undefined,
        async control(code, data) {
          if (code === scardCtlCode(3400)) return FEATURES;
          if (code !== VERIFY_IOCTL && code !== MODIFY_IOCTL) throw new Error('unsupported control code');
          const entered = await completeOnKeypad(asSecure(code === MODIFY_IOCTL, data), keypad, () => undefined);
          if ('apdu' in entered) return Uint8Array.of(...driverAdds(), ...(await card.handleApdu(entered.apdu)));
          return entered.error === SECURE_ERROR.PIN_TIMEOUT ? Uint8Array.of(0x64, 0x00) : Uint8Array.of(0x64, 0x01);
        },
      };
    },
  };
}

/** The holder: types each of `keys` when the reader asks (`'CANCEL'` presses Cancel). */
function holderTypes(keypad: VirtualKeypad, keys: string[]): void {
  keypad.onPrompt((prompt) => {
    const key = prompt && keys.shift();
    if (key) queueMicrotask(() => (key === 'CANCEL' ? keypad.cancel() : keypad.type(key)));
  });
}

describe('a PIN-pad reader through the bridge', () => {
  const keypad = new VirtualKeypad();
  const { sink, records } = createMemorySink();
  const codes: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'keyward-bridge-pin-pad-'));
  let driverAdds = new Uint8Array(0);
  let server: BridgeServer;
  beforeAll(async () => {
    server = await startBridgeServer({
      port: 0,
      allowedOrigins: [APP_ORIGIN],
      pairings: new PairingStore(join(dir, 'pairings.json')),
      pcsc: () => pinPadService(keypad, () => driverAdds),
      logger: createLogger({ sink }),
      showPairingCode: (_, code) => codes.push(code),
    });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('VERIFY and CHANGE REFERENCE DATA with the PIN typed on the reader; cancel in words; no PIN in the bridge log', async () => {
    const client = await pairedInProcess(server.port, codes);
    const card = await client.connectCard(READER);
    expect(card.pinPad).toMatchObject({ verify: true, modify: true });
    const { session } = await PivSession.open(new ApduChannel(card));
    holderTypes(keypad, ['CANCEL', '123456', '123456', '24681357', '24681357', '24681357']);

    await expect(session.onReader.verifyPin()).rejects.toMatchObject({ layer: 'transport', code: 'PIN_CANCELLED' });
    await session.onReader.verifyPin();
    await session.onReader.changePin();
    await session.onReader.verifyPin();
    await session.verifyPin('24681357'); // the PIN set on the keypad is the card's
    await card.close();
    client.close();

    const pinLines = records.filter((r) => r.msg === 'pin pad');
    expect(pinLines.map((r) => [r.feature, r.sw])).toEqual([
      ['verify', '6401'],
      ['verify', '9000'],
      ['modify', '9000'],
      ['verify', '9000'],
    ]);
    const secrets = ['123456', '24681357'].map((value) => ({ name: `PIN ${value.length}`, value }));
    expect(await scanForSecrets([logLinesSource('the bridge log', records)], secrets)).toEqual([]);
  });

  it('a reader answering a PIN entry with more than a status word is refused in words, not taken as 9000', async () => {
    const client = await pairedInProcess(server.port, codes);
    const card = await client.connectCard(READER);
    const { session } = await PivSession.open(new ApduChannel(card));
    holderTypes(keypad, ['24681357']);
    driverAdds = new Uint8Array(300); // then the card's own 9000
    try {
      const refused = await session.onReader.verifyPin().then(
        () => expect.fail('a 302-byte answer was taken as the card verifying the PIN'),
        (e: unknown) => e,
      );
      expect(refused).toMatchObject({ layer: 'transport', code: 'PIN_PAD_ANSWER_INVALID' });
      expect(describeError(refused)).toMatch(/cannot tell whether the card took the PIN/);
      expect(records.filter((r) => r.msg === 'pin pad').at(-1)).toMatchObject({ responseLength: 302, sw: '9000' });
    } finally {
      driverAdds = new Uint8Array(0);
      await card.close();
      client.close();
    }
  });
});
