/** The bridge's admission rules. */
import { describe, expect, it } from 'vitest';
import { defaultPairingFile, parseOrigins, refuseUpgrade } from './access';

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
