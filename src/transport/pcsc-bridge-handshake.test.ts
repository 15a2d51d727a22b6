/**
 * The pairing handshake (CPace, pcsc-bridge-handshake.ts) between an honest page and an honest bridge,
 * and what a rogue on either side can do with a recorded pairing transcript: nothing offline.
 *
 * The offline attack is run, not argued: a rogue page that knows its own secret scalar records the
 * bridge's share and confirmation tag, then tests candidate codes by redoing the page's side with each
 * candidate and its own scalar, and checking the bridge's tag. Each candidate costs a CPace computation
 * (about 7 ms here; all 10^6 codes would take about two hours), so the test tries a sample: the true
 * code, the attacker's own guess and 300 random codes. The true code is the candidate that matters: if
 * the transcript cannot confirm even it, no sweep can find it. A positive control runs the same attack on
 * a transcript whose guess was right, and on a code-keyed MAC, and must find the code.
 */
import { createHmac, randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HANDSHAKE_NONCE_BYTES, respond, startInitiator, type RandomBytes } from './pcsc-bridge-handshake';

const ORIGIN = 'https://keyward.example';
const nonce = () => crypto.getRandomValues(new Uint8Array(HANDSHAKE_NONCE_BYTES));
/** An attacker's random source: fixed, so it knows the scalar it used. */
const fixed =
  (seed: number): RandomBytes =>
  (n) =>
    new Uint8Array(n).fill(seed);
const codeOf = (n: number) => String(n).padStart(6, '0');

/** What a rogue page holds after one run against the honest bridge. */
interface RoguePageTranscript {
  readonly bridgeNonce: Uint8Array;
  readonly pageNonce: Uint8Array;
  readonly bridgeShare: Uint8Array;
  readonly bridgeTag: Uint8Array;
}

/** One pairing run of a rogue page (guessing `guess`, with scalar from `seed`) against a bridge that printed `code`. */
function roguePageRun(code: string, guess: string, seed: number): RoguePageTranscript {
  const bridgeNonce = nonce();
  const pageNonce = nonce();
  const page = startInitiator(guess, ORIGIN, bridgeNonce, pageNonce, fixed(seed));
  const bridge = respond(code, ORIGIN, bridgeNonce, pageNonce, page.share)!;
  return { bridgeNonce, pageNonce, bridgeShare: bridge.share, bridgeTag: bridge.tag };
}

/** The offline test of one candidate: the page's side redone with `candidate` and the attacker's scalar. */
const confirms = (t: RoguePageTranscript, candidate: string, seed: number): boolean =>
  startInitiator(candidate, ORIGIN, t.bridgeNonce, t.pageNonce, fixed(seed)).finish(t.bridgeShare, t.bridgeTag) !==
  null;

describe('pairing the page with the bridge (CPace)', () => {
  it('agrees on one 256-bit key when both use the printed code, and each side checks the other', () => {
    const [bridgeNonce, pageNonce] = [nonce(), nonce()];
    const page = startInitiator('042917', ORIGIN, bridgeNonce, pageNonce);
    const bridge = respond('042917', ORIGIN, bridgeNonce, pageNonce, page.share)!;
    const mine = page.finish(bridge.share, bridge.tag)!;
    expect(mine.key).toHaveLength(32);
    expect(bridge.confirm(mine.tag)).toEqual(mine.key);
    expect(bridge.confirm(bridge.tag)).toBeNull(); // the bridge's own tag is not the page's
  });

  it('fails on both sides with a wrong code, for another origin, and for an invalid share', () => {
    const [bridgeNonce, pageNonce] = [nonce(), nonce()];
    const page = startInitiator('042917', ORIGIN, bridgeNonce, pageNonce);
    const wrong = respond('042918', ORIGIN, bridgeNonce, pageNonce, page.share)!;
    expect(page.finish(wrong.share, wrong.tag)).toBeNull();
    const otherOrigin = respond('042917', 'https://evil.example', bridgeNonce, pageNonce, page.share)!;
    expect(page.finish(otherOrigin.share, otherOrigin.tag)).toBeNull();
    expect(respond('042917', ORIGIN, bridgeNonce, pageNonce, new Uint8Array(32))).toBeNull(); // G.I
    expect(page.finish(new Uint8Array(32), wrong.tag)).toBeNull();
  });

  it('gives a rogue page no candidate it can confirm offline, not even the true code', () => {
    const code = codeOf(randomInt(0, 1_000_000));
    const guess = codeOf((Number(code) + 1 + randomInt(0, 999_998)) % 1_000_000);
    const transcript = roguePageRun(code, guess, 7);
    const sample = new Set([code, guess]);
    while (sample.size < 302) sample.add(codeOf(randomInt(0, 1_000_000)));
    const confirmed = [...sample].filter((c) => confirms(transcript, c, 7));
    expect(confirmed).toEqual([]);
  }, 60_000);

  it('positive controls: the same offline attack finds the code when the run guessed right, and from a code-keyed MAC', () => {
    const code = codeOf(randomInt(0, 1_000_000));
    const lucky = roguePageRun(code, code, 9);
    expect(confirms(lucky, code, 9)).toBe(true);
    expect(confirms(lucky, codeOf((Number(code) + 1) % 1_000_000), 9)).toBe(false);

    // A design without a PAKE: the bridge answers HMAC(code, nonces). All 10^6 candidates, about a second.
    const [bridgeNonce, pageNonce] = [nonce(), nonce()];
    const mac = (c: string) => createHmac('sha256', c).update(bridgeNonce).update(pageNonce).digest('hex');
    const recorded = mac(code);
    const found: string[] = [];
    for (let n = 0; n < 1_000_000; n++) if (mac(codeOf(n)) === recorded) found.push(codeOf(n));
    expect(found).toEqual([code]);
  }, 60_000);

  it('gives a rogue bridge nothing to test: the page checks its tag first and sends none of its own', () => {
    const [bridgeNonce, pageNonce] = [nonce(), nonce()];
    const page = startInitiator('042917', ORIGIN, bridgeNonce, pageNonce);
    const rogue = respond('111111', ORIGIN, bridgeNonce, pageNonce, page.share, fixed(3))!;
    expect(page.finish(rogue.share, rogue.tag)).toBeNull(); // so the page sends no pair-confirm tag
    expect(page.finish(rogue.share, new Uint8Array(64))).toBeNull(); // nor for a bridge that "accepts anything"
  });
});
