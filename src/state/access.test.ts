import { describe, expect, it } from 'vitest';
import type { OperatorProfile } from '../workflows/operator-session';
import {
  accessOf,
  concerns,
  homeRoute,
  mayOpen,
  routeVerdict,
  SIGNED_OUT,
  visibleRoutes,
  type Access,
  type KeywardRole,
} from './access';
import { ROUTES, type RoutePath } from './router.svelte';

/** A whoami answer holding `roles` (the relay's default role names). */
function caller(...roles: ('Operator' | 'Administrator' | 'Auditor')[]): NonNullable<OperatorProfile['relay']> {
  return {
    name: 'Someone',
    roles: roles.map((r) => `Keyward.${r}`),
    isOperator: roles.includes('Operator'),
    isAdministrator: roles.includes('Administrator'),
    isAuditor: roles.includes('Auditor'),
  };
}

const paths = (access: Access): RoutePath[] => visibleRoutes(access, ROUTES).map((r) => r.path);

/** Expects `access` refused at each of `routes`, the refusal naming `role` as the one they need. */
function expectForbidden(access: Access, role: KeywardRole, ...routes: RoutePath[]): void {
  for (const path of routes) expect(routeVerdict(access, path)).toEqual({ kind: 'forbidden', role });
}

describe('access', () => {
  it('gives an operator Lifecycle, Smart Card Unblock and Batch TAP, and names the role every other screen needs', () => {
    const operator = accessOf(caller('Operator'));
    expect(paths(operator)).toEqual(['/lifecycle', '/actions/unblock', '/actions/batch-tap']);
    expectForbidden(operator, 'administrator', '/templates', '/options/security');
    expectForbidden(operator, 'auditor', '/audit');
    expect(homeRoute(operator, ROUTES)).toBe('/lifecycle');
  });

  it('gives an administrator templates, connections and security, but no card or TAP work', () => {
    const admin = accessOf(caller('Administrator'));
    expect(paths(admin)).toEqual([
      '/templates',
      '/options/connections/entra',
      '/options/connections/smtp',
      '/options/connections/data-export',
      '/options/security',
    ]);
    expectForbidden(admin, 'operator', '/lifecycle', '/actions/unblock', '/actions/batch-tap');
    expect(homeRoute(admin, ROUTES)).toBe('/templates');
  });

  it('gives an auditor the Audit screen alone, and lands there', () => {
    const auditor = accessOf(caller('Auditor'));
    expect(paths(auditor)).toEqual(['/audit']);
    expectForbidden(auditor, 'operator', '/lifecycle');
    expect(homeRoute(auditor, ROUTES)).toBe('/audit');
  });

  it('gives someone holding every role every screen', () => {
    const all = accessOf(caller('Operator', 'Administrator', 'Auditor'));
    expect(paths(all)).toEqual(ROUTES.map((r) => r.path));
  });

  it('shows the sign-in page at every route while signed out', () => {
    for (const { path } of ROUTES) expect(routeVerdict(SIGNED_OUT, path)).toEqual({ kind: 'sign-in' });
    expect(paths(SIGNED_OUT)).toEqual([]);
    expect(homeRoute(SIGNED_OUT, ROUTES)).toBeNull();
  });

  it('sends a signed-in account with no Keyward role to the no-role page everywhere', () => {
    const none = accessOf(caller());
    expect(none.signedIn).toBe(true);
    for (const { path } of ROUTES) expect(routeVerdict(none, path)).toEqual({ kind: 'no-role' });
    expect(paths(none)).toEqual([]);
  });

  it('opens nothing while the relay has not confirmed the roles', () => {
    const unknown = accessOf(null);
    expect(unknown).toMatchObject({ signedIn: true, rolesKnown: false, mayOperate: false });
    for (const { path } of ROUTES) {
      expect(routeVerdict(unknown, path)).toEqual({ kind: 'roles-unknown' });
      expect(mayOpen(unknown, path)).toBe(false);
    }
  });

  it('keeps sign-in notices to the people they concern', () => {
    const operator = accessOf(caller('Operator'));
    const admin = accessOf(caller('Administrator'));
    const auditor = accessOf(caller('Auditor'));
    expect(concerns(operator, 'NO_TAP_ROLE')).toBe(true);
    expect(concerns(admin, 'NO_TAP_ROLE')).toBe(false);
    expect(concerns(admin, 'GRAPH_SCOPES')).toBe(true);
    expect(concerns(auditor, 'GRAPH_SCOPES')).toBe(false);
    expect(concerns(auditor, 'NOT_RELAY_OPERATOR')).toBe(false);
    expect(concerns(accessOf(null), 'RELAY_CHECK_FAILED')).toBe(true);
  });
});
