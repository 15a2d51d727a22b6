/**
 * Temporary Access Pass methods through Microsoft Graph v1.0
 * (`/users/{id}/authentication/temporaryAccessPassMethods`). Requires delegated
 * `UserAuthMethod-TAP.ReadWrite.All` and the operator's Authentication Administrator (members) or
 * Privileged Authentication Administrator (also admins) role.
 *
 * Graph rules (DESIGN.md): the code is returned only by create; one pass per user, so a create replaces
 * the existing pass; lifetime 10..43200 minutes and inside the tenant policy. Create is never retried.
 */
import { AppError } from '../app-error';
import type { GraphTransport } from './graph-adapter';

/** A pass as Graph describes it. `temporaryAccessPass` is null except in the create response. */
export interface TemporaryAccessPass {
  readonly id: string;
  readonly temporaryAccessPass: string | null;
  readonly createdDateTime: string;
  readonly startDateTime: string;
  readonly lifetimeInMinutes: number;
  readonly isUsableOnce: boolean;
  readonly isUsable: boolean;
  readonly methodUsabilityReason:
    'EnabledByPolicy' | 'DisabledByPolicy' | 'Expired' | 'NotYetValid' | 'OneTimeUsed' | string;
}

/** What the operator (or a template) asks for; omitted fields take the tenant policy's defaults. */
export interface TapRequest {
  readonly startDateTime?: string;
  readonly lifetimeInMinutes?: number;
  readonly isUsableOnce?: boolean;
}

/** Graph's absolute lifetime bounds, in minutes (the tenant policy may narrow them). */
export const TAP_LIFETIME_BOUNDS = { min: 10, max: 43_200 } as const;

const base = (userId: string) => `/users/${encodeURIComponent(userId)}/authentication/temporaryAccessPassMethods`;

/** Lists the user's pass (at most one), without its code. */
export async function listTaps(graph: GraphTransport, userId: string): Promise<TemporaryAccessPass[]> {
  const res = await graph.call<{ value?: TemporaryAccessPass[] }>({ method: 'GET', path: base(userId) });
  return res.value ?? [];
}

/**
 * Creates a pass, replacing any existing one. Sent once: on a timeout or 5xx the pass may exist, and the
 * error says a retry is not known to be safe (`fields.retrySafe === false`).
 */
export async function createTap(
  graph: GraphTransport,
  userId: string,
  request: TapRequest,
): Promise<TemporaryAccessPass> {
  const lifetime = request.lifetimeInMinutes;
  if (
    lifetime !== undefined &&
    (!Number.isInteger(lifetime) || lifetime < TAP_LIFETIME_BOUNDS.min || lifetime > TAP_LIFETIME_BOUNDS.max)
  ) {
    throw new AppError(
      'entra',
      'TAP_LIFETIME_OUT_OF_RANGE',
      `A pass lifetime must be a whole number of minutes from ${TAP_LIFETIME_BOUNDS.min} to ${TAP_LIFETIME_BOUNDS.max}.`,
      { lifetime },
    );
  }
  const body: Record<string, unknown> = {};
  if (request.startDateTime !== undefined) body.startDateTime = request.startDateTime;
  if (lifetime !== undefined) body.lifetimeInMinutes = lifetime;
  if (request.isUsableOnce !== undefined) body.isUsableOnce = request.isUsableOnce;
  return graph.call<TemporaryAccessPass>({ method: 'POST', path: base(userId), body });
}

/** Deletes a pass by its id. */
export async function deleteTap(graph: GraphTransport, userId: string, tapId: string): Promise<void> {
  await graph.call<unknown>({ method: 'DELETE', path: `${base(userId)}/${encodeURIComponent(tapId)}` });
}

/** When a pass stops being usable (start + lifetime). */
export function tapExpiry(tap: Pick<TemporaryAccessPass, 'startDateTime' | 'lifetimeInMinutes'>): Date {
  return new Date(Date.parse(tap.startDateTime) + tap.lifetimeInMinutes * 60_000);
}
