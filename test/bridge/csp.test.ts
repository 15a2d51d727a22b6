/** The app's CSP lets the page reach the local PC/SC bridge only when asked to, and only on loopback. */
import { describe, expect, it } from 'vitest';
import { securityHeaders } from '../../scripts/security-headers';
import { BRIDGE_DEFAULT_PORT } from '../../src/transport/pcsc-bridge-protocol';

const connectSrc = (h: Record<string, string>) =>
  h['Content-Security-Policy']!.split('; ').find((d) => d.startsWith('connect-src'));

describe('CSP connect-src and the PC/SC bridge', () => {
  it('adds ws://127.0.0.1:<port> for the bridge port and nothing else', () => {
    const h = securityHeaders({ connectSrc: ['https://relay.example'], pcscBridgePort: BRIDGE_DEFAULT_PORT });
    expect(connectSrc(h)).toBe(`connect-src 'self' https://relay.example ws://127.0.0.1:${BRIDGE_DEFAULT_PORT}`);
  });

  it('leaves connect-src unchanged without the option', () => {
    expect(connectSrc(securityHeaders({ connectSrc: ['https://relay.example'] }))).toBe(
      "connect-src 'self' https://relay.example",
    );
  });
});
