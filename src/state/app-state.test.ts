/**
 * The composition's route hooks over the real state classes, a real session (the Entra emulator signs
 * the seeded people in; test/state/signed-in-operator.ts) and the real relay answering whoami and the
 * audit trail (test/support/tenant-relay.ts): a screen loads only when it is on the address and the
 * signed-in person's roles open it, and forgets what it showed when they leave or sign out.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeWindow } from '../../test/state/fake-window';
import { fakeMsalAdapter, startTenant, type TestTenant } from '../../test/state/signed-in-operator';
import { serveTenantRelay, type TenantRelay } from '../../test/support/tenant-relay';
import { followRoutes, type AppState } from './app-state';
import { AuditState } from './audit.svelte';
import { CardTemplatesState } from './card-templates.svelte';
import { ExportTemplatesState } from './export-templates.svelte';
import { LegacyUploadState } from './legacy-upload.svelte';
import { LifecycleState } from './lifecycle.svelte';
import { NetworkState } from './network.svelte';
import { ReaderState } from './readers.svelte';
import { RouterState } from './router.svelte';
import { SecurityState, StaleTabState } from './security.svelte';
import { SessionState } from './session.svelte';
import { UnblockState } from './unblock.svelte';
import { BatchTapState } from './batch-tap.svelte';
import { RelayTemplateStore } from '../workflows/template-store';
import type { ServicePorts } from './lifecycle.svelte';
import { relayAuditLog, relayCardRegistry } from '../workflows/ports';
import { relayCardSecrets } from '../workflows/relay-card-secrets';

vi.mock('../entra/msal-adapter', () => fakeMsalAdapter);

let tenant: TestTenant;
let relay: TenantRelay;
beforeAll(async () => {
  tenant = await startTenant();
  relay = await serveTenantRelay(tenant);
}, 60_000);
afterAll(async () => {
  await relay?.close();
  await tenant?.emulator.close();
});
beforeEach(() => tenant.signInNext(null));

/** The app as src/main.ts builds it, at the address `hash`, following its routes. */
function buildApp(hash: string): { app: AppState; win: ReturnType<typeof fakeWindow> } {
  const win = fakeWindow(hash);
  const session = new SessionState();
  session.deployment = tenant.deployment;
  const readers = new ReaderState();
  const relay = () => session.operator?.relay() ?? null;
  const templates = new RelayTemplateStore(relay);
  const isAdministrator = () => session.access.mayAdminister;
  // The composition root's ports (src/main.ts), over the relay the tenant serves.
  const ports: ServicePorts = (op) => ({
    registry: relayCardRegistry(op.relay()),
    audit: relayAuditLog(op.relay()),
    templates,
    secrets: relayCardSecrets(op.relay()),
  });
  const app: AppState = {
    session,
    router: new RouterState(win as unknown as Window),
    network: new NetworkState(win),
    readers,
    exportTemplates: new ExportTemplatesState(templates, isAdministrator),
    cardTemplates: new CardTemplatesState(session, readers, templates, isAdministrator),
    lifecycle: new LifecycleState(session, readers, ports),
    unblock: new UnblockState(session, ports),
    batchTap: new BatchTapState(session, ports, (e) => e.message),
    audit: new AuditState(relay),
    security: new SecurityState(templates),
    staleTab: new StaleTabState(),
    legacyUpload: new LegacyUploadState(relay, templates, isAdministrator),
  };
  followRoutes(app);
  return { app, win };
}

// Loads finish asynchronously; wait for what should happen rather than for a fixed time (CI can be slow).
const eventually = (check: () => void) => vi.waitFor(check, { timeout: 10_000, interval: 10 });

describe('followRoutes', () => {
  it('loads nothing while signed out, then the screens the roles open as the person comes to them', async () => {
    const { app, win } = buildApp('#/templates');
    await app.session.init();
    win.go('#/options/security');
    expect(app.session.phase).toBe('signed-out');
    expect([app.cardTemplates.loaded, app.security.loaded]).toEqual([false, false]);

    tenant.signInNext('Aisha Operator');
    await app.session.signIn();
    expect(app.session.access).toMatchObject({ mayOperate: true, mayAdminister: true, mayAudit: false });
    await eventually(() => expect(app.security.loaded).toBe(true));
    win.go('#/templates');
    await eventually(() => expect(app.cardTemplates.loaded).toBe(true));
    // Aisha is no auditor: the Audit screen stays closed and asks the relay nothing.
    win.go('#/audit');
    await new Promise((r) => setTimeout(r, 100));
    expect([app.audit.loaded, app.audit.loading]).toEqual([false, false]);
  });

  it('lands an auditor who opens the bare address on Audit, and reads the trail from the relay', async () => {
    tenant.signInNext('Grace Reader', true);
    const { app } = buildApp('');
    await app.session.init();
    expect(app.router.path).toBe('/audit');
    await eventually(() => expect(app.audit.loaded).toBe(true));
    expect(app.audit.error).toBeNull();
  });

  it('keeps the address a person asked for, even when their roles do not open it', async () => {
    tenant.signInNext('Grace Reader', true);
    const { app } = buildApp('#/lifecycle');
    await app.session.init();
    expect(app.router.path).toBe('/lifecycle');
    expect(app.session.access.mayOperate).toBe(false);
  });

  it('drops a shown pass and a Lifecycle panel as the operator leaves their pages or signs out', async () => {
    tenant.signInNext('Aisha Operator', true);
    const { app, win } = buildApp('#/actions/unblock');
    await app.session.init();
    const pass = { id: 'tap-1', temporaryAccessPass: 'secret-code' } as never;
    app.unblock.issued = { tap: pass, delivery: null };
    app.unblock.codeShown = true;
    win.go('#/lifecycle');
    expect(app.unblock.issued).toBeNull();
    expect(app.unblock.codeShown).toBe(false);

    app.lifecycle.panel = 'activate';
    await app.session.signOut();
    expect(app.lifecycle.panel).toBeNull();
  });
});
