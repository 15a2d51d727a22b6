import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isAppError, type AppError } from '../app-error';
import { relayCall, type RelayEndpoint } from './request';

/** The relay as seen over HTTP: records each request and answers with `status` and `body`. */
function relayAnswering(status: number, body: unknown, headers: Record<string, string> = {}) {
  const seen: Request[] = [];
  const endpoint: RelayEndpoint = {
    url: 'https://relay.example',
    token: async () => 'jwt',
    fetch: async (input, init) => {
      seen.push(new Request(input, init));
      return new Response(JSON.stringify(body), {
        status,
        headers: { 'Content-Type': 'application/json', ...headers },
      });
    },
  };
  return { endpoint, seen };
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as AppError,
  );

const Answer = z.object({ ok: z.boolean() });

describe('relayCall', () => {
  it('sends the token, the query without empty values, and the idempotency key', async () => {
    const { endpoint, seen } = relayAnswering(200, { ok: true });
    const answer = await relayCall(endpoint, {
      path: '/api/cards',
      query: { holder: 'oid 1', state: undefined, before: '' },
      body: { a: 1 },
      idempotencyKey: 'k1',
      answer: Answer,
    });
    expect(answer).toEqual({ ok: true });
    expect(seen[0].method).toBe('POST');
    expect(seen[0].url).toBe('https://relay.example/api/cards?holder=oid+1');
    expect(seen[0].headers.get('Authorization')).toBe('Bearer jwt');
    expect(seen[0].headers.get('Idempotency-Key')).toBe('k1');
    expect(await seen[0].json()).toEqual({ a: 1 });
  });

  it("raises the relay's code with the current resource of a conflict", async () => {
    const current = { id: 'serial:1', state: 'retired' };
    const { endpoint } = relayAnswering(409, { error: { code: 'CARD_CHANGED_ELSEWHERE', message: 'm', current } });
    const e = await failure(relayCall(endpoint, { method: 'PUT', path: '/x', body: {}, answer: Answer }));
    expect(isAppError(e, 'relay-api', 'CARD_CHANGED_ELSEWHERE')).toBe(true);
    expect(e?.fields).toMatchObject({ status: 409, current });
  });

  it('marks a 503 retryable with its Retry-After', async () => {
    const { endpoint } = relayAnswering(503, { error: { code: 'DATABASE_UNAVAILABLE' } }, { 'Retry-After': '5' });
    const e = await failure(relayCall(endpoint, { path: '/x', answer: Answer }));
    expect(e?.fields).toMatchObject({ retryable: true, retryAfterSeconds: 5 });
  });

  it('refuses an answer outside the contract', async () => {
    const { endpoint } = relayAnswering(200, { ok: 'yes' });
    const e = await failure(relayCall(endpoint, { path: '/x', answer: Answer }));
    expect(isAppError(e, 'relay-api', 'RELAY_ANSWER_INVALID')).toBe(true);
  });

  it('says the relay did not answer, and that only an idempotent call is safe to repeat', async () => {
    const down: RelayEndpoint = {
      url: 'https://relay.example',
      token: async () => 'jwt',
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
    };
    const post = await failure(relayCall(down, { path: '/x', body: {}, answer: Answer }));
    expect(post?.code).toBe('RELAY_UNREACHABLE');
    expect(post?.fields.retryable).toBe(false);
    const get = await failure(relayCall(down, { path: '/x', answer: Answer }));
    expect(get?.fields.retryable).toBe(true);
  });

  it('stops waiting after timeoutMs and says so (RELAY_TIMEOUT), retryable with an idempotency key', async () => {
    const silent: RelayEndpoint = {
      url: 'https://relay.example',
      token: async () => 'jwt',
      // Never answers; settles only when the call's signal aborts, as the page's fetch does.
      fetch: (_input, init) =>
        new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason))),
    };
    const call = { path: '/x', body: {}, idempotencyKey: 'k', timeoutMs: 50, answer: Answer };
    const e = await failure(relayCall(silent, call));
    expect([e?.code, e?.fields.retryable, e?.fields.timeoutSeconds]).toEqual(['RELAY_TIMEOUT', true, 1]);
  });

  it('carries the relay’s tlsCause of an SMTP_TLS_FAILED', async () => {
    const body = { error: { code: 'SMTP_TLS_FAILED', message: 'm', retryable: false, tlsCause: 'name-mismatch' } };
    const { endpoint } = relayAnswering(502, body);
    const e = await failure(relayCall(endpoint, { path: '/x', body: {}, answer: Answer }));
    expect(e?.fields.tlsCause).toBe('name-mismatch');
  });
});
