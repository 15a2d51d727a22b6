/**
 * The relay's API as both sides see it: request bodies, queries and answers of `/api/whoami`,
 * `/api/cards` (with a card's pass), `/api/audit`, `/api/templates` and `/api/mail`, as Zod schemas, one
 * file an API beside this one (`cards-contract.ts`, `audit-contract.ts`, ...), all exported from here. The relay validates requests with
 * them (Hono's validator middleware, relay/validate.ts); the browser's clients in this folder type their
 * calls with them and check what comes back. One definition, so the two sides cannot drift.
 *
 * A body is a closed schema: a stray `pin`, `puk`, `tapCode` or `key` field is refused, never stored.
 */
import { z } from 'zod';

export { line, CardId, Person } from './contract-fields';
export * from './cards-contract';
export * from './audit-contract';
export * from './templates-contract';
export * from './mail-contract';

// ---------------------------------------------------------------------------------------------------
// /api/whoami

/** `GET /api/whoami`: the caller and what their app roles let them do. */
export const WhoAmI = z.object({
  oid: z.string(),
  name: z.string(),
  preferredUsername: z.string(),
  roles: z.array(z.string()),
  /** `Keyward.Operator`: lifecycle operations and TAPs. */
  isOperator: z.boolean(),
  /** `Keyward.Administrator`: templates, connections, card keys, configuration import. */
  isAdministrator: z.boolean(),
  /** `Keyward.Auditor`: read and export the audit trail. */
  isAuditor: z.boolean(),
});
export type WhoAmI = z.infer<typeof WhoAmI>;
