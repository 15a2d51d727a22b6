/**
 * Directory-role rules, taken from the *tenant data* of the caller (token `oid`), not from token claims,
 * as Entra evaluates roles server-side.
 *
 * Temporary Access Pass (DESIGN.md "Graph TAP"; Entra's "who can manage authentication methods" table,
 * simplified):
 * - nobody may read or manage their own pass through these admin APIs;
 * - Privileged Authentication Administrator and Global Administrator: any other user, admins included;
 * - Authentication Administrator: other users holding no directory role ("non-admin members");
 * - Global Reader: may read (not manage) anyone's pass;
 * - anyone else: 403.
 *
 * TAP policy (GET …/authenticationMethodConfigurations/temporaryAccessPass), emulator's decision, in line
 * with Entra where reading the authentication methods policy needs a policy/reader role that an
 * Authentication Administrator lacks: Global Administrator, Global Reader and Authentication Policy
 * Administrator may read it. Of the seeded users: Ada Admin and Grace Reader can; Aisha Operator, Priya
 * Privileged and Nina NoRole get 403.
 */
import {
  AUTHENTICATION_ADMINISTRATOR,
  AUTHENTICATION_POLICY_ADMINISTRATOR,
  GLOBAL_ADMINISTRATOR,
  GLOBAL_READER,
  PRIVILEGED_AUTHENTICATION_ADMINISTRATOR,
  type TenantUser,
} from '../tenant';

const PRIVILEGED = [GLOBAL_ADMINISTRATOR, PRIVILEGED_AUTHENTICATION_ADMINISTRATOR];
const POLICY_READERS = [GLOBAL_ADMINISTRATOR, GLOBAL_READER, AUTHENTICATION_POLICY_ADMINISTRATOR];

function holdsAny(user: TenantUser, roles: readonly string[]): boolean {
  return user.directoryRoles.some((r) => roles.includes(r));
}

/** Why `actor` may not read or manage the pass of `target`, or undefined when allowed. */
export function tapDenial(actor: TenantUser, target: TenantUser, access: 'read' | 'write'): string | undefined {
  if (actor.id === target.id) {
    return 'Administrators cannot read or manage their own Temporary Access Pass through this API.';
  }
  if (holdsAny(actor, PRIVILEGED)) return undefined;
  if (access === 'read' && holdsAny(actor, [GLOBAL_READER])) return undefined;
  if (holdsAny(actor, [AUTHENTICATION_ADMINISTRATOR])) {
    return target.directoryRoles.length === 0
      ? undefined
      : 'The target user holds an administrator role; managing their authentication methods needs the Privileged Authentication Administrator role.';
  }
  return 'The signed-in user needs the Authentication Administrator or Privileged Authentication Administrator role.';
}

/** Why `actor` may not read the TAP policy, or undefined when allowed. */
export function policyReadDenial(actor: TenantUser): string | undefined {
  return holdsAny(actor, POLICY_READERS)
    ? undefined
    : 'Reading the authentication methods policy needs the Global Reader, Authentication Policy Administrator or Global Administrator role.';
}
