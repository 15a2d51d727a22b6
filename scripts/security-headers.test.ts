import { describe, expect, it } from 'vitest';
import { securityHeaders } from './security-headers';

describe('security headers', () => {
  const h = securityHeaders({ connectSrc: ['https://login.microsoftonline.com', 'https://relay.example'] });
  const csp = Object.fromEntries(h['Content-Security-Policy']!.split('; ').map((d) => [d.split(' ')[0], d]));

  it('isolates the app as an Isolated Web App requires', () => {
    expect(h['Cross-Origin-Opener-Policy']).toBe('same-origin');
    expect(h['Cross-Origin-Embedder-Policy']).toBe('require-corp');
    expect(h['Cross-Origin-Resource-Policy']).toBe('same-origin');
  });

  it('allows no inline script or style, and enforces Trusted Types with only our policies', () => {
    expect(csp['script-src']).toBe("script-src 'self'");
    expect(csp['style-src']).toBe("style-src 'self'");
    expect(csp['require-trusted-types-for']).toBe("require-trusted-types-for 'script'");
    expect(csp['trusted-types']).toBe('trusted-types svelte-trusted-html keyward-sw');
  });

  it('connects only to itself and the listed services', () => {
    expect(csp['connect-src']).toBe("connect-src 'self' https://login.microsoftonline.com https://relay.example");
    expect(csp['frame-src']).toBe("frame-src 'none'");
  });
});
