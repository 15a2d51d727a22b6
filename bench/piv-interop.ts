/**
 * Issuance as yubico-piv-tool does it, against the virtual card (YubiKey 5.4 profile) under pcscd + vpcd:
 * the number of APDUs the tool sends for the standard issuance sequence, counted from the card's own
 * log. The host-side bench prints Keyward's count for the same steps next to this one.
 *
 * Steps (one yubico-piv-tool run each, as an operator would type them; every run selects the PIV
 * application and reads version/serial again, which is part of the tool's cost):
 *   set-mgm-key · change-puk · change-pin · set-chuid · generate 9a (ECCP256) · import-certificate 9a
 * Needs root-capable pcscd, vsmartcard-vpcd, yubico-piv-tool and openssl (scripts/install-test-deps.sh).
 */
import type { ApduLogEntry } from '../src/simulator/piv-card/virtual-piv-card';
import { issueCertificate, makeTestCa } from '../scripts/openssl-test-ca';
import { startPcscHarness, type PcscHarness } from '../scripts/vpcd-harness';

/** APDUs per step and in total. */
export interface PivInteropBenchResult {
  readonly steps: readonly { readonly step: string; readonly apdus: number }[];
  readonly totalApdus: number;
}

const DEFAULT_KEY = '010203040506070801020304050607080102030405060708';
const NEW_KEY = '0f0e0d0c0b0a09080706050403020100f0e0d0c0b0a09080';
let lastLog: readonly ApduLogEntry[] = [];

/** The (redacted) APDU log of the last `benchPivInterop()` run. */
export function pivInteropLog(): readonly ApduLogEntry[] {
  return lastLog;
}

async function must(h: PcscHarness, command: string, args: string[]): Promise<void> {
  const r = await h.run(command, args);
  if (r.code !== 0) throw new Error(`${command} ${args[0] ?? ''}… failed (exit ${r.code}): ${r.stderr.trim()}`);
}

/** Runs the issuance sequence and returns the APDU counts (commands the card received). */
export async function benchPivInterop(): Promise<PivInteropBenchResult> {
  const h = await startPcscHarness('yubikey-5.4');
  try {
    const commands = () => h.card.log.filter((e) => e.direction === 'command').length;
    const piv = (...args: string[]) => must(h, 'yubico-piv-tool', ['-r', h.reader, ...args]);
    const steps: { step: string; apdus: number }[] = [];
    const step = async (name: string, action: () => Promise<void>) => {
      const before = commands();
      await action();
      steps.push({ step: name, apdus: commands() - before });
    };
    await step('set-mgm-key', () => piv('-a', 'set-mgm-key', `--key=${DEFAULT_KEY}`, '-n', NEW_KEY));
    await step('change-puk', () => piv('-a', 'change-puk', '-P', '12345678', '-N', '75318642'));
    await step('change-pin', () => piv('-a', 'change-pin', '-P', '123456', '-N', '864213'));
    await step('set-chuid', () => piv('-a', 'set-chuid', `--key=${NEW_KEY}`));
    await step('generate 9a ECCP256', () =>
      piv('-a', 'generate', '-s', '9a', '-A', 'ECCP256', `--key=${NEW_KEY}`, '-o', 'pub.pem'),
    );
    // The certificate is made with openssl; it never touches the card, so it is not counted.
    await makeTestCa(h, 'Bench CA');
    const cert = await issueCertificate(h, 'pub.pem', 'Bench holder');
    await step('import-certificate 9a', () =>
      piv('-a', 'import-certificate', '-s', '9a', `--key=${NEW_KEY}`, '-i', cert),
    );
    lastLog = h.card.log.slice();
    return { steps, totalApdus: steps.reduce((n, s) => n + s.apdus, 0) };
  } finally {
    await h.stop();
  }
}

/** Prints the figures (what bench/index.ts calls). */
export async function printPivInteropBench(): Promise<PivInteropBenchResult> {
  const result = await benchPivInterop();
  console.log('yubico-piv-tool issuance against the virtual card (APDUs sent):');
  for (const s of result.steps) console.log(`  ${s.step.padEnd(24)} ${String(s.apdus).padStart(4)}`);
  console.log(`  ${'total'.padEnd(24)} ${String(result.totalApdus).padStart(4)}`);
  return result;
}

if (process.argv[1]?.endsWith('piv-interop.ts')) await printPivInteropBench();
