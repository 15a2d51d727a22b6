/**
 * CPace over ristretto255 against the CFRG draft's own test vectors (draft-irtf-cfrg-cpace, appendix
 * "Test vector for CPace using group ristretto255 and hash SHA-512"), and its abort cases. Some revisions
 * of the draft print a ristretto255 generator that no RFC 9496 one-way map produces (9c571217… for the
 * hash a5ce446f…); these are the vectors of the revisions whose generator (5e25411c…) is RFC 9496's.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../bytes';
import {
  calculateGenerator,
  cpaceMessage,
  generatorString,
  intermediateSessionKey,
  prefixFreeCat,
  prependLen,
  sampleScalar,
  scalarMult,
  scalarMultVfy,
} from './pcsc-bridge-pake';

const hex = (s: string) => fromHex(s.replace(/\s+/g, ''));
const lower = (b: Uint8Array) => toHex(b, { lower: true });
/** A scalar as the vectors print it: little-endian bytes. */
const scalarLE = (s: string) => hex(s).reduceRight((acc, b) => (acc << 8n) | BigInt(b), 0n);
const ascii = (s: string) => new TextEncoder().encode(s);

const PRS = ascii('Password');
const CI = hex('0a41696e69746961746f720a42726573706f6e646572');
const SID = hex('7e4b4791d6a8ef019b936c79fb7f2c57');
const YA = scalarLE('da3d23700a9e5699258aef94dc060dfda5ebb61f02a5ea77fad53f4ff0976d08');
const YB = scalarLE('d2316b454718c35362d83d69df6320f38578ed5984651435e2949762d900b80d');

describe('CPace string utilities (appendix test vectors)', () => {
  it('prepends LEB128 lengths', () => {
    expect(lower(prependLen(new Uint8Array(0)))).toBe('00');
    expect(lower(prependLen(ascii('1234')))).toBe('0431323334');
    expect(lower(prependLen(Uint8Array.from({ length: 128 }, (_, i) => i)).slice(0, 3))).toBe('800100');
    expect(lower(prefixFreeCat(ascii('1234'), ascii('5'), new Uint8Array(0), ascii('6789')))).toBe(
      '04313233340135000436373839',
    );
  });
});

describe('CPACE-RISTR255-SHA512 test vectors', () => {
  it('derives the generator string and the generator', () => {
    const gen = generatorString(PRS, CI, SID);
    expect(gen.length).toBe(168);
    expect(lower(gen.slice(0, 28))).toBe('11435061636552697374726574746f3235350850617373776f726464');
    expect(lower(gen.slice(-40))).toBe(
      '160a41696e69746961746f720a42726573706f6e646572107e4b4791d6a8ef019b936c79fb7f2c57',
    );
    expect(lower(calculateGenerator(PRS, CI, SID).toBytes())).toBe(
      '5e25411ca1ad7c9debfd0b33ad987a95cefef2d3f15dcc8bd26415a5dfe2e15a',
    );
  });

  it('computes Ya, Yb, the shared K and the initiator-responder ISK', () => {
    const g = calculateGenerator(PRS, CI, SID);
    const Ya = scalarMult(YA, g);
    const Yb = scalarMult(YB, g);
    expect(lower(Ya)).toBe('383a85dd236978f17f8c8545b50dabc52a39fcdab2cf8bc531ce040ff77ca82d');
    expect(lower(Yb)).toBe('a6206309c0e8e5f579295e35997ac4300ab3fecec3c17f7b604f3e698fa1383c');
    const msgA = cpaceMessage(Ya, ascii('ADa'));
    const msgB = cpaceMessage(Yb, ascii('ADb'));
    expect(lower(msgA)).toBe('20383a85dd236978f17f8c8545b50dabc52a39fcdab2cf8bc531ce040ff77ca82d03414461');
    const K = scalarMultVfy(YA, Yb)!;
    expect(lower(K)).toBe('fa1d0318864e2cacb26875f1b791c9ae83204fe8359addb53e95a2e98893853f');
    expect(scalarMultVfy(YB, Ya)).toEqual(K);
    expect(lower(intermediateSessionKey(SID, K, msgA, msgB))).toBe(
      'e91ccb2c0f5e0d0993a33956e3be59754f3f2b07db57631f5394452ea2e7b435' +
        '4674eb1f5686c078462bf83bec72e8743df440108e638f3526d9b90e85be096f',
    );
  });

  it('answers G.I (null) for an encoding that does not decode and for the neutral element', () => {
    const s = scalarLE('7cd0e075fa7955ba52c02759a6c90dbbfc10e6d40aea8d283e407d88cf538a05');
    expect(lower(scalarMultVfy(s, hex('2c3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d654b4a51c'))!)).toBe(
      '7c13645fe790a468f62c39beb7388e541d8405d1ade69d1778c5fe3e7f6b600e',
    );
    expect(scalarMultVfy(s, hex('2b3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d654b4a51c'))).toBeNull();
    expect(scalarMultVfy(s, new Uint8Array(32))).toBeNull();
  });

  it('samples scalars below 2^252 and never zero', () => {
    let calls = 0;
    const y = sampleScalar((n) => (calls++ === 0 ? new Uint8Array(n) : new Uint8Array(n).fill(0xff)));
    expect(calls).toBe(2);
    expect(y).toBe(2n ** 252n - 1n);
  });
});
