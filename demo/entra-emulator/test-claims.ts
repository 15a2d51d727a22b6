/**
 * Test-only: what the emulator's tokens say about Aisha Operator, the seeded account that the protocol
 * test (oidc-flow.test.ts) and the browser MSAL test (msal-browser.test.ts) both sign in as: the demo
 * tenant, her directory role (Authentication Administrator) and her two Keyward app roles.
 */
import {
  ADMINISTRATOR_APP_ROLE,
  AUTHENTICATION_ADMINISTRATOR,
  DEMO_RELAY_CLIENT_ID,
  DEMO_TENANT_ID,
  OPERATOR_APP_ROLE,
} from './index';

/** Every v2.0 token of the demo tenant. */
const TENANT_TOKEN = { ver: '2.0', tid: DEMO_TENANT_ID } as const;

/** Aisha's ID token (her Graph access token carries the same): her directory role in `wids`. */
export const AISHA_ID_CLAIMS = { ...TENANT_TOKEN, wids: [AUTHENTICATION_ADMINISTRATOR] };

/** Aisha's relay access token for Mail.Send: the relay's audience and both Keyward app roles. */
export const AISHA_RELAY_CLAIMS = {
  ...TENANT_TOKEN,
  aud: DEMO_RELAY_CLIENT_ID,
  scp: 'Mail.Send',
  roles: [OPERATOR_APP_ROLE, ADMINISTRATOR_APP_ROLE],
};
