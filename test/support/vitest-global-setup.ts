/**
 * Vitest global setup: one local CA and `localhost` certificate for every test process. Test workers are
 * forked after this runs, so NODE_EXTRA_CA_CERTS makes Node's fetch trust the emulators' https servers,
 * exactly as the demo does; `testTls()` (test-tls.ts) hands the certificate to servers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalTls } from '../../demo/local-tls';

export default async function setup(): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-test-tls-'));
  const tls = await createLocalTls(2);
  writeFileSync(join(dir, 'ca.pem'), tls.caPem);
  writeFileSync(join(dir, 'tls.json'), JSON.stringify(tls), { mode: 0o600 });
  process.env.NODE_EXTRA_CA_CERTS = join(dir, 'ca.pem');
  process.env.KEYWARD_TEST_TLS = join(dir, 'tls.json');
  return () => rmSync(dir, { recursive: true, force: true });
}
