/**
 * Cards in the bridge rig's reader ("Virtual PCD 00 00": pcscd → vsmartcard-vpcd → a virtual card
 * answering from the test process): take the card out and put another in, as a person would, so two
 * browser contexts (the operator's and the holder's) work on one card, and a second card can stand in.
 */
import { connectVpcd, type VpcdClient } from '../../src/simulator/vpcd-client';
import { createVirtualPivCard, type VirtualPivCard } from '../../src/simulator/piv-card/virtual-piv-card';
import { createSimulatorTransport } from '../../src/simulator/simulator-transport';
import { openCard } from '../../src/cards/card';
import { DEFAULT_MANAGEMENT_KEY } from '../../src/piv/management-key';
import type { BridgeRig } from '../bridge/bridge-rig';

/** The card in the rig's reader now, and how to take it out. */
export interface CardInReader {
  readonly card: VirtualPivCard;
  readonly client: VpcdClient;
}

/** Whether PC/SC lists the rig's reader with a card in it (`opensc-tool -l`, as the harness checks). */
async function cardListed(rig: BridgeRig): Promise<boolean> {
  const { stdout } = await rig.harness.run('opensc-tool', ['-l'], { timeoutMs: 10_000 });
  return stdout.split('\n').some((l) => l.includes(rig.harness.reader) && /\sYes\s/.test(l));
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Takes `current` out of the rig's reader (the rig's own card when absent) and puts `card` in, each
 * step seen by PC/SC before the next, so the pages' readers report the card leaving and arriving.
 */
export async function putCardInBridgeReader(
  rig: BridgeRig,
  card: VirtualPivCard,
  current?: CardInReader,
): Promise<CardInReader> {
  await (current?.client ?? rig.harness.vpcd).stop();
  await until(async () => !(await cardListed(rig)), 'the card to leave the reader');
  card.reset();
  const client = connectVpcd({ port: rig.harness.vpcdPort, card, backoff: { initialMs: 50, maxMs: 500 } });
  await client.firstConnection;
  await until(() => cardListed(rig), 'the card to arrive in the reader');
  return { card, client };
}

/** A factory-fresh YubiKey 5.7 with `serial`. */
export function blankYubiKey(serial: number): VirtualPivCard {
  return createVirtualPivCard({ profile: 'yubikey-5.7', serial });
}

/**
 * A factory-fresh YubiKey 5.7 with `serial` given its own ECC P-256 keys in `slots` (9A unless told;
 * GENERATE with the factory management key, through the real PIV stack over the simulator reader):
 * "another card" that claims the serial of one in the registry but holds none of its keys. Its PIN is
 * still the factory 123456.
 */
export async function impostorYubiKey(serial: number, slots: readonly number[] = [0x9a]): Promise<VirtualPivCard> {
  const card = blankYubiKey(serial);
  const transport = await createSimulatorTransport({ card });
  const { session } = await openCard(transport);
  await session.authenticate(DEFAULT_MANAGEMENT_KEY, 'AES192');
  for (const slot of slots) await session.generateKey(slot, 'ECCP256');
  await transport.close();
  return card;
}
