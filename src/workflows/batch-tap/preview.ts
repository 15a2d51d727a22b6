/**
 * The Batch TAP preview: resolves the users (an Entra group's transitive members, or a CSV of user
 * principal names), reads what eligibility needs for each (their passes and directory roles through
 * Graph `$batch` GETs, their cards from the registry and those cards' published templates), and decides
 * each user with eligibility.ts. Reads only: nothing is created.
 */
import { AppError } from '../../app-error';
import { GRAPH_BATCH_LIMIT, sendBatch, type BatchRequest } from '../../entra/graph-batch';
import type { GraphTransport } from '../../entra/graph-adapter';
import { directoryRolesUrl, groupUsers, roleTemplateIds } from '../../entra/groups';
import type { TemporaryAccessPass } from '../../entra/tap';
import type { TapPolicyResult } from '../../entra/tap-policy';
import { USER_SELECT, type DirectoryUser } from '../../entra/users';
import type { CardTemplateRecord, ExportTemplateRecord } from '../../store/db';
import { cardTapVerdict, governsTap } from '../operator-tap';
import type { CardRegistry, Published, TemplateStore } from '../ports';
import { batchEligibility, type BatchOperator, type Candidate, type Eligibility } from './eligibility';
import { tapUrl } from './resolve-unknown';

/** What the preview reads from. */
export interface PreviewPorts {
  readonly graph: GraphTransport;
  readonly registry: CardRegistry;
  readonly templates: TemplateStore;
  readonly policy: TapPolicyResult | null;
}

/** Users by UPN, read in `$batch`es; a UPN Entra does not know is an error naming it. */
export async function usersByUpn(graph: GraphTransport, upns: readonly string[]): Promise<DirectoryUser[]> {
  const users: DirectoryUser[] = [];
  const unknown: string[] = [];
  for (let i = 0; i < upns.length; i += GRAPH_BATCH_LIMIT) {
    const chunk = upns.slice(i, i + GRAPH_BATCH_LIMIT);
    const answers = await sendBatch(
      graph,
      chunk.map((upn, j) => ({
        id: String(j),
        method: 'GET',
        url: `/users/${encodeURIComponent(upn)}?$select=${USER_SELECT}`,
      })),
    );
    answers.forEach((a, j) => (a.status === 200 ? users.push(a.body as DirectoryUser) : unknown.push(chunk[j]!)));
  }
  if (unknown.length)
    throw new AppError('workflows', 'BATCH_TAP_UNKNOWN_USERS', 'Some user principal names are not in the directory.', {
      upns: unknown,
    });
  return users;
}

/** Each user's passes (null when unread) and directory role template ids, two GETs per user. */
async function readAccounts(
  graph: GraphTransport,
  users: readonly DirectoryUser[],
): Promise<Map<string, { passes: TemporaryAccessPass[] | null; roles: string[] }>> {
  const out = new Map<string, { passes: TemporaryAccessPass[] | null; roles: string[] }>();
  const perBatch = GRAPH_BATCH_LIMIT / 2;
  for (let i = 0; i < users.length; i += perBatch) {
    const chunk = users.slice(i, i + perBatch);
    const requests: BatchRequest[] = chunk.flatMap((u, j) => [
      { id: `p${j}`, method: 'GET', url: tapUrl(u.id) },
      { id: `r${j}`, method: 'GET', url: directoryRolesUrl(u.id) },
    ]);
    const answers = new Map((await sendBatch(graph, requests)).map((a) => [a.id, a]));
    chunk.forEach((u, j) => {
      const p = answers.get(`p${j}`);
      const r = answers.get(`r${j}`);
      out.set(u.id, {
        passes: p?.status === 200 ? ((p.body as { value?: TemporaryAccessPass[] }).value ?? []) : null,
        // Roles that cannot be read count as a role: the operator's privilege then decides, safely.
        roles: r?.status === 200 ? roleTemplateIds(r.body) : ['unknown'],
      });
    });
  }
  return out;
}

/** Decides every user of `users` for a batch by `operator` (under `templateId` when given). */
export async function previewUsers(
  ports: PreviewPorts,
  users: readonly DirectoryUser[],
  operator: BatchOperator,
  templateId?: string,
): Promise<Eligibility[]> {
  const accounts = await readAccounts(ports.graph, users);
  const exports: readonly Published<ExportTemplateRecord>[] = await ports.templates.exportTemplates();
  const templates = new Map<string, Promise<Published<CardTemplateRecord> | null>>();
  const templateOf = (id: string) => {
    if (!templates.has(id)) templates.set(id, ports.templates.cardTemplate(id));
    return templates.get(id)!;
  };
  const rows: Eligibility[] = [];
  for (const user of users) {
    const cards = (await ports.registry.cardsOf(user.id)).filter(governsTap);
    const verdicts = await Promise.all(
      cards.map(async (card) => cardTapVerdict(card, await templateOf(card.template.id), exports, ports.policy)),
    );
    const account = accounts.get(user.id)!;
    const candidate: Candidate = { user, passes: account.passes, roleTemplateIds: account.roles, verdicts };
    rows.push(batchEligibility(candidate, operator, templateId));
  }
  return rows;
}

/** The preview of an Entra group's transitive members. */
export async function previewGroup(
  ports: PreviewPorts,
  groupId: string,
  operator: BatchOperator,
  templateId?: string,
): Promise<Eligibility[]> {
  return previewUsers(ports, await groupUsers(ports.graph, groupId), operator, templateId);
}
