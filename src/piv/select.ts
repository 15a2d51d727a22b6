/**
 * SELECT of the PIV card application (SP 800-73-4 Part 2 §3.1.1; ISO 7816-4 §11.2.2).
 *
 *   00 A4 04 00 05 A0 00 00 03 08 00     CLA INS P1 = select by DF name, P2 = first/only, Lc, AID, Le 00
 *
 * Response: the application property template (Part 2 §3.1.1, Table 3):
 *   61 L                                  application property template
 *     4F L  PIX of the application        e.g. 00 00 10 00 01 00 (the AID's PIX, version 01 00)
 *     79 L  coexistent tag allocation authority { 4F L AID }   (the NIST RID A0 00 00 03 08)
 *     50 L  application label (text)      optional
 *     5F50 L uniform resource locator      optional
 *     AC L  cryptographic algorithms supported { 80 01 alg … 06 01 00 }   optional
 */
import { toHex } from '../bytes';
import { isAppError } from '../app-error';
import { findTlv, decodeTlv } from '../apdu/tlv';
import { okData, pivApdu, type PivCommand } from './command';
import { PIV_AID, PIV_INS } from './constants';
import { pivError, pivErrorForStatus } from './errors';

/** What SELECT PIV tells about the application. */
export interface ApplicationProperties {
  /** Hex of the PIX / AID returned in 4F (empty when the card sent no template). */
  readonly applicationId: string;
  /** The application label (50), if any. */
  readonly label?: string;
  /** Algorithm identifiers listed under AC/80, if any. */
  readonly algorithms: readonly number[];
  /** Hex of the coexistent tag allocation authority's AID (79/4F), if any. */
  readonly tagAllocationAuthority?: string;
}

/** Parses the application property template; an empty body (some cards) gives empty properties. */
export function parseApplicationProperties(data: Uint8Array): ApplicationProperties {
  if (data.length === 0) return { applicationId: '', algorithms: [] };
  const top = decodeTlv(data, { allowPadding: true });
  const apt = top.find((t) => t.tag === 0x61);
  if (!apt) throw pivError('RESPONSE_INVALID', 'SELECT PIV answered without an application property template (61)');
  const inner = decodeTlv(apt.value);
  const aid = inner.find((t) => t.tag === 0x4f);
  const label = inner.find((t) => t.tag === 0x50);
  const authority = inner.find((t) => t.tag === 0x79);
  const algs = inner.find((t) => t.tag === 0xac);
  const authorityAid = authority ? findTlv(authority.value, 0x4f) : undefined;
  return {
    applicationId: aid ? toHex(aid.value) : '',
    ...(label ? { label: new TextDecoder().decode(label.value) } : {}),
    algorithms: algs
      ? decodeTlv(algs.value)
          .filter((t) => t.tag === 0x80 && t.value.length === 1)
          .map((t) => t.value[0]!)
      : [],
    ...(authorityAid ? { tagAllocationAuthority: toHex(authorityAid.value) } : {}),
  };
}

/** SELECT the PIV application. 6A82 (no such application) → `NOT_PIV`. */
export const selectPiv: PivCommand<void, ApplicationProperties> = {
  operation: 'select',
  getApdu: () => pivApdu(PIV_INS.SELECT, 0x04, 0x00, { data: PIV_AID, le: 256 }),
  parseResponse(r) {
    if (r.sw === 0x6a82)
      throw pivError(
        'NOT_PIV',
        'the card has no PIV application (SELECT answered 6A82)',
        { sw: r.sw },
        pivErrorForStatus(r.sw, 'select'),
      );
    const data = okData(r, 'select');
    try {
      return parseApplicationProperties(data);
    } catch (e) {
      if (isAppError(e, 'piv')) throw e;
      throw pivError('RESPONSE_INVALID', 'SELECT PIV answered a malformed application property template', {}, e);
    }
  },
};
