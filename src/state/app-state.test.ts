/** The composition's route hooks, over the real state classes and fake-indexeddb (no operator signed in). */
import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { fakeWindow } from '../../test/state/fake-window';
import { appendAudit } from '../store/audit';
import { followRoutes, type AppState } from './app-state';
import { AuditState } from './audit.svelte';
import { CardTemplatesState } from './card-templates.svelte';
import { ExportTemplatesState } from './export-templates.svelte';
import { LifecycleState } from './lifecycle.svelte';
import { NetworkState } from './network.svelte';
import { ReaderState } from './readers.svelte';
import { RouterState } from './router.svelte';
import { SecurityState, StaleTabState } from './security.svelte';
import { SessionState } from './session.svelte';
import { UnblockState } from './unblock.svelte';
import type { ServicePorts } from './lifecycle.svelte';
import { onlineTemplateStore } from '../workflows/online-templates';
import { relayAuditLog, relayCardRegistry } from '../workflows/ports';

/** The composition root's ports (src/main.ts); no operator signs in here, so they are never reached. */
const ports: ServicePorts = (op) => ({
  registry: relayCardRegistry(op.relay()),
  audit: relayAuditLog(op.relay()),
  templates: onlineTemplateStore(op.relay()),
});

function buildApp(win: ReturnType<typeof fakeWindow>): AppState {
  const session = new SessionState();
  const readers = new ReaderState();
  return {
    session,
    router: new RouterState(win as unknown as Window),
    network: new NetworkState(win),
    readers,
    exportTemplates: new ExportTemplatesState(),
    cardTemplates: new CardTemplatesState(session, readers),
    lifecycle: new LifecycleState(session, readers, ports),
    unblock: new UnblockState(session, ports),
    audit: new AuditState(),
    security: new SecurityState(),
    staleTab: new StaleTabState(),
  };
}

// Loads finish asynchronously; wait for what should happen rather than for a fixed time (CI can be slow).
const eventually = (check: () => void) => vi.waitFor(check, { timeout: 10_000, interval: 10 });

describe('followRoutes', () => {
  it('loads each screen as the operator comes to it', async () => {
    await appendAudit({
      at: '2026-01-01T00:00:00.000Z',
      actor: { oid: 'op-1', name: 'Aisha Operator', upn: 'aisha@contoso.example' },
      action: 'tap.create',
      target: { userId: 'u-1', upn: 'ben@contoso.example' },
      outcome: 'success',
    });
    const win = fakeWindow('#/templates');
    const app = buildApp(win);
    followRoutes(app);
    await eventually(() => expect(app.cardTemplates.loaded).toBe(true));
    expect(app.audit.records).toEqual([]);
    expect(app.security.loaded).toBe(false);

    win.go('#/audit');
    await eventually(() => expect(app.audit.records.map((r) => r.action)).toEqual(['tap.create']));
    win.go('#/options/security');
    await eventually(() => expect(app.security.loaded).toBe(true));
    expect(app.security.key).toBeNull();
  });

  it('drops a shown pass and a Lifecycle summary as the operator leaves their pages', async () => {
    const win = fakeWindow('#/actions/unblock');
    const app = buildApp(win);
    followRoutes(app);
    const pass = { id: 'tap-1', temporaryAccessPass: 'secret-code' } as never;
    app.unblock.issued = { tap: pass, delivery: null };
    app.unblock.codeShown = true;
    win.go('#/lifecycle');
    expect(app.unblock.issued).toBeNull();
    expect(app.unblock.codeShown).toBe(false);

    app.lifecycle.panel = 'activate';
    win.go('#/audit');
    expect(app.lifecycle.panel).toBeNull();
  });
});
