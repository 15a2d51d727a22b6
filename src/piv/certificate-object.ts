/**
 * Certificate data objects (SP 800-73-4 Part 1 Tables 10–15, §3.3): the contents of the 53 wrapper are
 *
 *   70 L  certificate (DER X.509, or its gzip when CertInfo says so)
 *   71 01 CertInfo: 00 = uncompressed, 01 = gzip-compressed (Part 1 Table 10, footnote on CertInfo)
 *   FE 00 error detection code (LRC), always empty
 *
 * Compression uses the platform `CompressionStream('gzip')` / `DecompressionStream('gzip')`.
 */
import { decodeTlv, encodeTlvs } from '../apdu/tlv';
import { pivError } from './errors';

/** CertInfo values (Part 1 Table 10). */
export const CERT_INFO = { UNCOMPRESSED: 0x00, GZIP: 0x01 } as const;

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([Uint8Array.from(bytes)]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

/** gzip-compresses `bytes`. */
export function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  return pipe(bytes, new CompressionStream('gzip'));
}

/** gunzips `bytes`; `RESPONSE_INVALID` when they are not gzip. */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  try {
    return await pipe(bytes, new DecompressionStream('gzip'));
  } catch (e) {
    throw pivError('RESPONSE_INVALID', 'the certificate object says gzip but does not decompress', {}, e);
  }
}

/** Builds the contents of a certificate object, gzip'ing the certificate when `compress` is set. */
export async function encodeCertificateObject(
  certificateDer: Uint8Array,
  options: { compress?: boolean } = {},
): Promise<Uint8Array> {
  const compress = options.compress ?? false;
  const body = compress ? await gzip(certificateDer) : certificateDer;
  return encodeTlvs([
    { tag: 0x70, value: body },
    { tag: 0x71, value: Uint8Array.of(compress ? CERT_INFO.GZIP : CERT_INFO.UNCOMPRESSED) },
    { tag: 0xfe, value: new Uint8Array(0) },
  ]);
}

/** Reads a certificate object's contents: the DER certificate, gunzipped when CertInfo is 01. */
export async function decodeCertificateObject(
  contents: Uint8Array,
): Promise<{ certificate: Uint8Array; compressed: boolean }> {
  const tlvs = decodeTlv(contents, { allowPadding: true });
  const cert = tlvs.find((t) => t.tag === 0x70);
  if (!cert) throw pivError('RESPONSE_INVALID', 'the certificate object has no certificate (70)');
  const info = tlvs.find((t) => t.tag === 0x71)?.value[0] ?? CERT_INFO.UNCOMPRESSED;
  const compressed = (info & 0x01) === CERT_INFO.GZIP;
  return { certificate: compressed ? await gunzip(cert.value) : cert.value, compressed };
}
