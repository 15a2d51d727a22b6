/**
 * Options > Connections > Entra ID: the deployment's defaults, overridden per browser when an
 * administrator saves other values.
 */
import { AppError } from '../app-error';
import { entraSettingsProblems, type DeploymentConfig, type EntraSettings } from '../config/deployment';
import { clearConnection, readConnection, saveConnection } from '../store/connections';

export { loadDeploymentConfig, type DeploymentConfig } from '../config/deployment';

/** The Entra connection settings plus the relay URL that goes with them. */
export interface EntraConnection extends EntraSettings {
  readonly relayUrl: string;
}

const ENTRA = 'entra';

/** The settings in force: the saved override if any, else the deployment's. */
export async function effectiveEntraConnection(
  deployment: DeploymentConfig,
): Promise<{ connection: EntraConnection; overridden: boolean }> {
  const defaults: EntraConnection = { ...deployment.entra, relayUrl: deployment.relayUrl };
  const saved = await readConnection(ENTRA).catch(() => undefined);
  if (!saved) return { connection: defaults, overridden: false };
  const merged = { ...defaults, ...(saved.settings as Partial<EntraConnection>) };
  // A stale or hand-edited override that no longer validates must not lock the operator out.
  return entraSettingsProblems(merged).length
    ? { connection: defaults, overridden: false }
    : { connection: merged, overridden: true };
}

/** Validates and saves an override; throws `AppError('workflows','INVALID_SETTINGS', …, { problems })`. */
export async function saveEntraConnection(next: EntraConnection): Promise<void> {
  const problems = entraSettingsProblems(next);
  try {
    const u = new URL(next.relayUrl);
    if (!/^https?:$/.test(u.protocol)) problems.push('Relay URL must be an http(s) URL.');
  } catch {
    problems.push('Relay URL must be an http(s) URL.');
  }
  if (problems.length) throw new AppError('workflows', 'INVALID_SETTINGS', problems.join(' '), { problems });
  await saveConnection(ENTRA, { ...next });
}

/** Drops the override; the deployment's defaults apply again. */
export function resetEntraConnection(): Promise<void> {
  return clearConnection(ENTRA);
}
