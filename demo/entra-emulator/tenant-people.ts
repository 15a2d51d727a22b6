/**
 * The fixed people of the emulator's tenant (tenant.ts): ~20 members with their directory roles (as Entra
 * *role template ids*, the values Entra puts in the `wids` claim) and their app roles on the relay API,
 * and one external guest. Tests and the demo name them ("Aisha Operator", "Ben Member").
 */
import type { TenantUser } from './tenant';

/** Directory role template ids (identical in every Entra tenant). */
export const AUTHENTICATION_ADMINISTRATOR = 'c4e39bd9-1100-46d3-8c65-fb160da0071f';
export const PRIVILEGED_AUTHENTICATION_ADMINISTRATOR = '7be44c8a-adaf-4e2a-84d6-ab2649e08a13';
export const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
export const GLOBAL_READER = 'f2ef992c-3afb-46b9-b7cf-a126ee74c451';
export const AUTHENTICATION_POLICY_ADMINISTRATOR = '0526716b-113d-4c15-b2c8-68e3c22b9f80';

/** The relay app role that lets an operator send mail through the relay. */
export const OPERATOR_APP_ROLE = 'Keyward.Operator';
/** App role for templates, connections, card keys and configuration import. */
export const ADMINISTRATOR_APP_ROLE = 'Keyward.Administrator';
/** App role for reading and exporting the audit trail. */
export const AUDITOR_APP_ROLE = 'Keyward.Auditor';

/** The tenant's verified domain. */
export const TENANT_DOMAIN = 'contoso.example';

interface Seed {
  id: string;
  given: string;
  surname: string;
  jobTitle: string;
  department: string;
  roles?: string[];
  appRoles?: string[];
  enabled?: boolean;
}

const SEEDS: readonly Seed[] = [
  {
    id: 'f0d76d4f-d051-4401-89ab-2949d26eb033',
    given: 'Aisha',
    surname: 'Operator',
    jobTitle: 'Helpdesk Operator',
    department: 'IT Service Desk',
    roles: [AUTHENTICATION_ADMINISTRATOR],
    // The helpdesk lead: issues cards and also maintains templates and connections.
    appRoles: [OPERATOR_APP_ROLE, ADMINISTRATOR_APP_ROLE],
  },
  {
    id: '9fe9875e-95ff-4a28-975a-686721ee65a2',
    given: 'Priya',
    surname: 'Privileged',
    jobTitle: 'Senior Helpdesk Engineer',
    department: 'IT Service Desk',
    roles: [PRIVILEGED_AUTHENTICATION_ADMINISTRATOR],
    appRoles: [OPERATOR_APP_ROLE],
  },
  {
    id: 'e3c944a2-e813-4280-a334-4cec82dfd7a7',
    given: 'Nina',
    surname: 'NoRole',
    jobTitle: 'Service Desk Trainee',
    department: 'IT Service Desk',
  },
  {
    id: '89f4f732-5489-4ac2-856f-3a18f65adac4',
    given: 'Ada',
    surname: 'Admin',
    jobTitle: 'Identity Architect',
    department: 'IT',
    roles: [GLOBAL_ADMINISTRATOR],
    // Administers Keyward without being an operator: no lifecycle work, no TAPs.
    appRoles: [ADMINISTRATOR_APP_ROLE],
  },
  {
    id: '8a1ab7d6-0186-4fa8-8904-394ddfeed56e',
    given: 'Grace',
    surname: 'Reader',
    jobTitle: 'Security Auditor',
    department: 'Security',
    roles: [GLOBAL_READER],
    appRoles: [AUDITOR_APP_ROLE],
  },
  {
    id: '46876d75-c7ea-4ea4-863b-a6e9796b7d11',
    given: 'Ben',
    surname: 'Member',
    jobTitle: 'Accountant',
    department: 'Finance',
  },
  {
    id: 'e3754be0-66f4-4f38-af4f-202bd48c0af1',
    given: 'Carla',
    surname: 'Mendes',
    jobTitle: 'Sales Manager',
    department: 'Sales',
  },
  {
    id: 'e31cb0b2-8861-4f00-b11e-a8b5e48494da',
    given: 'Dmitri',
    surname: 'Volkov',
    jobTitle: 'Engineer',
    department: 'R&D',
  },
  {
    id: '67504bb1-a991-4178-a93b-eab775048ef2',
    given: 'Elena',
    surname: 'Rossi',
    jobTitle: 'Lawyer',
    department: 'Legal',
  },
  {
    id: '7d321c2c-6587-4029-93da-9feff13c5310',
    given: 'Farid',
    surname: 'Haddad',
    jobTitle: 'Buyer',
    department: 'Procurement',
  },
  {
    id: '136f56e1-fa6d-4f65-a9c8-73c6bf6a853b',
    given: 'Hana',
    surname: 'Sato',
    jobTitle: 'Designer',
    department: 'Marketing',
  },
  {
    id: 'c974818b-d4a1-4cb7-8a3d-fcebf7554ac4',
    given: 'Ivan',
    surname: 'Petrov',
    jobTitle: 'Former Contractor',
    department: 'R&D',
    enabled: false,
  },
  {
    id: '39cd7a99-7bf1-4c80-b7dd-2a97c76b0242',
    given: 'Jonas',
    surname: 'Weber',
    jobTitle: 'Controller',
    department: 'Finance',
  },
  {
    id: '663218e1-45b3-4109-924f-c499ae9591dd',
    given: 'Kofi',
    surname: 'Mensah',
    jobTitle: 'Engineer',
    department: 'R&D',
  },
  {
    id: 'd453b24e-4c45-4cb3-8c1b-25f8aaaa5d86',
    given: 'Lena',
    surname: 'Novak',
    jobTitle: 'Recruiter',
    department: 'HR',
  },
  {
    id: '7aae89f4-61eb-4c12-828f-51e1d8973656',
    given: 'Marco',
    surname: 'Silva',
    jobTitle: 'Analyst',
    department: 'Finance',
  },
  {
    id: 'd424699a-d23f-4eb1-8134-fe41dcb6750f',
    given: 'Oscar',
    surname: 'Ward',
    jobTitle: 'Support Engineer',
    department: 'Support',
  },
  {
    id: 'bd39fe55-64b7-4cec-b72d-4aa1205b5a6c',
    given: 'Wanda',
    surname: 'Adams',
    jobTitle: 'Office Manager',
    department: 'Operations',
  },
  { id: '86b6e93f-e94e-471d-8eaf-61a71541f2a4', given: 'Zoe', surname: 'Walsh', jobTitle: 'Trainer', department: 'HR' },
];

/** The external guest: B2B-style UPN with `#EXT#`, mail at the home domain. */
export const GUEST: TenantUser = {
  id: '274976ce-6ce1-4bfe-b6be-5916617b8539',
  displayName: 'Gary Guest',
  givenName: 'Gary',
  surname: 'Guest',
  userPrincipalName: `gary.guest_fabrikam.example#EXT#@${TENANT_DOMAIN}`,
  mail: 'gary.guest@fabrikam.example',
  otherMails: ['gary.guest@fabrikam.example'],
  accountEnabled: true,
  userType: 'Guest',
  jobTitle: 'Auditor (external)',
  department: null,
  mobilePhone: null,
  businessPhones: [],
  officeLocation: null,
  preferredLanguage: null,
  directoryRoles: [],
  appRoles: [],
};

function memberFromSeed(s: Seed): TenantUser {
  const local = `${s.given}.${s.surname}`.toLowerCase();
  return {
    id: s.id,
    displayName: `${s.given} ${s.surname}`,
    givenName: s.given,
    surname: s.surname,
    userPrincipalName: `${local}@${TENANT_DOMAIN}`,
    mail: `${local}@${TENANT_DOMAIN}`,
    otherMails: [`${local}@personal.example`],
    accountEnabled: s.enabled ?? true,
    userType: 'Member',
    jobTitle: s.jobTitle,
    department: s.department,
    mobilePhone: null,
    businessPhones: [],
    officeLocation: 'Contoso HQ',
    preferredLanguage: 'en-US',
    directoryRoles: s.roles ?? [],
    appRoles: s.appRoles ?? [],
  };
}

/** The fixed members, as the tenant lists them. */
export function seededMembers(): TenantUser[] {
  return SEEDS.map(memberFromSeed);
}
