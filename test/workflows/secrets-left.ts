/**
 * The secrecy scan the lifecycle workflow tests end with: after a run against the relay world, no secret
 * may be left in this browser's IndexedDB, in what the test captured besides (the audit trail, the
 * console), or in the relay's log.
 */
import type { RelayWorld } from '../support/relay-world';
import { scanForSecrets, type ScanSource, type Secret } from '../support/secrecy-scan';
import { indexedDbSource, logLinesSource } from '../support/secrecy-sources';

/**
 * Scans IndexedDB, `captured` and the relay log of `world` for `secrets` (by the name a failing test
 * prints); answers the findings, empty when none is left anywhere.
 */
export function secretsLeft(
  world: RelayWorld,
  captured: readonly ScanSource[],
  secrets: Readonly<Record<string, Secret['value']>>,
): Promise<string[]> {
  const sources = [indexedDbSource(), ...captured, logLinesSource('the relay log', world.logs)];
  return scanForSecrets(
    sources,
    Object.entries(secrets).map(([name, value]) => ({ name, value })),
  );
}
