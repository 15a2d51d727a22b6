/**
 * A PIN-pad reader through the real stack: the PIV layer's PIN commands "on the reader" (piv/pin-on-reader.ts)
 * → ApduChannel.enterPin → the CCID transport's `pinPad` → PC_to_RDR_Secure (CCID rev 1.1 §6.1.11) → the
 * virtual reader built from a corpus descriptor with bPINSupport (ACS APG8201 v2, short APDU level), whose
 * simulated keypad (src/simulator/virtual-keypad.ts) the test types on, holding a virtual PIV card. Checks
 * VERIFY, a wrong PIN, CHANGE REFERENCE DATA, RESET RETRY COUNTER with the PUK, the reader's timeout and
 * cancel, and that no PIN byte crosses the host→reader link or reaches the APDU trace.
 * (Under test/ because src/ccid may not import the simulator in src/transport.)
 */
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/bytes';
import { ApduChannel } from '../../src/apdu/channel';
import { PivSession } from '../../src/piv/session';
import { corpusEntry } from '../../src/simulator/fake-corpus';
import { createVirtualPivCard } from '../../src/simulator/piv-card/virtual-piv-card';
import { createSimulatorTransport } from '../../src/simulator/simulator-transport';
import type { VirtualKeypad } from '../../src/simulator/virtual-keypad';

const PIN_PAD_READER = corpusEntry('ACS_APG8201_v2.txt');
const ascii = (pin: string) => toHex(new TextEncoder().encode(pin));
/** A PIN as the card's 8-byte field carries it (ASCII, FF padding; SP 800-73-4 Part 2 §2.4.3). */
const field = (pin: string) => ascii(pin) + 'FF'.repeat(8 - pin.length);

/** Types each of `keys` when the reader next asks (`'CANCEL'` presses Cancel, `'WAIT'` lets it time out). */
function holder(keypad: VirtualKeypad, keys: string[]): { prompts: string[] } {
  const prompts: string[] = [];
  keypad.onPrompt((prompt) => {
    if (!prompt) return;
    prompts.push(prompt);
    const key = keys.shift();
    if (key === undefined || key === 'WAIT') return;
    queueMicrotask(() => (key === 'CANCEL' ? keypad.cancel() : keypad.type(key)));
  });
  return { prompts };
}

async function pinPadCard(entry = PIN_PAD_READER) {
  const transport = await createSimulatorTransport({ entry, card: createVirtualPivCard({ profile: 'yubikey-5.7' }) });
  const wire: string[] = [];
  const reader = transport.virtualReader;
  const out = reader.transferOut.bind(reader);
  reader.transferOut = async (endpoint, data) => {
    wire.push(toHex(new Uint8Array(data as ArrayBuffer | Uint8Array as ArrayBuffer)));
    return out(endpoint, data);
  };
  const trace: string[] = [];
  const { session } = await PivSession.open(new ApduChannel(transport, { trace: (l) => trace.push(l) }));
  return { transport, session, wire, trace, keypad: reader.keypad };
}

describe('a PIN-pad reader', () => {
  it('VERIFY, a wrong PIN, CHANGE REFERENCE DATA and RESET RETRY COUNTER with the PIN typed on the reader', async () => {
    const { transport, session, wire, trace, keypad } = await pinPadCard();
    expect(transport.pinPad).toMatchObject({ verify: true, modify: true });
    const onReader = session.onReader;
    const { prompts } = holder(keypad, ['123456', '000000', '123456', '24681357', '24681357', '97531864', '97531864']);

    await onReader.verifyPin({ timeoutSeconds: 20 });
    await expect(onReader.verifyPin()).rejects.toMatchObject({ code: 'PIN_INVALID', fields: { retriesLeft: 2 } });
    await onReader.changePin();
    await onReader.unblockPin('12345678'); // the factory PUK, sent by the host; the new PIN typed twice
    expect(prompts).toEqual([
      'Enter PIN',
      'Enter PIN',
      ...['Enter PIN', 'Enter new PIN', 'Confirm new PIN'],
      ...['Enter new PIN', 'Confirm new PIN'],
    ]);
    // The PIN set on the keypad is the card's now: VERIFY sent by the host (as without a PIN pad) takes it.
    await session.verifyPin('97531864');
    expect(wire.filter((m) => m.startsWith('69'))).toHaveLength(4); // PC_to_RDR_Secure
    for (const pin of ['123456', '000000', '24681357'])
      expect(
        wire.some((m) => m.includes(field(pin))),
        pin,
      ).toBe(false);
    expect(trace.filter((l) => l.includes('PIN typed on the reader'))).toHaveLength(4);
    for (const secret of ['123456', '24681357', '12345678'])
      expect(
        trace.some((l) => l.includes(field(secret))),
        secret,
      ).toBe(false);
    await transport.close();
  });

  it("says when the holder cancels on the reader and when the reader's wait runs out", async () => {
    const { transport, session, keypad } = await pinPadCard();
    holder(keypad, ['CANCEL', ...['123456', '11111111', '22222222'], 'WAIT']);
    const onReader = session.onReader;
    await expect(onReader.verifyPin()).rejects.toMatchObject({ layer: 'transport', code: 'PIN_CANCELLED' });
    // A new PIN that does not match its confirmation is the reader's own refusal: nothing reaches the card.
    await expect(onReader.changePin()).rejects.toMatchObject({ layer: 'transport', code: 'PIN_CANCELLED' });
    await expect(onReader.verifyPin({ timeoutSeconds: 1 })).rejects.toMatchObject({
      layer: 'transport',
      code: 'PIN_TIMEOUT',
    });
    expect(await session.getPinStatus()).toEqual({ verified: false, retriesLeft: 3 }); // no try was spent
    await transport.close();
  });

  it('a reader without a PIN pad offers no PIN entry', async () => {
    const transport = await createSimulatorTransport({ card: createVirtualPivCard({ profile: 'yubikey-5.7' }) });
    expect(transport.pinPad).toBeUndefined();
    const { session } = await PivSession.open(new ApduChannel(transport));
    expect(session.onReader.takes).toBeUndefined();
    await expect(session.onReader.verifyPin()).rejects.toMatchObject({ layer: 'apdu', code: 'NO_PIN_PAD' });
    await transport.close();
  });
});
