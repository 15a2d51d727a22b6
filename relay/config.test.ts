import { describe, expect, it } from 'vitest';
import { isAppError } from '../src/app-error';
import { DEMO_RELAY_CLIENT_SECRET } from '../demo/entra-emulator/tenant';
import { DEMO_SPA_CLIENT_ID as EMULATOR_SPA_CLIENT_ID } from '../demo/entra-emulator/tenant';
import { DEMO_SPA_CLIENT_ID, describeConfig, loadConfig } from './config';
import {
  DEMO_ALLOWED_DOMAINS,
  DEMO_GRAPH_CLIENT_SECRET,
  DEMO_MAIL_FROM,
  DEMO_SMTP_URL,
  DEFAULT_DATA_DIR,
} from './config-values';

const GOOD = {
  TENANT_ID: '7F1C2B3A-4D5E-4F60-8A9B-0C1D2E3F4A5B',
  RELAY_CLIENT_ID: '3c9d8e7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f',
  ALLOWED_ORIGINS: 'https://keyward.contoso.example, http://localhost:5173',
  SMTP_URL: 'smtps://mailer:Pa55-w0rd@smtp.contoso.example:465',
  MAIL_FROM: 'Keyward <keyward@contoso.example>',
  ALLOWED_DOMAINS: 'Contoso.example,fabrikam.example',
  GRAPH_CLIENT_SECRET: 'Gr4ph~s3cret',
  SPA_CLIENT_IDS: '0DA58537-44b5-46fb-83f9-23649ede607e',
};

/** The problems listed by the BAD_CONFIG error for `env`. */
function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (isAppError(e, 'relay', 'BAD_CONFIG')) return e.fields.problems as string[];
    throw e;
  }
  throw new Error('expected BAD_CONFIG');
}

describe('loadConfig', () => {
  it("accepts the installed app's isolated-app://<Web Bundle ID> origin and refuses a malformed one", () => {
    const iwa = 'isolated-app://f6gmkrva6n2sn5z4k2u7kayzdgszkkvuksbsyl2csasxxuwb2lcqaaac';
    expect(loadConfig({ ...GOOD, ALLOWED_ORIGINS: `https://keyward.contoso.example,${iwa}` }).allowedOrigins).toEqual([
      'https://keyward.contoso.example',
      iwa,
    ]);
    const problems = problemsOf({ ...GOOD, ALLOWED_ORIGINS: `${iwa}/,isolated-app://SHORT` });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`got '${iwa}/'`),
        expect.stringContaining("got 'isolated-app://SHORT'"),
      ]),
    );
  });

  it('applies defaults and derives the issuer', () => {
    const c = loadConfig(GOOD);
    expect(c).toMatchObject({
      port: 8787,
      host: '127.0.0.1',
      tenantId: '7f1c2b3a-4d5e-4f60-8a9b-0c1d2e3f4a5b',
      authorityHost: 'login.microsoftonline.com',
      issuer: 'https://login.microsoftonline.com/7f1c2b3a-4d5e-4f60-8a9b-0c1d2e3f4a5b/v2.0',
      requiredScope: 'Mail.Send',
      operatorRole: 'Keyward.Operator',
      allowedOrigins: ['https://keyward.contoso.example', 'http://localhost:5173'],
      allowedDomains: ['contoso.example', 'fabrikam.example'],
      demo: false,
      graphClientSecret: 'Gr4ph~s3cret',
      graphBaseUrl: 'https://graph.microsoft.com',
      mailRatePerMinute: 30,
      smtpMaxConnections: 5,
      auditorRole: 'Keyward.Auditor',
      administratorRole: 'Keyward.Administrator',
      databaseUrl: undefined,
      databasePoolSize: 10,
      dataDir: DEFAULT_DATA_DIR,
      spaClientIds: ['0da58537-44b5-46fb-83f9-23649ede607e'],
      behindTlsProxy: false,
    });
  });

  it('takes an authority host with a port (the emulator)', () => {
    const c = loadConfig({ ...GOOD, AUTHORITY_HOST: 'localhost:8443', PORT: '0' });
    expect([c.issuer, c.port]).toEqual(['https://localhost:8443/7f1c2b3a-4d5e-4f60-8a9b-0c1d2e3f4a5b/v2.0', 0]);
  });

  it('lets DEMO=1 supply the SMTP catcher and sender', () => {
    const c = loadConfig({ ...GOOD, SMTP_URL: undefined, MAIL_FROM: '', DEMO: '1' });
    expect([c.smtpUrl, c.mailFrom, c.demo]).toEqual([DEMO_SMTP_URL, DEMO_MAIL_FROM, true]);
  });

  it('reports several bad values together, one clear message each', () => {
    const problems = problemsOf({
      ...GOOD,
      TENANT_ID: 'x',
      RELAY_CLIENT_ID: undefined,
      PORT: '99999',
      AUTHORITY_HOST: 'https://login.microsoftonline.com/',
      ALLOWED_ORIGINS: 'https://ok.example,https://bad.example/,*',
      MAIL_FROM: 'no-at-sign',
      ALLOWED_DOMAINS: 'ok.example,not a domain',
      DEMO: 'yes',
      REQUIRED_SCOPE: 'Mail Send',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        "TENANT_ID must be a GUID, got 'x'",
        'RELAY_CLIENT_ID is required (a GUID)',
        "PORT must be an integer from 0 to 65535, got '99999'",
        "AUTHORITY_HOST must be a host name with an optional port (no scheme or path), got 'https://login.microsoftonline.com/'",
        expect.stringContaining("got 'https://bad.example/'"),
        expect.stringContaining("got '*'"),
        expect.stringContaining('MAIL_FROM must be an address'),
        "ALLOWED_DOMAINS entries must be domain names, got 'not a domain'",
        "DEMO must be '1' or unset, got 'yes'",
        "REQUIRED_SCOPE must be a single word without spaces, got 'Mail Send'",
      ]),
    );
    expect(problems).toHaveLength(10);
  });

  it('requires ALLOWED_ORIGINS, and SMTP_URL, MAIL_FROM, ALLOWED_DOMAINS, GRAPH_CLIENT_SECRET and SPA_CLIENT_IDS outside demo mode', () => {
    const problems = problemsOf({ TENANT_ID: GOOD.TENANT_ID, RELAY_CLIENT_ID: GOOD.RELAY_CLIENT_ID });
    expect(problems).toHaveLength(6);
    expect(problems.join('\n')).toMatch(
      /ALLOWED_ORIGINS is required[\s\S]*SMTP_URL is required[\s\S]*MAIL_FROM is required[\s\S]*ALLOWED_DOMAINS is required[\s\S]*GRAPH_CLIENT_SECRET is required[\s\S]*SPA_CLIENT_IDS is required/,
    );
  });

  it('takes a list of Keyward client ids, and defaults to the emulator page registration in demo mode only', () => {
    const second = '55555555-6666-4777-8888-999999999999';
    expect(loadConfig({ ...GOOD, SPA_CLIENT_IDS: ` ${GOOD.SPA_CLIENT_IDS}, ${second} ` }).spaClientIds).toEqual([
      '0da58537-44b5-46fb-83f9-23649ede607e',
      second,
    ]);
    expect(problemsOf({ ...GOOD, SPA_CLIENT_IDS: 'keyward-spa' })).toEqual([
      "SPA_CLIENT_IDS must list GUIDs, got 'keyward-spa'",
    ]);
    expect(loadConfig({ ...GOOD, SPA_CLIENT_IDS: undefined, DEMO: '1' }).spaClientIds).toEqual([DEMO_SPA_CLIENT_ID]);
    // The embedded default's page is that registration in the emulator (demo/server.ts).
    expect(DEMO_SPA_CLIENT_ID).toBe(EMULATOR_SPA_CLIENT_ID);
  });

  it('refuses DEMO=1 on a non-loopback HOST, and plain HTTP there unless a TLS proxy is declared', () => {
    for (const HOST of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.0.0.2'])
      expect(loadConfig({ ...GOOD, HOST, DEMO: '1' }).host).toBe(HOST);
    for (const HOST of ['0.0.0.0', '::', '192.168.1.20', 'relay.contoso.example']) {
      expect(problemsOf({ ...GOOD, HOST, DEMO: '1', BEHIND_TLS_PROXY: '1' })).toEqual([
        `DEMO=1 serves the demo's defaults and may only listen on loopback, not HOST '${HOST}'`,
      ]);
      expect(problemsOf({ ...GOOD, HOST })).toEqual([
        expect.stringMatching(
          /is not loopback, and the relay itself speaks plain HTTP: put a reverse proxy that terminates TLS/,
        ),
      ]);
      expect(loadConfig({ ...GOOD, HOST, BEHIND_TLS_PROXY: '1' })).toMatchObject({ host: HOST, behindTlsProxy: true });
    }
    expect(problemsOf({ ...GOOD, BEHIND_TLS_PROXY: 'yes' })).toEqual([
      "BEHIND_TLS_PROXY must be '1' or unset, got 'yes'",
    ]);
  });

  it('lets DEMO=1 supply the recipient domain, the emulator secret and the emulator Graph', () => {
    const c = loadConfig({
      TENANT_ID: GOOD.TENANT_ID,
      RELAY_CLIENT_ID: GOOD.RELAY_CLIENT_ID,
      ALLOWED_ORIGINS: 'http://localhost:8080',
      AUTHORITY_HOST: 'localhost:8443',
      DEMO: '1',
    });
    expect([c.allowedDomains, c.graphClientSecret, c.graphBaseUrl]).toEqual([
      [...DEMO_ALLOWED_DOMAINS],
      DEMO_GRAPH_CLIENT_SECRET,
      'https://localhost:8443/graph',
    ]);
    // The emulator registers the relay app with the same secret.
    expect(DEMO_GRAPH_CLIENT_SECRET).toBe(DEMO_RELAY_CLIENT_SECRET);
  });

  it('checks the Graph base URL and the mail limits, and never echoes the Graph secret', () => {
    const problems = problemsOf({
      ...GOOD,
      GRAPH_BASE_URL: 'http://graph.example/',
      MAIL_RATE_PER_MINUTE: '0',
      SMTP_MAX_CONNECTIONS: 'many',
    });
    expect(problems).toEqual([
      expect.stringContaining('GRAPH_BASE_URL must be an https URL'),
      "MAIL_RATE_PER_MINUTE must be an integer from 1 to 100000, got '0'",
      "SMTP_MAX_CONNECTIONS must be an integer from 1 to 100, got 'many'",
    ]);
    expect(JSON.stringify(describeConfig(loadConfig(GOOD)))).not.toContain('Gr4ph');
  });

  it('never echoes the SMTP password, whatever is wrong with SMTP_URL', () => {
    for (const SMTP_URL of ['http://mailer:Pa55-w0rd@smtp.example', 'mailer:Pa55-w0rd@smtp.example:25 nonsense']) {
      const problems = problemsOf({ ...GOOD, SMTP_URL });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^SMTP_URL/);
      expect(problems[0]).not.toContain('Pa55');
    }
  });

  it('describes itself for logs without the SMTP credentials', () => {
    const described = JSON.stringify(describeConfig(loadConfig(GOOD)));
    expect(described).toContain('smtps://smtp.contoso.example:465');
    expect(described).not.toContain('Pa55');
    expect(described).not.toContain('mailer');
  });

  it('takes PostgreSQL from DATABASE_URL, or a PGlite data directory, and lists every bad database value', () => {
    const pg = loadConfig({ ...GOOD, DATABASE_URL: 'postgres://keyward:S3cr3t@db.contoso.example:5432/keyward' });
    expect(pg).toMatchObject({ databaseUrl: 'postgres://keyward:S3cr3t@db.contoso.example:5432/keyward' });
    expect(loadConfig({ ...GOOD, KEYWARD_DATA_DIR: '/var/lib/keyward' }).dataDir).toBe('/var/lib/keyward');
    const problems = problemsOf({
      ...GOOD,
      DATABASE_URL: 'mysql://keyward:S3cr3t@db',
      KEYWARD_DATA_DIR: '/var/lib/keyward',
      DATABASE_POOL_SIZE: '0',
      AUDITOR_ROLE: 'Keyward Auditor',
    });
    expect(problems).toEqual([
      "AUDITOR_ROLE must be a single word without spaces, got 'Keyward Auditor'",
      "DATABASE_URL must use postgres:// or postgresql://, got scheme 'mysql:'",
      "DATABASE_POOL_SIZE must be an integer from 1 to 1000, got '0'",
      'Set DATABASE_URL (PostgreSQL) or KEYWARD_DATA_DIR (embedded PGlite), not both',
    ]);
    expect(problemsOf({ ...GOOD, DATABASE_URL: 'not a url S3cr3t' })).toEqual([
      'DATABASE_URL is not a valid URL (value not shown: it may contain a password)',
    ]);
    const described = JSON.stringify(describeConfig(pg));
    expect(described).toContain('postgres://db.contoso.example:5432/keyward');
    expect(described).not.toContain('S3cr3t');
  });
});
