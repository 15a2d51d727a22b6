/**
 * Per-APDU round trip through the PC/SC bridge versus the virtual reader over WebUSB, in the same run
 * and on the same APDU suite:
 * - bridge: PcscBridgeCard → WebSocket → bridge process → `smartcard` → pcscd → vpcd → virtual card;
 * - webusb: the simulator's virtual CCID reader → our WebUSB CCID driver → the same virtual card profile.
 * The difference is what the bridge path costs per APDU on this machine (both ends are local, so it is
 * dominated by the two extra hops: the WebSocket and pcscd's IPC).
 * Needs pcscd + vsmartcard-vpcd and the `smartcard` addon (scripts/install-test-deps.sh).
 */
import type { CardTransport } from '../src/transport/card-transport.js';
import { createVirtualPivCard } from '../src/transport/simulator/piv-card/virtual-piv-card.js';
import { createSimulatorTransport } from '../src/transport/simulator/simulator-transport.js';
import { startBridgeRig } from '../test/bridge/bridge-rig.js';

/** Round-trip statistics for one path, in milliseconds per APDU. */
export interface PathTiming {
  readonly apdus: number;
  readonly meanMs: number;
  readonly medianMs: number;
  readonly p95Ms: number;
}

/** Both paths and the bridge's overhead (median difference). */
export interface BridgeBenchResult {
  readonly bridge: PathTiming;
  readonly webusb: PathTiming;
  readonly overheadMedianMs: number;
}

const hex = (h: string) => Uint8Array.from(h.match(/../g)!, (x) => parseInt(x, 16));

/** The suite: SELECT PIV, GET VERSION, GET SERIAL, GET DATA (discovery object), VERIFY status. */
const SUITE = ['00A4040005A000000308', '00FD000000', '00F8000000', '00CB3FFF035C017E00', '0020008000'].map(hex);

async function time(t: CardTransport, rounds: number): Promise<PathTiming> {
  for (const apdu of SUITE) await t.transmit(apdu); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    for (const apdu of SUITE) {
      const start = performance.now();
      await t.transmit(apdu);
      samples.push(performance.now() - start);
    }
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  return { apdus: samples.length, meanMs: samples.reduce((a, b) => a + b, 0) / samples.length, medianMs: at(0.5), p95Ms: at(0.95) };
}

/** Runs both paths and prints a small table. */
export async function benchBridge(rounds = 100): Promise<BridgeBenchResult> {
  const webusbTransport = await createSimulatorTransport({ card: createVirtualPivCard({ profile: 'yubikey-5.7' }) });
  const webusb = await time(webusbTransport, rounds);
  await webusbTransport.close();

  const rig = await startBridgeRig('yubikey-5.7');
  let bridge: PathTiming;
  try {
    const client = await rig.openPaired();
    const card = await client.connectCard(rig.harness.reader, { mode: 'exclusive' });
    bridge = await time(card, rounds);
    await card.close();
    client.close();
  } finally {
    await rig.stop();
  }
  const result = { bridge, webusb, overheadMedianMs: bridge.medianMs - webusb.medianMs };
  const row = (name: string, p: PathTiming) => `  ${name.padEnd(26)} ${p.medianMs.toFixed(3).padStart(8)} ${p.meanMs.toFixed(3).padStart(8)} ${p.p95Ms.toFixed(3).padStart(8)}   (${p.apdus} APDUs)`;
  console.log('\nPC/SC bridge vs virtual reader over WebUSB: ms per APDU round trip (median, mean, p95)');
  console.log(row('bridge → pcscd → vpcd', bridge));
  console.log(row('WebUSB CCID (simulator)', webusb));
  console.log(`  bridge overhead (median):  ${result.overheadMedianMs.toFixed(3)} ms per APDU`);
  return result;
}
