/**
 * A private CA and a server certificate for chosen DNS names, for SMTP TLS tests that need a CA the
 * test process does not already trust (vitest-global-setup.ts trusts its own through NODE_EXTRA_CA_CERTS)
 * or a certificate for another name than `localhost`.
 */
import { createLocalTls, type LocalTls } from '../../demo/local-tls';

/** A new CA (`caPem`) and a certificate it signed for `names` (`certPem`, `keyPem`), valid for a day. */
export function namedTls(names: readonly string[]): Promise<LocalTls> {
  return createLocalTls(1, {
    caName: 'CN=Keyward test private CA',
    subject: `CN=${names[0]}`,
    altNames: names.map((value) => ({ type: 'dns' as const, value })),
  });
}
