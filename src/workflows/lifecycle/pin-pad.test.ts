/**
 * Activate and Unblock on a PIN-pad reader: the holder types the activation PIN and the new PIN on the
 * reader's keypad (the virtual reader from a corpus descriptor with bPINSupport, its keypad simulated), so
 * the workflows are never given a PIN; the page's Cancel and the reader's Cancel end the entry with words,
 * nothing recorded. Through the real relay (PGlite), the real CCID driver and the virtual PIV card.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openPivSession } from '../../cards/card';
import { corpusEntry } from '../../simulator/fake-corpus';
import { createVirtualPivCard } from '../../simulator/piv-card/virtual-piv-card';
import { createSimulatorTransport } from '../../simulator/simulator-transport';
import type { VirtualKeypad } from '../../simulator/virtual-keypad';
import { USER, useLifecycleWorld, issueBehind } from '../../../test/lifecycle/lifecycle-fixtures';
import { activateCard } from './activate';
import { detectLocked, unblockCard } from './unblock';

const world = useLifecycleWorld();

/** The holder at the reader: types each of `keys` when the reader asks (`'CANCEL'` presses Cancel, `'PAGE'` waits). */
function holderTypes(keypad: VirtualKeypad, keys: string[]): () => void {
  return keypad.onPrompt((prompt) => {
    const key = prompt && keys.shift();
    if (!key || key === 'PAGE') return;
    queueMicrotask(() => (key === 'CANCEL' ? keypad.cancel() : keypad.type(key)));
  });
}

describe('a PIN-pad reader in the lifecycle', () => {
  it('activates and unblocks with the PINs typed on the reader; cancels end the entry, nothing recorded', async () => {
    const card = createVirtualPivCard({ profile: 'yubikey-5.7', serial: 40_000_001 });
    const transport = await createSimulatorTransport({ entry: corpusEntry('ACS_APG8201_v2.txt'), card });
    const { keypad } = transport.virtualReader;
    const { template, ports, issued } = await issueBehind(world(), transport, {
      user: { ...USER, id: crypto.randomUUID() },
    });
    const activationPin = issued.activationPin!;

    // The holder presses Cancel on the reader, then the operator cancels in the page: both leave it issued.
    const stop = holderTypes(keypad, ['CANCEL', 'PAGE']);
    const cancelled = await activateCard({ transport, onReader: true, template, ports }).catch((e: unknown) => e);
    expect(cancelled).toMatchObject({ layer: 'transport', code: 'PIN_CANCELLED' });
    const page = new AbortController();
    keypad.onPrompt((p) => p && setTimeout(() => page.abort(), 10));
    await expect(
      activateCard({ transport, onReader: true, template, ports, signal: page.signal }),
    ).rejects.toMatchObject({ code: 'PIN_CANCELLED' });
    stop();
    expect(await ports.registry.card(issued.cardId)).toMatchObject({ state: 'issued' });

    holderTypes(keypad, [activationPin, '24681357', '24681357', '24681357']);
    const steps: string[] = [];
    await activateCard({
      transport,
      onReader: true,
      template,
      ports,
      onStep: (e) => steps.push(`${e.step}:${e.phase}`),
    });
    expect(steps).toContain('verify-activation-pin:skipped');
    expect(steps).toContain('change-pin:done');
    expect(await ports.registry.card(issued.cardId)).toMatchObject({ state: 'active' });
    const host = await openPivSession(transport);
    await host.verifyPin('24681357'); // the PIN the holder chose on the keypad is the card's

    for (let i = 0; i < 3; i++) await host.verifyPin('00000000').catch(() => undefined);
    expect((await detectLocked(transport, ports)).record.state).toBe('locked');
    holderTypes(keypad, ['97531864', '97531864', '97531864']);
    await unblockCard({ transport, onReader: true, template, ports });
    expect(await ports.registry.card(issued.cardId)).toMatchObject({ state: 'active' });
    await (await openPivSession(transport)).verifyPin('97531864');
    await transport.close();
  });
});
