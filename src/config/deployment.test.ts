import { describe, expect, it } from 'vitest';
import { entraSettingsProblems, parseDeploymentConfig } from './deployment';
import { isAppError } from '../app-error';

const GOOD = {
  entra: {
    tenantId: '11111111-2222-3333-4444-555555555555',
    clientId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    authorityHost: 'login.microsoftonline.com',
    graphBaseUrl: 'https://graph.microsoft.com',
    relayScope: 'api://ffffffff-0000-1111-2222-333333333333/Mail.Send',
  },
  relayUrl: 'https://relay.contoso.example',
};

describe('deployment configuration', () => {
  it('accepts a complete file', () => {
    expect(parseDeploymentConfig(GOOD)).toEqual(GOOD);
  });

  it('accepts an emulator authority with a port', () => {
    expect(entraSettingsProblems({ ...GOOD.entra, authorityHost: 'localhost:8443' })).toEqual([]);
  });

  it('reports every bad field at once, in words', () => {
    const bad = {
      entra: {
        tenantId: 'contoso',
        clientId: '',
        authorityHost: 'https://x/',
        graphBaseUrl: 'http://graph',
        relayScope: 'Mail.Send',
      },
      relayUrl: 'ftp://x',
    };
    try {
      parseDeploymentConfig(bad);
      expect.unreachable();
    } catch (e) {
      expect(isAppError(e, 'config', 'BAD_DEPLOYMENT_CONFIG')).toBe(true);
      const problems = (e as { fields: { problems: string[] } }).fields.problems;
      expect(problems).toHaveLength(6);
      expect(problems[0]).toMatch(/Tenant ID must be a GUID/);
      expect(problems.at(-1)).toMatch(/relayUrl/);
    }
  });

  it('takes an optional bridge port and refuses one that is not a port', () => {
    expect(parseDeploymentConfig({ ...GOOD, pcscBridgePort: 35990 }).pcscBridgePort).toBe(35990);
    for (const pcscBridgePort of [0, 65536, 1.5, '35990']) {
      expect(() => parseDeploymentConfig({ ...GOOD, pcscBridgePort })).toThrow(/pcscBridgePort must be a port number/);
    }
  });

  it('keeps tokens in sessionStorage unless the deployment chooses localStorage; refuses anything else', () => {
    expect(parseDeploymentConfig(GOOD).tokenCache).toBeUndefined();
    expect(parseDeploymentConfig({ ...GOOD, tokenCache: 'localStorage' }).tokenCache).toBe('localStorage');
    for (const tokenCache of ['memory', 'cookies', 1])
      expect(() => parseDeploymentConfig({ ...GOOD, tokenCache })).toThrow(/tokenCache must be "sessionStorage"/);
  });

  it('refuses a missing file body', () => {
    expect(() => parseDeploymentConfig(null)).toThrow(/Tenant ID/);
  });
});
