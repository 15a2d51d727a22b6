/**
 * The tenant's Temporary Access Pass policy
 * (`/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/temporaryAccessPass`).
 * Reading it needs `Policy.Read.AuthenticationMethod` and a reader role an Authentication Administrator
 * may lack; on 403 the policy is reported unreadable and Graph validates each create instead.
 */
import { isAppError } from '../app-error';
import type { GraphTransport } from './graph-adapter';

/** The policy fields Keyward uses. */
export interface TapPolicy {
  readonly state: 'enabled' | 'disabled' | string;
  readonly defaultLifetimeInMinutes: number;
  readonly defaultLength: number;
  readonly minimumLifetimeInMinutes: number;
  readonly maximumLifetimeInMinutes: number;
  readonly isUsableOnce: boolean;
}

/** Either the policy, or why it could not be read. */
export type TapPolicyResult =
  { readonly readable: true; readonly policy: TapPolicy } | { readonly readable: false; readonly reason: 'FORBIDDEN' };

/** Reads the policy; a 403 is an answer (unreadable), not a failure. */
export async function readTapPolicy(graph: GraphTransport): Promise<TapPolicyResult> {
  try {
    const policy = await graph.call<TapPolicy>({
      method: 'GET',
      path: '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/temporaryAccessPass',
    });
    return { readable: true, policy };
  } catch (e) {
    if (isAppError(e, 'entra', 'GRAPH_FORBIDDEN')) return { readable: false, reason: 'FORBIDDEN' };
    throw e;
  }
}
