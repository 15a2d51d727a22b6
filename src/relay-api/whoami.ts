/**
 * The relay's view of the operator: `GET /api/whoami` with a token for the relay's own API scope.
 * The relay never accepts Graph tokens (DESIGN.md, "Relay").
 */
import { AppError } from '../app-error';

/** What the relay says about the caller. */
export interface RelayCaller {
  readonly name: string;
  readonly roles: readonly string[];
  readonly isOperator: boolean;
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
  return {
    name: String(body.name ?? ''),
    roles: Array.isArray(body.roles) ? body.roles.map(String) : [],
    isOperator: body.isOperator === true,
  };
}
