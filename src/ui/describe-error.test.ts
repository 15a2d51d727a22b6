import { describe, expect, it, vi } from 'vitest';
import { AppError, toAppError } from '../app-error';
import { mapUsbError } from '../transport/usb-errors';
import { describeError } from './describe-error';

describe('describeError', () => {
  it('turns known codes into actionable sentences using the fields', () => {
    const e = new AppError('entra', 'AUTHORITY_UNREACHABLE', 'x', { authorityHost: 'localhost:8443' });
    expect(describeError(e)).toMatch(/localhost:8443 could not be reached/);
    expect(describeError(new AppError('entra', 'POPUP_BLOCKED', 'x'))).toMatch(/Allow pop-ups/);
  });

  it('lists the problems of invalid settings', () => {
    const e = new AppError('workflows', 'INVALID_SETTINGS', 'x', { problems: ['Tenant ID must be a GUID.'] });
    expect(describeError(e)).toBe('These settings cannot be saved: Tenant ID must be a GUID.');
  });

  it('falls back to the message for unknown codes and plain errors', () => {
    expect(describeError(new AppError('ccid', 'SOMETHING', 'The reader said no.'))).toBe('The reader said no.');
    expect(describeError(new Error('plain'))).toBe('plain');
    expect(describeError('text')).toBe('text');
  });

  it('says why a refused USB reader cannot be opened, and the way around it on Windows, macOS and Linux', () => {
    vi.stubGlobal('navigator', { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0' });
    const context = { operation: 'claimInterface', interfaceClass: 0x0b, vendorId: 0x04e6, productId: 0x5790 } as const;
    const refused = mapUsbError(new DOMException('protected', 'SecurityError'), context);
    expect(refused.message).not.toMatch(/Isolated Web App/);
    const words = describeError(refused);
    expect(words).toMatch(/^Chrome protects smart-card readers from web pages/);
    expect(words).toContain('On Windows, macOS and Linux, use the Keyward PC/SC bridge');
    expect(words).not.toContain('Chromebook');
    expect(words).toContain('vendor-specific USB interface');
    expect(words).toContain('Use the Keyward bridge');
    const yubikey = mapUsbError(new DOMException('blocked', 'SecurityError'), { ...context, operation: 'open' });
    expect(describeError(yubikey)).toMatch(/YubiKeys are on its WebUSB blocklist/);
    expect(describeError(yubikey)).toContain('Keyward PC/SC bridge');
    vi.unstubAllGlobals();
  });

  it('on ChromeOS names the installed app for managed Chromebooks instead of the bridge', () => {
    vi.stubGlobal('navigator', {
      userAgentData: { platform: 'Chrome OS' },
      userAgent: 'Mozilla/5.0 (X11; CrOS x86_64)',
    });
    const context = { operation: 'claimInterface', interfaceClass: 0x0b, vendorId: 0x04e6, productId: 0x5790 } as const;
    const words = describeError(mapUsbError(new DOMException('protected', 'SecurityError'), context));
    expect(words).toContain('On a Chromebook, use the installed Keyward app for ChromeOS, which reaches every reader');
    expect(words).toContain('your IT department installs it on managed Chromebooks');
    expect(words).not.toContain('PC/SC bridge on this computer');
    const yubikey = mapUsbError(new DOMException('blocked', 'SecurityError'), { ...context, operation: 'open' });
    expect(describeError(yubikey)).toContain('installed Keyward app for ChromeOS');
    vi.unstubAllGlobals();
  });

  it('names both ways around when the platform is not known', () => {
    const refused = new AppError('transport', 'PROTECTED_CLASS', 'Protected class.');
    const words = describeError(refused);
    expect(words).toContain('Keyward PC/SC bridge');
    expect(words).toContain('installed Keyward app for ChromeOS');
  });

  it('says the same about an empty reader whichever backend reports it', () => {
    const bridge = new AppError('transport', 'NO_CARD', 'There is no card in "Reader 0".', { bridge: true });
    expect(describeError(bridge)).toBe('There is no card in that reader. Insert one.');
  });

  it('wraps what was not an AppError with its own message and a next step', () => {
    expect(describeError(toAppError(new TypeError('Failed to fetch')))).toBe(
      'Something went wrong that Keyward did not expect: Failed to fetch. Try again; if it happens again, reload the page.',
    );
  });

  it('reads the relay’s codes, its request id, and an answer that did not come from the relay', () => {
    const guest = new AppError('relay-api', 'USER_IS_GUEST', 'x', { status: 403 });
    expect(describeError(guest)).toBe('This user is a guest in the tenant; the relay only writes to members.');
    const smtp = new AppError('relay-api', 'SMTP_UNCERTAIN', 'x', { status: 502, requestId: 'req-7' });
    expect(describeError(smtp)).toMatch(/may or may not have been delivered: check the mailbox.*request id req-7/);
    const proxy = new AppError('relay-api', 'HTTP_502', 'The relay answered HTTP 502.', { status: 502 });
    expect(describeError(proxy)).toMatch(/^The Keyward relay answered HTTP 502 without saying why/);
    expect(describeError(new AppError('relay-api', 'HTTPS_502', 'raw'))).toBe('raw');
  });

  it('says what TLS with the mail server failed on, and a stall apart from a refusal', () => {
    const tls = (tlsCause: string) => describeError(new AppError('relay-api', 'SMTP_TLS_FAILED', 'x', { tlsCause }));
    expect(tls('untrusted-certificate')).toMatch(/securely: its certificate is not signed by a CA the relay trusts\./);
    expect(tls('name-mismatch')).toMatch(/its certificate is for another host name/);
    expect(tls('no-starttls')).toMatch(/does not offer STARTTLS/);
    const stall = describeError(new AppError('relay-api', 'SMTP_TIMEOUT', 'x', { status: 502 }));
    expect(stall).toMatch(/stopped answering before the message was sent\. Nothing was sent/);
    const slow = new AppError('relay-api', 'RELAY_TIMEOUT', 'x', { relayUrl: 'https://r', timeoutSeconds: 45 });
    expect(describeError(slow)).toMatch(/^The Keyward relay at https:\/\/r gave no answer within 45 seconds/);
  });
});
