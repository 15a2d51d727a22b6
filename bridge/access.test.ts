/** The bridge's admission rules and pairing store, with a controlled clock and a scratch file. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  defaultPairingFile,
  PAIRING_LOCKOUT_MS,
  PAIRING_MAX_ATTEMPTS,
  PairingStore,
  parseOrigins,
  refuseUpgrade,
} from './access';

const dirs: string[] = [];
const scratch = () => {
  const d = mkdtempSync(join(tmpdir(), 'kw-access-'));
  dirs.push(d);
  return join(d, 'sub', 'pairings.json');
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('admission', () => {
  const allowed = ['https://keyward.example'];
  it('accepts an allowed origin on a loopback Host, refuses everything else', () => {
    expect(refuseUpgrade({ origin: 'https://keyward.example', host: '127.0.0.1:35990' }, allowed, 35990)).toBeNull();
    expect(refuseUpgrade({ origin: 'https://keyward.example', host: 'localhost:35990' }, allowed, 35990)).toBeNull();
    expect(
      refuseUpgrade({ origin: 'https://keyward.example', host: 'attacker.example:35990' }, allowed, 35990),
    ).toMatch(/rebinding/);
    expect(refuseUpgrade({ origin: 'https://keyward.example', host: '127.0.0.1:1234' }, allowed, 35990)).toMatch(
      /rebinding/,
    );
    expect(refuseUpgrade({ host: '127.0.0.1:35990' }, allowed, 35990)).toBe('no Origin header');
    expect(refuseUpgrade({ origin: 'https://keyward.example.evil', host: '127.0.0.1:35990' }, allowed, 35990)).toBe(
      'origin not allowed',
    );
    expect(refuseUpgrade({ origin: 'null', host: '127.0.0.1:35990' }, allowed, 35990)).toBe('origin not allowed');
  });

  it('parses bare origins and rejects paths', () => {
    expect(parseOrigins('https://a.example, http://localhost:8080/')).toEqual([
      'https://a.example',
      'http://localhost:8080',
    ]);
    expect(() => parseOrigins('https://a.example/app')).toThrow(/bare origin/);
  });

  it('keeps pairings in the per-user config directory of each OS', () => {
    expect(defaultPairingFile({ XDG_CONFIG_HOME: '/x' }, 'linux')).toBe('/x/keyward-bridge/pairings.json');
    expect(defaultPairingFile({ APPDATA: 'C:\\Users\\op\\AppData\\Roaming' }, 'win32')).toContain('keyward-bridge');
    expect(defaultPairingFile({}, 'darwin')).toMatch(/Library\/Application Support\/keyward-bridge\/pairings\.json$/);
  });
});

describe('PairingStore', () => {
  it('pairs with the offered code, persists it, and revokes it', () => {
    const file = scratch();
    const store = new PairingStore(file);
    const code = store.offerCode('https://a.example')!;
    expect(code).toMatch(/^\d{6}$/);
    expect(store.offerCode('https://a.example')).toBeNull(); // still valid: not printed again
    expect(store.tryPair('https://a.example', `${code.slice(0, 3)} ${code.slice(3)}`)).toBe('paired');
    expect(new PairingStore(file).isPaired('https://a.example')).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8')).pairings[0].origin).toBe('https://a.example');
    expect(store.revoke('https://a.example')).toBe(true);
    expect(new PairingStore(file).isPaired('https://a.example')).toBe(false);
  });

  it('locks an origin out after the maximum wrong codes, then offers a new code after the lockout', () => {
    let now = 1_000_000;
    const store = new PairingStore(scratch(), () => now);
    const code = store.offerCode('https://a.example')!;
    const wrong = code === '000000' ? '000001' : '000000';
    for (let i = 1; i < PAIRING_MAX_ATTEMPTS; i++) expect(store.tryPair('https://a.example', wrong)).toBe('wrong-code');
    expect(store.tryPair('https://a.example', wrong)).toBe('locked');
    expect(store.tryPair('https://a.example', code)).toBe('locked');
    expect(store.offerCode('https://a.example')).toBeNull();
    now += PAIRING_LOCKOUT_MS + 1;
    expect(store.tryPair('https://a.example', code)).toBe('wrong-code'); // the guessed-at code is dead
    const fresh = store.offerCode('https://a.example')!;
    expect(store.tryPair('https://a.example', fresh)).toBe('paired');
  });

  it('refuses a code for an origin that was never offered one', () => {
    expect(new PairingStore(scratch()).tryPair('https://b.example', '123456')).toBe('wrong-code');
  });
});
