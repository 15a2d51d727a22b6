/**
 * The world of the state tests that send email: the test tenant (test/state/signed-in-operator.ts), the
 * real relay at its deployment's address sending to an SMTP catcher on loopback
 * (test/support/tenant-relay.ts), and Aisha Operator signed in as this browser's remembered operator;
 * with the console's ports over that relay, as src/main.ts builds them.
 */
import { startSmtpCatcher, type SmtpCatcher } from '../../demo/smtp-catcher/index';
import type { ServicePorts } from '../../src/state/lifecycle.svelte';
import { SessionState } from '../../src/state/session.svelte';
import { relayAuditLog, relayCardRegistry } from '../../src/workflows/ports';
import { relayCardSecrets } from '../../src/workflows/relay-card-secrets';
import { RelayTemplateStore } from '../../src/workflows/template-store';
import { serveTenantRelay, type TenantRelay } from '../support/tenant-relay';
import { startTenant, type TestTenant } from './signed-in-operator';

/** The composition root's ports (src/main.ts), over the relay a test tenant serves. */
export const relayPorts: ServicePorts = (operator) => ({
  registry: relayCardRegistry(operator.relay()),
  audit: relayAuditLog(operator.relay()),
  templates: new RelayTemplateStore(() => operator.relay()),
  secrets: relayCardSecrets(operator.relay()),
});

/** A running mailing world. */
export interface MailingOperator {
  readonly tenant: TestTenant;
  readonly catcher: SmtpCatcher;
  readonly relay: TenantRelay;
  readonly session: SessionState;
  close(): Promise<void>;
}

/** Starts the world (in beforeAll; `close()` in afterAll). */
export async function startMailingOperator(): Promise<MailingOperator> {
  const tenant = await startTenant();
  const catcher = await startSmtpCatcher({ port: 0 });
  const relay = await serveTenantRelay(tenant, { SMTP_URL: `smtp://127.0.0.1:${catcher.smtpPort}` });
  tenant.signInNext('Aisha Operator', true);
  const session = new SessionState();
  session.deployment = tenant.deployment;
  await session.init();
  return {
    tenant,
    catcher,
    relay,
    session,
    close: async () => {
      await relay.close();
      await catcher.close();
      await tenant.emulator.close();
    },
  };
}
