/**
 * The demo tenant's people as the e2e specs meet them: object id, names and mail come from the Entra
 * emulator's own seed (demo/entra-emulator/tenant-people.ts), which the e2e demo server runs, so a spec
 * names a person ("Ben Member") and writes nothing about them again.
 */
import { DEMO_TENANT_ID, Tenant, type TenantUser } from '../../demo/entra-emulator/tenant';

/** A seeded person: `givenName` is what a spec types in a user search, `displayName` what it picks. */
export type Person = TenantUser;

const TENANT = new Tenant(DEMO_TENANT_ID);

/** The seeded person named `displayName`; throws for a name the tenant does not hold. */
export function person(displayName: string): Person {
  return TENANT.byDisplayName(displayName);
}
