/**
 * The relay's view of the operator: `GET /api/whoami` with a token for the relay's own API scope.
 * The relay never accepts Graph tokens (DESIGN.md, "Relay").
 */
import { AppError } from '../app-error';
import { WhoAmI } from './contract';

/** What the relay says about the caller: who they are and what their app roles let them do. */
export interface RelayCaller {
  readonly name: string;
  readonly roles: readonly string[];
  readonly isOperator: boolean;
  readonly isAdministrator: boolean;
  readonly isAuditor: boolean;
}

/** Asks the relay who the bearer of `token` is. */
export async function fetchRelayCaller(
  relayUrl: string,
  token: string,
  fetchImpl: typeof fetch = fetch,
): Promise<RelayCaller> {
  let res: Response;
  try {
    res = await fetchImpl(new URL('/api/whoami', relayUrl), { headers: { Authorization: `Bearer ${token}` } });
  } catch (cause) {
    throw new AppError(
      'relay-api',
      'RELAY_UNREACHABLE',
      `The relay at ${relayUrl} did not answer.`,
      { relayUrl },
      { cause },
    );
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    const err = (body.error ?? {}) as { code?: string; message?: string };
    throw new AppError(
      'relay-api',
      err.code ?? `HTTP_${res.status}`,
      err.message ?? `The relay answered HTTP ${res.status}.`,
      { status: res.status },
    );
  }
  const parsed = WhoAmI.safeParse(body);
  if (!parsed.success)
    throw new AppError('relay-api', 'RELAY_ANSWER_INVALID', 'The relay answered /api/whoami in an unexpected shape.', {
      status: res.status,
    });
  const { name, roles, isOperator, isAdministrator, isAuditor } = parsed.data;
  return { name, roles, isOperator, isAdministrator, isAuditor };
}
