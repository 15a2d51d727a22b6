/** The certificate made by vitest-global-setup.ts, which this test process already trusts. */
import { readFileSync } from 'node:fs';
import type { LocalTls } from '../../demo/local-tls';

/** The shared test certificate; throws when the global setup did not run. */
export function testTls(): LocalTls {
  const file = process.env.KEYWARD_TEST_TLS;
  if (!file)
    throw new Error('KEYWARD_TEST_TLS is not set: run the tests through Vitest (vitest.config.ts globalSetup).');
  return JSON.parse(readFileSync(file, 'utf8')) as LocalTls;
}
