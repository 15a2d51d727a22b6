/**
 * The TAP broker against the Entra emulator over https (app-only token, the emulator's TAP rules), and
 * what it does when Graph's answer is lost or is a 5xx: TAP_OUTCOME_UNKNOWN, the create sent once and
 * never again. Those two answers are made at the outer boundary, the HTTP seam, since the emulator
 * always answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_RELAY_CLIENT_ID, DEMO_RELAY_CLIENT_SECRET } from '../../demo/entra-emulator/index';
import { startMailWorld, USERS, type MailWorld } from '../../test/support/mail-world';
import { relayFailure } from '../../test/support/relay-app';
import { createAppTokenSource } from './app-token';
import type { HttpFetch } from './http-fetch';
import { createTapBroker } from './tap-broker';

let world: MailWorld;
beforeAll(async () => {
  world = await startMailWorld();
}, 120_000);
afterAll(() => world.close());

/** A broker over `world` whose TAP creates go through `create` (counted); everything else is real. */
function brokerWith(create?: (url: string, init: Parameters<HttpFetch>[1]) => Promise<Response>) {
  const creates: string[] = [];
  const fetch: HttpFetch = (url, init) => {
    if (!url.endsWith('/temporaryAccessPassMethods')) return world.fetch(url, init);
    creates.push(url);
    return create ? create(url, init) : world.fetch(url, init);
  };
  const tokens = createAppTokenSource({
    issuer: world.emulator.issuer,
    clientId: DEMO_RELAY_CLIENT_ID,
    clientSecret: DEMO_RELAY_CLIENT_SECRET,
    fetch,
  });
  return { broker: createTapBroker({ baseUrl: world.emulator.graphBaseUrl, tokens, fetch, timeoutMs: 500 }), creates };
}

describe('the TAP broker', () => {
  it("creates the holder's pass with an app-only token, lifetime and single use as asked", async () => {
    const { broker, creates } = brokerWith();
    const tap = await broker.create(USERS.ben, { lifetimeInMinutes: 90, isUsableOnce: true });
    expect(tap).toMatchObject({ lifetimeInMinutes: 90, isUsableOnce: true });
    expect(tap.temporaryAccessPass).toBe(world.emulator.control.tapFor(USERS.ben)?.temporaryAccessPass);
    expect(creates).toHaveLength(1);
  });

  it('refuses what Graph refuses: a guest, a lifetime outside the tenant policy, no application permission', async () => {
    const { broker } = brokerWith();
    expect((await relayFailure(broker.create(USERS.gary, { lifetimeInMinutes: 60, isUsableOnce: true }))).code).toBe(
      'TAP_REFUSED',
    );
    const long = await relayFailure(broker.create(USERS.ben, { lifetimeInMinutes: 5000, isUsableOnce: true }));
    expect([long.code, long.message]).toEqual(['TAP_REFUSED', expect.stringContaining('Invalid LifetimeInMinutes')]);
    world.emulator.control.withholdAppConsent(['UserAuthMethod-TAP.ReadWrite.All']);
    try {
      const fresh = brokerWith().broker;
      expect((await relayFailure(fresh.create(USERS.ben, { lifetimeInMinutes: 60, isUsableOnce: true }))).code).toBe(
        'GRAPH_APP_AUTH_FAILED',
      );
    } finally {
      world.emulator.control.withholdAppConsent([]);
    }
  });

  it('never retries a create whose outcome is unknown: a 5xx, a lost answer, a timeout', async () => {
    const outcomes: Array<(url: string, init: Parameters<HttpFetch>[1]) => Promise<Response>> = [
      async () => new Response('{}', { status: 503 }),
      async () => Promise.reject(new TypeError('socket hang up')),
      (_, init) =>
        new Promise((_resolve, reject) =>
          init.signal?.addEventListener('abort', () => reject(new DOMException('timed out', 'TimeoutError'))),
        ),
    ];
    for (const outcome of outcomes) {
      const { broker, creates } = brokerWith(outcome);
      const e = await relayFailure(broker.create(USERS.ben, { lifetimeInMinutes: 60, isUsableOnce: true }));
      expect([e.code, e.fields.retryable, creates.length]).toEqual(['TAP_OUTCOME_UNKNOWN', false, 1]);
      expect(e.message).toContain('helpdesk');
    }
  });
});
