/**
 * Seed data for Batch TAP (issue 17): the group "Onboarding wave 1" with 60 transitive members, some of
 * them through the nested group "Onboarding wave 1 contractors". Most members are plain new starters
 * generated here; five are chosen so that each reason to skip a user appears once:
 * - Gary Guest (a guest: Entra refuses guests a pass);
 * - Ivan Petrov (account disabled);
 * - Ada Admin (holds a directory role: an Authentication Administrator may not act on her);
 * - Rhea Nomail (a member without mail: a pass could not be delivered);
 * - Tomas Haspass (already holds a pass: the emulator seeds one for him at start).
 *
 * Generated names avoid the first letters of the fixed seed's names, so searches in other tests
 * ("Ben", "wa", "ada") find what they always found.
 */
import type { TenantGroup, TenantUser } from './tenant';

/** The group's object id (fixed, so tests and the demo can name it). */
export const ONBOARDING_GROUP_ID = 'a3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
/** The nested group's object id. */
export const ONBOARDING_CONTRACTORS_GROUP_ID = 'b4e2d3c5-6f70-4b8c-9dae-1f2a3b4c5d6e';
/** Display name of the member without mail. */
export const NO_MAIL_MEMBER = 'Rhea Nomail';
/** Display name of the member who already holds a pass when the emulator starts. */
export const HAS_PASS_MEMBER = 'Tomas Haspass';

const GIVEN = ['Quinn', 'Uma', 'Yara', 'Xavier', 'Selma', 'Tariq', 'Vera', 'Ulrich', 'Yusuf', 'Soren', 'Thea'];
const SURNAMES = ['Lindqvist', 'Okafor', 'Brandt', 'Moreau', 'Tanaka'];

/** A deterministic object id for generated user `n` (a valid v4-shaped GUID). */
function generatedId(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `c0ffee00-0000-4000-8000-${hex}`;
}

function member(domain: string, id: string, given: string, surname: string, mail: boolean): TenantUser {
  const local = `${given}.${surname}`.toLowerCase();
  return {
    id,
    displayName: `${given} ${surname}`,
    givenName: given,
    surname,
    userPrincipalName: `${local}@${domain}`,
    mail: mail ? `${local}@${domain}` : null,
    otherMails: [],
    accountEnabled: true,
    userType: 'Member',
    jobTitle: 'New starter',
    department: 'Onboarding',
    mobilePhone: null,
    businessPhones: [],
    officeLocation: 'Contoso HQ',
    preferredLanguage: 'en-US',
    directoryRoles: [],
    appRoles: [],
  };
}

/** The generated members: 55 new starters, the member without mail and the one who has a pass. */
export function onboardingUsers(domain: string): TenantUser[] {
  const users: TenantUser[] = [];
  for (let n = 0; n < 55; n++) {
    const given = GIVEN[n % GIVEN.length]!;
    const surname = SURNAMES[Math.floor(n / GIVEN.length)]!;
    users.push(member(domain, generatedId(n + 1), given, surname, true));
  }
  users.push(member(domain, generatedId(100), 'Rhea', 'Nomail', false));
  users.push(member(domain, generatedId(101), 'Tomas', 'Haspass', true));
  return users;
}

/** `count` more members for load runs (the bench): "Load Starter 0001"…, in no group. */
export function loadUsers(domain: string, count: number): TenantUser[] {
  return Array.from({ length: count }, (_, n) => {
    const number = String(n + 1).padStart(4, '0');
    return member(domain, generatedId(10_000 + n), 'Load', `Starter${number}`, true);
  });
}

/**
 * The two groups: 45 starters directly in wave 1, the other 10 with the guest, Ivan, Ada, Rhea and Tomas
 * through the contractors group (60 distinct transitive members; Ada is in both, counted once).
 */
export function onboardingGroups(
  generated: readonly TenantUser[],
  fixed: { guest: string; disabled: string; admin: string },
): TenantGroup[] {
  const starters = generated.slice(0, 55).map((u) => u.id);
  const [noMail, hasPass] = generated.slice(55).map((u) => u.id);
  return [
    {
      id: ONBOARDING_GROUP_ID,
      displayName: 'Onboarding wave 1',
      description: 'Everyone starting on passkeys in the first wave.',
      memberUserIds: [...starters.slice(0, 45), fixed.admin],
      memberGroupIds: [ONBOARDING_CONTRACTORS_GROUP_ID],
    },
    {
      id: ONBOARDING_CONTRACTORS_GROUP_ID,
      displayName: 'Onboarding wave 1 contractors',
      description: 'Contractors and guests of the first wave.',
      memberUserIds: [...starters.slice(45), fixed.guest, fixed.disabled, fixed.admin, noMail!, hasPass!],
      memberGroupIds: [],
    },
  ];
}
