/**
 * The relay's view of the operator: `GET /api/whoami` with a token for the relay's own API scope.
 * The relay never accepts Graph tokens (DESIGN.md, "Relay").
 */
import { WhoAmI } from './contract';
import { relayCall, type RelayEndpoint } from './request';

/** What the relay says about the caller: who they are and what their app roles let them do. */
export interface RelayCaller {
  readonly name: string;
  readonly roles: readonly string[];
  readonly isOperator: boolean;
  readonly isAdministrator: boolean;
  readonly isAuditor: boolean;
}

/** Asks the relay who the caller is. */
export async function fetchRelayCaller(relay: RelayEndpoint): Promise<RelayCaller> {
  const { name, roles, isOperator, isAdministrator, isAuditor } = await relayCall(relay, {
    path: '/api/whoami',
    answer: WhoAmI,
  });
  return { name, roles, isOperator, isAdministrator, isAuditor };
}
