/**
 * "Detect" (DESIGN.md "The card model"): what credential is in the reader, in words an operator reads,
 * and what it can do. From the ATR, SELECT PIV (SP 800-73-4 Part 2 §3.1.1), the YubiKey extensions GET
 * VERSION / GET SERIAL / GET METADATA (9B for the management-key algorithm, 80/81 for retry counters),
 * and the empty VERIFY (§3.2.1) for PIN tries where metadata is missing.
 *
 * A card without the PIV application is an answer ("Unknown card (ATR …)"), not an error. Transport
 * failures still throw: they mean the card could not be asked at all.
 *
 * A card is a YubiKey when it answers GET VERSION *and* its ATR names it (every YubiKey's historical
 * bytes carry "YubiKey"/"Yubikey", pcsc-tools' smartcard_list.txt): PIV applets of other vendors copy
 * some Yubico extensions, GET VERSION included (one answered 5.7.0), and must not be taken for a YubiKey
 * whose serial, RESET and algorithms they may lack. Key algorithms are the ones the card lists in SELECT
 * (tag AC) whenever it lists any; only a YubiKey without that list gets its firmware's table.
 */
import { toHex } from '../bytes';
import { ApduChannel } from '../apdu/channel';
import { isAppError } from '../app-error';
import { algorithmName, KEY_REF, type KeyAlgorithm, type ManagementKeyAlgorithm } from '../piv/constants';
import { ifCardHas } from '../piv/errors';
import { PivSession } from '../piv/session';
import type { ApplicationProperties } from '../piv/select';
import { versionAtLeast, type FirmwareVersion } from '../piv/yubikey';
import type { CardTransport } from '../transport/card-transport';

/** What a detected card can do. */
export interface CardCapabilities {
  readonly algorithms: readonly KeyAlgorithm[];
  readonly managementKeyAlgorithm: ManagementKeyAlgorithm;
  /** PIN tries left (undefined when the card would not say). */
  readonly pinRetries: number | undefined;
  /** PUK tries left (YubiKey metadata only). */
  readonly pukRetries: number | undefined;
  readonly serial?: number;
  /** "5.4.3". */
  readonly firmware?: string;
}

/** The result of Detect. */
export type DetectedCard =
  | {
      readonly kind: 'yubikey' | 'piv';
      readonly typeName: string;
      readonly atr: string;
      readonly capabilities: CardCapabilities;
    }
  | { readonly kind: 'unknown'; readonly typeName: string; readonly atr: string; readonly capabilities?: undefined };

const MANAGEMENT_ALGORITHMS: readonly ManagementKeyAlgorithm[] = ['TDES', 'AES128', 'AES192', 'AES256'];
const ASYMMETRIC = new Set<string>([
  'RSA1024',
  'RSA2048',
  'RSA3072',
  'RSA4096',
  'ECCP256',
  'ECCP384',
  'ED25519',
  'X25519',
]);

/** YubiKey key algorithms by firmware (Yubico: the NEO lacks P-384; RSA 3072/4096, Ed25519, X25519 from 5.7). */
function yubikeyAlgorithms(v: FirmwareVersion): KeyAlgorithm[] {
  if (v.major < 4) return ['RSA1024', 'RSA2048', 'ECCP256'];
  const base: KeyAlgorithm[] = ['RSA1024', 'RSA2048', 'ECCP256', 'ECCP384'];
  return versionAtLeast(v, 5, 7) ? [...base, 'RSA3072', 'RSA4096', 'ED25519', 'X25519'] : base;
}

/** The asymmetric algorithms the card lists under AC in its SELECT answer (SP 800-73-4 Part 2 Table 3). */
function listedAlgorithms(props: ApplicationProperties): KeyAlgorithm[] {
  return props.algorithms.map(algorithmName).filter((n): n is KeyAlgorithm => n !== undefined && ASYMMETRIC.has(n));
}

/** A plain PIV card's algorithms: those it lists, else SP 800-78-4's common pair. */
function pivAlgorithms(props: ApplicationProperties): KeyAlgorithm[] {
  const listed = listedAlgorithms(props);
  return listed.length > 0 ? listed : ['RSA2048', 'ECCP256'];
}

/** True when the ATR's bytes spell "yubikey" (any case), as every YubiKey's historical bytes do. */
export function atrNamesYubiKey(atr: Uint8Array): boolean {
  return Array.from(atr, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.'))
    .join('')
    .toLowerCase()
    .includes('yubikey');
}

/** The product name for a YubiKey's major version. */
function yubikeyModel(v: FirmwareVersion): string {
  if (v.major >= 5) return 'YubiKey 5';
  if (v.major === 4) return 'YubiKey 4';
  return 'YubiKey NEO';
}

/** The management-key algorithm from GET METADATA 9B, or 3DES when the card has no metadata (6D00/6A81). */
async function managementAlgorithm(session: PivSession): Promise<ManagementKeyAlgorithm> {
  const m = await ifCardHas(() => session.getMetadata(KEY_REF.MANAGEMENT));
  const name = m?.algorithm as ManagementKeyAlgorithm | undefined;
  return name && MANAGEMENT_ALGORITHMS.includes(name) ? name : 'TDES';
}

async function pinRetries(session: PivSession): Promise<number | undefined> {
  const m = await ifCardHas(() => session.getMetadata(KEY_REF.PIN));
  if (m?.retries) return m.retries.remaining;
  const status = await ifCardHas(() => session.getPinStatus());
  return status === undefined ? undefined : status.verified ? undefined : status.retriesLeft;
}

/** Selects PIV; `undefined` when the card has no PIV application (or refuses SELECT by AID outright). */
async function selectOrUnknown(session: PivSession): Promise<ApplicationProperties | undefined> {
  try {
    return await session.select();
  } catch (e) {
    if (isAppError(e, 'piv')) return undefined;
    throw e;
  }
}

/** Detects the card behind `transport`. */
export async function detectCard(
  transport: CardTransport,
  channel: ApduChannel = new ApduChannel(transport),
): Promise<DetectedCard> {
  const atr = toHex(transport.atr);
  const session = new PivSession(channel);
  const props = await selectOrUnknown(session);
  if (!props) return { kind: 'unknown', typeName: `Unknown card (ATR ${atr})`, atr };
  const version = await ifCardHas(() => session.getVersion());
  const managementKeyAlgorithm = await managementAlgorithm(session);
  const pin = await pinRetries(session);
  if (!version || !atrNamesYubiKey(transport.atr)) {
    const firmware = version ? firmwareText(version) : undefined;
    const puk = version ? (await ifCardHas(() => session.getMetadata(KEY_REF.PUK)))?.retries?.remaining : undefined;
    const capabilities = {
      algorithms: pivAlgorithms(props),
      managementKeyAlgorithm,
      pinRetries: pin,
      pukRetries: puk,
      ...(firmware ? { firmware } : {}),
    };
    const typeName = firmware ? `PIV card · reports firmware ${firmware}` : 'PIV card';
    return { kind: 'piv', typeName, atr, capabilities };
  }
  const serial = await ifCardHas(() => session.getSerial());
  const puk = (await ifCardHas(() => session.getMetadata(KEY_REF.PUK)))?.retries?.remaining;
  const firmware = firmwareText(version);
  const typeName = [
    yubikeyModel(version),
    'PIV',
    `firmware ${firmware}`,
    ...(serial === undefined ? [] : [`serial ${serial}`]),
  ].join(' · ');
  const listed = listedAlgorithms(props);
  const capabilities = {
    algorithms: listed.length > 0 ? listed : yubikeyAlgorithms(version),
    managementKeyAlgorithm,
    pinRetries: pin,
    pukRetries: puk,
    firmware,
    ...(serial === undefined ? {} : { serial }),
  };
  return { kind: 'yubikey', typeName, atr, capabilities };
}

/** "5.4.3". */
function firmwareText(v: FirmwareVersion): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}
