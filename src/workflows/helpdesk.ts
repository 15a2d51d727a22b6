/**
 * What the helpdesk does as the signed-in operator, on Smart Card Unblock, Lifecycle and the card
 * templates: search users, read a user's pass and the tenant's TAP policy, list the templates a pass can
 * be delivered with, and build the context a pass request runs in.
 */
import type { SignedInAccount } from '../entra/msal-adapter';
import type { TemporaryAccessPass } from '../entra/tap';
import { readTapPolicy, type TapPolicyResult } from '../entra/tap-policy';
import { nextUsers, searchUsers, type DirectoryUser, type UserPage } from '../entra/users';
import { sendExportEmail } from '../relay-api/mail';
import type { ExportTemplateRecord } from '../store/export-templates';
import type { OperatorSession } from './operator-session';
import { relayAuditLog, type TemplateStore } from './ports';
import { currentTap, type TapContext } from './request-tap';

export type { DirectoryUser, ExportTemplateRecord, SignedInAccount, TapPolicyResult, TemporaryAccessPass };

/** Users whose name, mail or UPN starts with `text`. */
export function findUsers(op: OperatorSession, text: string): Promise<UserPage> {
  return searchUsers(op.graph(), text);
}

/** The next page of a search. */
export function moreUsers(op: OperatorSession, nextLink: string): Promise<UserPage> {
  return nextUsers(op.graph(), nextLink);
}

/** The user's current pass, without its code. */
export function userTap(op: OperatorSession, userId: string): Promise<TemporaryAccessPass | null> {
  return currentTap(op.graph(), userId);
}

/** The tenant's TAP policy, or why it is unreadable (missing scope or role both count as unreadable). */
export async function tenantTapPolicy(op: OperatorSession): Promise<TapPolicyResult> {
  try {
    return await readTapPolicy(op.policyGraph());
  } catch {
    return { readable: false, reason: 'FORBIDDEN' };
  }
}

/**
 * The data-export templates a pass can be delivered with: published and not withdrawn (an administrator
 * publishes the default one on the Data Export screen when there is none).
 */
export async function deliveryTemplates(templates: TemplateStore): Promise<ExportTemplateRecord[]> {
  return (await templates.exportTemplates()).map((t) => t.record);
}

/** Binds a pass request to the operator: Graph as them, mail and audit through the relay with their token. */
export function tapContext(op: OperatorSession, account: SignedInAccount): TapContext {
  return {
    graph: op.graph(),
    operator: { oid: account.objectId, name: account.name, upn: account.username },
    audit: relayAuditLog(op.relay()),
    sendMail: (request, key) => sendExportEmail(op.relay(), request, key),
  };
}
