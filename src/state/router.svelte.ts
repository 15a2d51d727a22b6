/**
 * Hash routing for the shell (`#/lifecycle`, `#/options/connections/entra`, …). Hash routes need no
 * server rewrites and reload offline from the service worker's precached index.html.
 */

/** The screens of the shell, in navigation order. */
export const ROUTES = [
  { path: '/lifecycle', label: 'Lifecycle' },
  { path: '/templates', label: 'Templates' },
  { path: '/options/connections/entra', label: 'Entra ID', group: 'Options' },
  { path: '/options/connections/smtp', label: 'SMTP', group: 'Options' },
  { path: '/options/connections/data-export', label: 'Data Export', group: 'Options' },
  { path: '/options/security', label: 'Security', group: 'Options' },
  { path: '/actions/unblock', label: 'Smart Card Unblock', group: 'Actions' },
  { path: '/actions/batch-tap', label: 'Batch TAP', group: 'Actions' },
  { path: '/audit', label: 'Audit' },
] as const;

export type RoutePath = (typeof ROUTES)[number]['path'];

const DEFAULT_ROUTE: RoutePath = '/lifecycle';

/** The route `hash` names, or null for a bare address or an unknown hash. */
function parse(hash: string): RoutePath | null {
  const path = hash.replace(/^#/, '');
  return ROUTES.find((r) => r.path === path)?.path ?? null;
}

/** Called when the route changes, with the route left behind. */
export type RouteListener = (to: RoutePath, from: RoutePath) => void;

/** The current route, following `location.hash`. */
export class RouterState {
  path = $state<RoutePath>(DEFAULT_ROUTE);
  /** Whether the address named this route; false for a bare `/` (or an unknown hash) showing the default. */
  named = $state(false);
  #listeners: RouteListener[] = [];
  readonly #win: Pick<Window, 'location' | 'addEventListener'>;

  constructor(win: Pick<Window, 'location' | 'addEventListener'> = window) {
    this.#win = win;
    this.#follow();
    win.addEventListener('hashchange', () => this.#follow());
  }

  /** Shows `path`, as following a link to it would (the address changes too). */
  go(path: RoutePath): void {
    this.#win.location.hash = `#${path}`;
    this.#follow();
  }

  /** Calls `listener` on every change of route (not for a hash that names the route already shown). */
  onChange(listener: RouteListener): void {
    this.#listeners.push(listener);
  }

  #follow(): void {
    const named = parse(this.#win.location.hash);
    this.named = named !== null;
    this.#go(named ?? DEFAULT_ROUTE);
  }

  #go(to: RoutePath): void {
    const from = this.path;
    if (to === from) return;
    this.path = to;
    for (const listener of this.#listeners) listener(to, from);
  }
}
