/**
 * `GET /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/temporaryAccessPass`
 * (examples.md §4): needs Policy.Read.AuthenticationMethod (or the ReadWrite variant) and a policy
 * reader role (roles.ts documents which seeded users have one); otherwise 403 accessDenied.
 */
import { Hono } from 'hono';
import { requireScope } from './auth';
import type { GraphDeps, GraphEnv } from './context';
import { graphError } from './errors';
import { policyReadDenial } from './roles';

const POLICY_SCOPES = ['Policy.Read.AuthenticationMethod', 'Policy.ReadWrite.AuthenticationMethod', 'Policy.Read.All'];

/** Routes under `/v1.0`. */
export function policyRoutes(deps: GraphDeps): Hono<GraphEnv> {
  const app = new Hono<GraphEnv>();
  app.get('/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/temporaryAccessPass', (c) => {
    requireScope(c, POLICY_SCOPES, 'accessDenied');
    const denial = policyReadDenial(c.get('caller').user);
    if (denial) throw graphError(403, 'accessDenied', `Request Authorization failed. ${denial}`);
    const p = deps.tenant.tapPolicy;
    const configurations = 'policies/authenticationMethodsPolicy/authenticationMethodConfigurations';
    return c.json({
      '@odata.context': `${deps.graphBaseUrl}/v1.0/$metadata#authenticationMethodConfigurations/$entity`,
      '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration',
      id: 'TemporaryAccessPass',
      state: p.state,
      defaultLifetimeInMinutes: p.defaultLifetimeInMinutes,
      defaultLength: p.defaultLength,
      minimumLifetimeInMinutes: p.minimumLifetimeInMinutes,
      maximumLifetimeInMinutes: p.maximumLifetimeInMinutes,
      isUsableOnce: p.isUsableOnce,
      'includeTargets@odata.context': `${deps.graphBaseUrl}/v1.0/$metadata#${configurations}('TemporaryAccessPass')/microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration/includeTargets`,
      includeTargets: [{ targetType: 'group', id: 'all_users', isRegistrationRequired: false }],
      excludeTargets: [],
    });
  });
  return app;
}
