/**
 * The Entra ID emulator's tenant (`contoso.example`): its ids, its users (the fixed people of
 * tenant-people.ts, then the generated members of onboarding-group.ts), its groups, its Temporary Access
 * Pass policy and the consents withheld.
 *
 * Field names follow Microsoft Graph v1.0 `user` (msgraph-metadata schemas/v1.0-Prod.csdl);
 * `directoryRoles` and `appRoles` are emulator-only and never returned by the Graph emulator.
 */

import { loadUsers, onboardingGroups, onboardingUsers } from './onboarding-group';
import { GUEST, seededMembers, TENANT_DOMAIN } from './tenant-people';

export {
  ADMINISTRATOR_APP_ROLE,
  AUDITOR_APP_ROLE,
  AUTHENTICATION_ADMINISTRATOR,
  AUTHENTICATION_POLICY_ADMINISTRATOR,
  GLOBAL_ADMINISTRATOR,
  GLOBAL_READER,
  OPERATOR_APP_ROLE,
  PRIVILEGED_AUTHENTICATION_ADMINISTRATOR,
  TENANT_DOMAIN,
} from './tenant-people';

/** Fixed demo tenant id (GUID). */
export const DEMO_TENANT_ID = '7ae8fb6d-cc54-4b42-bad9-565e05a4f211';
/** Fixed demo app id of the Keyward SPA (public client, PKCE). */
export const DEMO_SPA_CLIENT_ID = '0da58537-44b5-46fb-83f9-23649ede607e';
/** Fixed demo app id of the relay API; its scope is `api://<id>/Mail.Send`. */
export const DEMO_RELAY_CLIENT_ID = '9d3d8529-8123-4c7c-aca5-13270e6671fe';
/**
 * Client secret of the demo relay app (a confidential client for app-only Graph tokens). The relay's
 * DEMO_GRAPH_CLIENT_SECRET (relay/config-values.ts) has the same value.
 */
export const DEMO_RELAY_CLIENT_SECRET = 'keyward-demo-relay-secret';

/** A seeded directory user (Graph `user` fields plus the emulator's role data). */
export interface TenantUser {
  readonly id: string;
  readonly displayName: string;
  readonly givenName: string;
  readonly surname: string;
  readonly userPrincipalName: string;
  /** Null for a member without a mailbox (Graph returns `mail: null`). */
  readonly mail: string | null;
  readonly otherMails: readonly string[];
  readonly accountEnabled: boolean;
  readonly userType: 'Member' | 'Guest';
  readonly jobTitle: string | null;
  readonly department: string | null;
  readonly mobilePhone: string | null;
  readonly businessPhones: readonly string[];
  readonly officeLocation: string | null;
  readonly preferredLanguage: string | null;
  /** Directory role template ids (emulator-only; surfaces as the `wids` claim). */
  readonly directoryRoles: readonly string[];
  /** App roles on the relay API (emulator-only; surfaces as the relay token's `roles` claim). */
  readonly appRoles: readonly string[];
}

/** A seeded group (Graph `group`): direct user members and nested groups. */
export interface TenantGroup {
  readonly id: string;
  readonly displayName: string;
  readonly description: string;
  readonly memberUserIds: readonly string[];
  readonly memberGroupIds: readonly string[];
}

/** The Temporary Access Pass policy (Graph `temporaryAccessPassAuthenticationMethodConfiguration`). */
export interface TapPolicy {
  state: 'enabled' | 'disabled';
  defaultLifetimeInMinutes: number;
  defaultLength: number;
  minimumLifetimeInMinutes: number;
  maximumLifetimeInMinutes: number;
  isUsableOnce: boolean;
}

/** The policy a fresh tenant starts with: the values of the published Graph example. */
export const DEFAULT_TAP_POLICY: Readonly<TapPolicy> = {
  state: 'enabled',
  defaultLifetimeInMinutes: 60,
  defaultLength: 8,
  minimumLifetimeInMinutes: 60,
  maximumLifetimeInMinutes: 480,
  isUsableOnce: false,
};

/** One emulated tenant: fixed users, a mutable TAP policy and the permissions whose consent is withheld. */
export class Tenant {
  readonly domain = TENANT_DOMAIN;
  readonly users: readonly TenantUser[];
  /** The current TAP policy; tests change it through `control.setTapPolicy`. */
  tapPolicy: TapPolicy = { ...DEFAULT_TAP_POLICY };
  /**
   * Delegated permissions (short names, e.g. 'UserAuthMethod-TAP.ReadWrite.All') whose admin consent is
   * withheld; empty means everything the SPA asks for is consented. Tests change it through
   * `control.withholdConsent` (consent.ts says what changes).
   */
  withheldConsent: ReadonlySet<string> = new Set();
  /**
   * Application permissions of the relay app (app-only tokens' `roles`, app-only.ts) whose admin consent
   * is withheld; tests change it through `control.withholdAppConsent`.
   */
  withheldAppConsent: ReadonlySet<string> = new Set();

  /** Groups (Batch TAP's "Onboarding wave 1" and its nested group: onboarding-group.ts). */
  readonly groups: readonly TenantGroup[];
  /** Ids of generated group members, who are not offered on the sign-in page. */
  private readonly generated: ReadonlySet<string>;

  /** `loadMembers` adds that many generated members (the Batch TAP bench: onboarding-group.ts `loadUsers`). */
  constructor(
    readonly tenantId: string,
    loadMembers = 0,
  ) {
    const generated = [...onboardingUsers(TENANT_DOMAIN), ...loadUsers(TENANT_DOMAIN, loadMembers)];
    this.users = [...seededMembers(), GUEST, ...generated];
    this.generated = new Set(generated.map((u) => u.id));
    this.groups = onboardingGroups(generated, {
      guest: GUEST.id,
      disabled: this.byDisplayName('Ivan Petrov').id,
      admin: this.byDisplayName('Ada Admin').id,
    });
  }

  /** A group by object id. */
  findGroup(id: string): TenantGroup | undefined {
    return this.groups.find((g) => g.id === id.toLowerCase());
  }

  /** The distinct users in `group` and, transitively, in its nested groups, in membership order. */
  transitiveMembers(group: TenantGroup): TenantUser[] {
    const seen = new Set<string>();
    const visited = new Set<string>();
    const walk = (g: TenantGroup) => {
      if (visited.has(g.id)) return;
      visited.add(g.id);
      for (const id of g.memberUserIds) seen.add(id);
      for (const id of g.memberGroupIds) {
        const nested = this.findGroup(id);
        if (nested) walk(nested);
      }
    };
    walk(group);
    return [...seen].map((id) => this.findUser(id)!).filter(Boolean);
  }

  /** Finds a user by object id or (case-insensitively) by userPrincipalName, as Graph's alternate key. */
  findUser(idOrUpn: string): TenantUser | undefined {
    const key = idOrUpn.toLowerCase();
    return this.users.find((u) => u.id === key || u.userPrincipalName.toLowerCase() === key);
  }

  /** Finds a user by display name (tests and the demo refer to "Aisha Operator" etc.). */
  byDisplayName(displayName: string): TenantUser {
    const user = this.users.find((u) => u.displayName === displayName);
    if (!user) throw new Error(`no seeded user named ${displayName}`);
    return user;
  }

  /** Accounts offered on the sign-in page: enabled members, then the guest. */
  signInAccounts(): TenantUser[] {
    return this.users.filter((u) => u.accountEnabled && !this.generated.has(u.id));
  }
}
