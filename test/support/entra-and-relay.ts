/**
 * The hooks of a test file that works against both outside services at once: the Entra emulator
 * (test-entra.ts, https on a free port) and one relay world (relay-world.ts), started before the file's
 * tests and closed after. Returns both, once started.
 */
import { afterAll, beforeAll } from 'vitest';
import type { EntraEmulator } from '../../demo/entra-emulator/index';
import { startRelayWorld, type RelayWorld } from './relay-world';
import { startTestEntra } from './test-entra';
import { testTls } from './test-tls';

export function useEntraAndRelay(): { emulator: () => EntraEmulator & { port: number }; world: () => RelayWorld } {
  let emulator: (EntraEmulator & { port: number }) | undefined;
  let world: RelayWorld | undefined;
  beforeAll(async () => {
    emulator = await startTestEntra(testTls());
    world = await startRelayWorld();
  }, 60_000);
  afterAll(async () => {
    await emulator?.close();
    await world?.close();
  });
  return { emulator: () => emulator!, world: () => world! };
}
