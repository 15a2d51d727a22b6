/**
 * Every state object the UI reads, built once by the composition root (src/main.ts) and handed to the
 * shell as one record; and what each screen loads when the operator comes to it, or forgets when they
 * leave. Components only show state: loading and clean-up follow the route here. A screen the person
 * may not open (state/access.ts) is never entered: nothing loads for a visitor who is signed out.
 */
import { homeRoute, mayOpen } from './access';
import type { AuditState } from './audit.svelte';
import type { BatchTapState } from './batch-tap.svelte';
import type { CardTemplatesState } from './card-templates.svelte';
import type { ExportTemplatesState } from './export-templates.svelte';
import type { LegacyUploadState } from './legacy-upload.svelte';
import type { LifecycleState } from './lifecycle.svelte';
import type { NetworkState } from './network.svelte';
import type { ReaderState } from './readers.svelte';
import { ROUTES, type RoutePath, type RouterState } from './router.svelte';
import type { SecurityState, StaleTabState } from './security.svelte';
import type { SessionState } from './session.svelte';
import type { UnblockState } from './unblock.svelte';

/** The app's state objects, one of each. */
export interface AppState {
  readonly session: SessionState;
  readonly router: RouterState;
  readonly network: NetworkState;
  readonly readers: ReaderState;
  /** Options > Connections > Data Export. */
  readonly exportTemplates: ExportTemplatesState;
  readonly cardTemplates: CardTemplatesState;
  readonly lifecycle: LifecycleState;
  readonly unblock: UnblockState;
  /** Actions > Batch TAP. */
  readonly batchTap: BatchTapState;
  readonly audit: AuditState;
  readonly security: SecurityState;
  /** What an older Keyward kept in this browser, uploaded once by an administrator. */
  readonly legacyUpload: LegacyUploadState;
  /** Raised when a newer Keyward in another tab took over the database. */
  readonly staleTab: StaleTabState;
}

/** What a screen's state does as the operator comes and goes (signing out counts as going). */
interface ScreenHooks {
  readonly enter?: (app: AppState) => Promise<void>;
  readonly leave?: (app: AppState) => void;
}

const SCREENS: Partial<Record<RoutePath, ScreenHooks>> = {
  // A summary (and the activation PIN in it) never outlives the page.
  '/lifecycle': { enter: (app) => app.lifecycle.enter(), leave: (app) => app.lifecycle.leave() },
  // Templates come from the relay (refreshed on each visit and at sign-in, the copy when it is unreachable);
  // data-export templates may have changed on their own screen; the TAP policy needs a signed-in operator.
  '/templates': {
    enter: (app) => Promise.all([app.cardTemplates.load(), app.cardTemplates.loadPolicy()]).then(() => undefined),
  },
  '/options/connections/data-export': {
    enter: (app) => app.exportTemplates.load(),
  },
  // The issued code must not outlive the page.
  '/actions/unblock': { enter: (app) => app.unblock.open(), leave: (app) => app.unblock.forget() },
  // A batch left running in the relay's store resumes when its operator comes back.
  '/actions/batch-tap': { enter: (app) => app.batchTap.open() },
  '/audit': { enter: (app) => app.audit.search(), leave: (app) => app.audit.forget() },
  '/options/security': { enter: (app) => app.security.load() },
};

/**
 * Loads the screen shown now, then follows route changes, sign-ins and sign-outs: a screen is entered
 * when it is on the address and the person may open it, and left when either stops being so. Failures
 * land in each state's own error field, so none is awaited here.
 */
export function followRoutes(app: AppState): void {
  let shown: RoutePath | null = null;
  const follow = () => {
    const next = mayOpen(app.session.access, app.router.path) ? app.router.path : null;
    if (next === shown) return;
    if (shown) SCREENS[shown]?.leave?.(app);
    shown = next;
    if (next) void SCREENS[next]?.enter?.(app);
  };
  follow();
  app.router.onChange(follow);
  app.session.onSignedIn(() => {
    // A bare address lands on the first screen the person may open (an auditor on Audit).
    const home = homeRoute(app.session.access, ROUTES);
    if (!app.router.named && home) app.router.go(home);
    follow();
  });
  app.session.onSignedOut(follow);
}
