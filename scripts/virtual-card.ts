/**
 * `npm run virtual-card -- --vpcd 127.0.0.1:35963 [--profile yubikey-5.4|yubikey-5.7|piv-generic] [--serial N]`
 *
 * Runs the virtual PIV card as a vsmartcard vpcd client, so pcscd shows it in "Virtual PCD 00 00" and any
 * PC/SC application can use it. Reconnects when pcscd restarts; exits cleanly on SIGINT/SIGTERM.
 * The card lives in memory only: keys and PINs are gone when the process ends.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createVirtualPivCard, type PivCardProfileName } from '../src/simulator/piv-card/virtual-piv-card';
import { connectVpcd } from '../src/simulator/vpcd-client';

const PROFILE_NAMES: readonly PivCardProfileName[] = ['yubikey-5.4', 'yubikey-5.7', 'piv-generic'];

/** Parsed command line. */
export interface VirtualCardArgs {
  readonly host: string;
  readonly port: number;
  readonly profile: PivCardProfileName;
  readonly serial: number | undefined;
}

/** Parses the command line; throws with a usage message on anything wrong. */
export function parseVirtualCardArgs(argv: readonly string[]): VirtualCardArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      vpcd: { type: 'string', default: '127.0.0.1:35963' },
      profile: { type: 'string', default: 'yubikey-5.7' },
      serial: { type: 'string' },
    },
  });
  const match = /^(.+):(\d+)$/.exec(values.vpcd ?? '');
  if (!match) throw new Error('--vpcd must be host:port, e.g. 127.0.0.1:35963');
  const profile = values.profile as PivCardProfileName;
  if (!PROFILE_NAMES.includes(profile)) throw new Error(`--profile must be one of ${PROFILE_NAMES.join(', ')}`);
  const serial = values.serial === undefined ? undefined : Number(values.serial);
  if (serial !== undefined && !(Number.isInteger(serial) && serial >= 0 && serial <= 0xffffffff))
    throw new Error('--serial must be a 32-bit number');
  return { host: match[1]!, port: Number(match[2]), profile, serial };
}

async function main(): Promise<void> {
  const args = parseVirtualCardArgs(process.argv.slice(2));
  const card = createVirtualPivCard({
    profile: args.profile,
    ...(args.serial === undefined ? {} : { serial: args.serial }),
  });
  const client = connectVpcd({
    host: args.host,
    port: args.port,
    card,
    onStatus: (s, detail) => console.log(`virtual-card: ${s}${detail ? ` to vpcd at ${detail}` : ''}`),
  });
  console.log(`virtual-card: ${args.profile} card, waiting for vpcd at ${args.host}:${args.port}`);
  const shutdown = (signal: string): void => {
    console.log(`virtual-card: ${signal}, stopping (${card.log.length / 2} APDUs served)`);
    void client.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(`virtual-card: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(2);
  });
}
