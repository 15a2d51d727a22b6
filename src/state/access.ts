/**
 * What the signed-in person may do in the console, from the relay's answer to `GET /api/whoami`
 * (DESIGN.md "Users and roles"). The relay checks the same roles on every route; this module only decides
 * what the UI shows, so a person is not offered work the relay would refuse.
 *
 * - `Keyward.Operator`: Lifecycle (issue, activate, unblock, retire), Smart Card Unblock and TAPs.
 * - `Keyward.Administrator`: card and data-export templates, Options > Connections, Security (card keys)
 *   and configuration import.
 * - `Keyward.Auditor`: the Audit screen (read, export, verify).
 *
 * Other screens read {@link Access} through `SessionState.access` (a `$derived` of this module), e.g. a
 * template screen hides Publish unless `session.access.mayAdminister`.
 */
import type { OperatorProblem, OperatorProfile } from '../workflows/operator-session';
import type { RoutePath } from './router.svelte';

/** One of Keyward's app roles, by what it lets a person do. */
export type KeywardRole = 'operator' | 'administrator' | 'auditor';

/** The app roles' names as the relay's app registration defines them by default (relay/config.ts). */
export const ROLE_NAMES: Readonly<Record<KeywardRole, string>> = {
  operator: 'Keyward.Operator',
  administrator: 'Keyward.Administrator',
  auditor: 'Keyward.Auditor',
};

/** Where card holders without a Keyward role go: the self-service page (DESIGN.md "Self-service"). */
export const HOLDER_PAGE_URL = '/self-service/';

/** What the person in front of the console may do. Every flag is false while signed out. */
export interface Access {
  /** Someone is signed in (whether or not the relay has confirmed their roles). */
  readonly signedIn: boolean;
  /** The relay answered whoami, so the flags below are its word rather than a default. */
  readonly rolesKnown: boolean;
  /** Keyward.Operator: lifecycle operations, Smart Card Unblock, Temporary Access Passes. */
  readonly mayOperate: boolean;
  /** Keyward.Administrator: templates (edit, publish), connections, card keys, configuration import. */
  readonly mayAdminister: boolean;
  /** Keyward.Auditor: read, export and verify the audit trail. */
  readonly mayAudit: boolean;
}

/** Nobody signed in: nothing but the sign-in page and the demo's reader. */
export const SIGNED_OUT: Access = {
  signedIn: false,
  rolesKnown: false,
  mayOperate: false,
  mayAdminister: false,
  mayAudit: false,
};

/**
 * The access of a signed-in person whose whoami answer is `caller`; `null` when the relay could not be
 * asked (the person is signed in, but may do nothing until it answers).
 */
export function accessOf(caller: OperatorProfile['relay']): Access {
  return {
    signedIn: true,
    rolesKnown: caller !== null,
    mayOperate: caller?.isOperator ?? false,
    mayAdminister: caller?.isAdministrator ?? false,
    mayAudit: caller?.isAuditor ?? false,
  };
}

/** Whether `access` includes `role`. */
export function holds(access: Access, role: KeywardRole): boolean {
  switch (role) {
    case 'operator':
      return access.mayOperate;
    case 'administrator':
      return access.mayAdminister;
    case 'auditor':
      return access.mayAudit;
  }
}

/** Whether the person holds any Keyward role at all. */
export function holdsAnyRole(access: Access): boolean {
  return access.mayOperate || access.mayAdminister || access.mayAudit;
}

/** The role each screen of the console needs. A new route without a row here does not compile. */
export const ROUTE_ROLES: Readonly<Record<RoutePath, KeywardRole>> = {
  '/lifecycle': 'operator',
  '/actions/unblock': 'operator',
  '/actions/batch-tap': 'operator',
  '/templates': 'administrator',
  '/options/connections/entra': 'administrator',
  '/options/connections/smtp': 'administrator',
  '/options/connections/data-export': 'administrator',
  '/options/security': 'administrator',
  '/audit': 'auditor',
};

/** What the console shows at a route instead of (or as) the screen there. */
export type RouteVerdict =
  /** The screen itself. */
  | { readonly kind: 'allowed' }
  /** The sign-in page (with the demo's reader). */
  | { readonly kind: 'sign-in' }
  /** Signed in, but the relay has not said which roles the person holds. */
  | { readonly kind: 'roles-unknown' }
  /** Signed in with no Keyward role: card holders belong on the self-service page. */
  | { readonly kind: 'no-role' }
  /** Signed in with some role, but not the one this screen needs. */
  | { readonly kind: 'forbidden'; readonly role: KeywardRole };

/** Decides what `access` gets to see at `path`. */
export function routeVerdict(access: Access, path: RoutePath): RouteVerdict {
  if (!access.signedIn) return { kind: 'sign-in' };
  if (!access.rolesKnown) return { kind: 'roles-unknown' };
  if (!holdsAnyRole(access)) return { kind: 'no-role' };
  const role = ROUTE_ROLES[path];
  return holds(access, role) ? { kind: 'allowed' } : { kind: 'forbidden', role };
}

/** Whether `access` may open the screen at `path`. */
export function mayOpen(access: Access, path: RoutePath): boolean {
  return routeVerdict(access, path).kind === 'allowed';
}

/** The routes the navigation lists for `access`, in the order of `routes`. */
export function visibleRoutes<R extends { readonly path: RoutePath }>(access: Access, routes: readonly R[]): R[] {
  return routes.filter((r) => mayOpen(access, r.path));
}

/**
 * Whether a problem found at sign-in concerns this person: a missing TAP directory role only matters to
 * operators, and a missing operator role is said by the screens themselves (the navigation and the
 * "needs role" page), so it is not repeated as a notice.
 */
export function concerns(access: Access, problem: OperatorProblem['code']): boolean {
  switch (problem) {
    case 'NO_TAP_ROLE':
      return access.mayOperate;
    case 'GRAPH_SCOPES':
      return access.mayOperate || access.mayAdminister;
    case 'NOT_RELAY_OPERATOR':
      return false;
    case 'RELAY_CHECK_FAILED':
      return true;
  }
}

/** The first screen of `routes` that `access` may open (where the console lands), or null if none. */
export function homeRoute(access: Access, routes: readonly { readonly path: RoutePath }[]): RoutePath | null {
  return routes.find((r) => mayOpen(access, r.path))?.path ?? null;
}
