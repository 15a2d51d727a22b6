import { describe, expect, it } from 'vitest';
import { isAppError } from '../app-error';
import { fetchRelayCaller } from './whoami';

/** A fetch that answers every request with `status` and `body` as JSON: the relay as seen over HTTP. */
const answering =
  (status: number, body: unknown): typeof fetch =>
  async () =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

const ADA = {
  oid: 'oid-ada',
  tid: 'tid',
  name: 'Ada Admin',
  preferredUsername: 'ada@contoso.example',
  scopes: ['Mail.Send'],
  roles: ['Keyward.Administrator'],
  isOperator: false,
  isAdministrator: true,
  isAuditor: false,
};

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

const relayAnswering = (f: typeof fetch) => ({ url: 'https://relay.example', token: async () => 'jwt', fetch: f });

describe('fetchRelayCaller', () => {
  it("reads the caller's name, roles and what they allow", async () => {
    expect(await fetchRelayCaller(relayAnswering(answering(200, ADA)))).toEqual({
      name: 'Ada Admin',
      roles: ['Keyward.Administrator'],
      isOperator: false,
      isAdministrator: true,
      isAuditor: false,
    });
  });

  it("refuses an answer that is not the contract's WhoAmI", async () => {
    const { isAuditor: _, ...older } = ADA;
    const e = await failure(fetchRelayCaller(relayAnswering(answering(200, older))));
    expect(isAppError(e, 'relay-api', 'RELAY_ANSWER_INVALID')).toBe(true);
  });

  it("raises the relay's error code", async () => {
    const body = { error: { code: 'TOKEN_EXPIRED', message: 'expired', retryable: true, requestId: 'r' } };
    const e = await failure(fetchRelayCaller(relayAnswering(answering(401, body))));
    expect(isAppError(e, 'relay-api', 'TOKEN_EXPIRED')).toBe(true);
  });
});
