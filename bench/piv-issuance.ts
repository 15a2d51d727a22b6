/**
 * `npm run bench` figure for PIV issuance: how many APDUs the standard issuance sequence costs through
 * `PivSession` → ApduChannel → CCID driver → virtual reader → virtual PIV card, counted from the card's
 * own APDU log (src/simulator/piv-card). The sequence: SELECT, management-key authentication,
 * SET MANAGEMENT KEY, set the PUK, set the PIN, write the CHUID, generate a 9A key, write its certificate.
 *
 * The same operations done by `yubico-piv-tool` against the same virtual card are counted by the interop
 * helper's bench (over pcscd + vpcd); pass that figure in `reference` to print both side by side.
 */
import 'reflect-metadata';
import { X509CertificateGenerator } from '@peculiar/x509';
import { ApduChannel } from '../src/apdu/channel';
import { importCardMasterKey, deriveAdminSecrets } from '../src/cards/admin-secrets';
import { nonFederalFascn } from '../src/piv/fascn';
import { DEFAULT_MANAGEMENT_KEY } from '../src/piv/management-key';
import { PivSession } from '../src/piv/session';
import { corpusEntry } from '../src/simulator/fake-corpus';
import { createVirtualPivCard } from '../src/simulator/piv-card/virtual-piv-card';
import { createSimulatorTransport } from '../src/simulator/simulator-transport';

/** APDU counts per step, and the total. */
export interface IssuanceCount {
  readonly reader: string;
  readonly steps: readonly { readonly step: string; readonly apdus: number }[];
  readonly total: number;
}

/** A figure from another client for the same sequence (e.g. yubico-piv-tool over vpcd). */
export interface ReferenceCount {
  readonly tool: string;
  readonly apdus: number;
}

async function throwawayCertificate(): Promise<Uint8Array> {
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const cert = await X509CertificateGenerator.createSelfSigned({
    name: 'CN=Keyward bench',
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    notBefore: new Date(0),
    notAfter: new Date(2e12),
  });
  return new Uint8Array(cert.rawData);
}

/**
 * Runs the issuance sequence once on a fresh virtual YubiKey 5.4 (3DES management key, the profile the
 * yubico-piv-tool figure uses) behind the reader `readerFile` (default: the extended-APDU reader).
 */
export async function countIssuanceApdus(readerFile?: string): Promise<IssuanceCount> {
  const card = createVirtualPivCard({ profile: 'yubikey-5.4', serial: 12345678 });
  const transport = await createSimulatorTransport({ card, ...(readerFile ? { entry: corpusEntry(readerFile) } : {}) });
  const session = new PivSession(new ApduChannel(transport));
  const master = await importCardMasterKey(crypto.getRandomValues(new Uint8Array(32)));
  const { managementKey, puk } = await deriveAdminSecrets(master, { serial: 12345678 }, 'TDES');
  const certificate = await throwawayCertificate();
  const chuid = {
    fascn: nonFederalFascn(12345678),
    guid: crypto.randomUUID(),
    expiration: '20301231',
    signature: new Uint8Array(0),
  };
  const steps: { step: string; apdus: number }[] = [];
  const commands = () => card.log.filter((e) => e.direction === 'command').length;
  const step = async (name: string, run: () => Promise<unknown>) => {
    const before = commands();
    await run();
    steps.push({ step: name, apdus: commands() - before });
  };
  await step('select', () => session.select());
  await step('authenticate (mutual, 3DES)', () => session.authenticate(DEFAULT_MANAGEMENT_KEY, 'TDES'));
  await step('set management key', () => session.setManagementKey('TDES', managementKey));
  await step('set PUK', () => session.changePuk('12345678', puk));
  await step('set PIN', () => session.changePin('123456', '24681357'));
  await step('write CHUID', () => session.writeChuid(chuid));
  await step('generate 9A (ECC P-256)', () => session.generateKey(0x9a, 'ECCP256'));
  await step(`write certificate (${certificate.length} bytes)`, () => session.writeCertificate(0x9a, certificate));
  await transport.close();
  return { reader: transport.readerName, steps, total: steps.reduce((n, s) => n + s.apdus, 0) };
}

/** yubico-piv-tool's figure from the interop bench (bench/piv-interop.ts), or why there is none. */
async function interopReference(): Promise<ReferenceCount | string> {
  try {
    const { benchPivInterop } = await import('./piv-interop');
    return { tool: 'yubico-piv-tool (pcscd + vpcd)', apdus: (await benchPivInterop()).totalApdus };
  } catch (e) {
    return e instanceof Error ? e.message.split('\n')[0]! : String(e);
  }
}

/**
 * Prints the counts next to yubico-piv-tool's. `reference` gives that figure when the caller already has
 * it; otherwise the interop bench is run here (it needs pcscd, vpcd and yubico-piv-tool).
 */
export async function benchPivIssuance(reference?: ReferenceCount): Promise<IssuanceCount[]> {
  const counts = [await countIssuanceApdus(), await countIssuanceApdus('ACS_ACR3901U_ICC_Reader.txt')];
  const other = reference ?? (await interopReference());
  console.log(
    '\nPIV issuance: APDUs for select, authenticate, set management key, PUK, PIN, CHUID, generate 9A, write certificate',
  );
  const [ext, short] = counts as [IssuanceCount, IssuanceCount];
  console.log(`  ${'step'.padEnd(40)} ${'extended'.padStart(8)} ${'short'.padStart(8)}`);
  ext.steps.forEach((s, i) =>
    console.log(`  ${s.step.padEnd(40)} ${String(s.apdus).padStart(8)} ${String(short.steps[i]!.apdus).padStart(8)}`),
  );
  console.log(
    `  ${'Keyward PivSession, total'.padEnd(40)} ${String(ext.total).padStart(8)} ${String(short.total).padStart(8)}`,
  );
  if (typeof other !== 'string')
    console.log(
      `  ${`${other.tool}`.padEnd(40)} ${String(other.apdus).padStart(8)}   (one tool run per step, each selecting again)`,
    );
  else console.log(`  yubico-piv-tool, same operations: unavailable here (${other})`);
  return counts;
}
