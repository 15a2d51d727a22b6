/**
 * `POST /api/mail` and `POST /api/mail/test` through `app.request()`, with the real token verifier, the
 * Entra emulator's Graph over https (app-only token) and an SMTP catcher on loopback. Every refusal also
 * checks that nothing reached the catcher.
 */
import { describe, expect, it } from 'vitest';
import { BODY_LIMIT_BYTES } from '../app';
import { post, relayToken, tapRequest, USERS, useMailSuite } from '../../test/support/mail-world';
import type { ErrorJson } from '../../test/support/relay-app';

const suite = useMailSuite();

/** Asserts the error status and code, and that no message reached the catcher. */
async function expectRefused(res: Response, status: number, code: string): Promise<ErrorJson['error']> {
  const body = (await res.json()) as ErrorJson;
  expect([res.status, body.error?.code]).toEqual([status, code]);
  expect(body.error.requestId).toBe(res.headers.get('X-Request-Id'));
  expect(suite.world.catcher.messages()).toHaveLength(0);
  return body.error;
}

describe('POST /api/mail: sending', () => {
  it('renders with the Graph user and the operator, escapes HTML, and sends to the target user', async () => {
    const res = await post(suite.relay.app, suite.aisha, tapRequest());
    expect(res.status).toBe(200);
    const body = (await res.json()) as { messageId: string; accepted: string[]; rejected: string[]; requestId: string };
    expect(body).toEqual({
      messageId: expect.stringMatching(/^<[0-9a-f-]{36}@contoso\.example>$/),
      accepted: ['ben.member@contoso.example'],
      rejected: [],
      requestId: res.headers.get('X-Request-Id'),
    });
    const m = await suite.world.catcher.waitForMessage(() => true, 3000);
    expect(m.subject).toBe('Your Temporary Access Pass, Ben');
    expect(m.to).toEqual([{ name: '', address: 'ben.member@contoso.example' }]);
    expect(m.envelope).toEqual({ from: 'keyward@contoso.example', to: ['ben.member@contoso.example'] });
    expect(m.from).toEqual({ name: 'Keyward', address: 'keyward@contoso.example' });
    expect(m.text).toContain('Hello Ben Member, your pass b6f1c3a2-0000-4000-8000-000000000001 is Xq7#mP2k.');
    expect(m.text).toContain('Card 1234<5678>&"9". -- Aisha Operator');
    expect(m.html).toBe(
      '<p>Hello Ben Member, your pass is <b>Xq7#mP2k</b> for card 1234&lt;5678&gt;&amp;&quot;9&quot;.</p>',
    );
    expect(m.headers['message-id']).toBe(body.messageId);
  });

  it("accepts a Cc to another of the user's own addresses when its domain is allowed", async () => {
    await suite.rebuild({ ALLOWED_DOMAINS: 'contoso.example,personal.example' });
    const res = await post(
      suite.relay.app,
      suite.aisha,
      tapRequest({ template: { cc: 'Ben at home <ben.member@personal.example>' } }),
    );
    expect(res.status).toBe(200);
    const m = await suite.world.catcher.waitForMessage(() => true, 3000);
    expect(m.cc).toEqual([{ name: 'Ben at home', address: 'ben.member@personal.example' }]);
    expect(m.envelope.to).toEqual(['ben.member@contoso.example', 'ben.member@personal.example']);
  });

  it("sends the fixed test message to the operator's own mail", async () => {
    const res = await post(suite.relay.app, suite.aisha, undefined, { path: '/api/mail/test', key: null });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: ['aisha.operator@contoso.example'], rejected: [] });
    const m = await suite.world.catcher.waitForMessage(() => true, 3000);
    expect([m.subject, m.to[0]?.address]).toEqual(['Keyward relay test', 'aisha.operator@contoso.example']);
    expect(m.text).toContain('at the request of Aisha Operator');
  });
});

describe('POST /api/mail: refusals', () => {
  it('refuses requests without a valid operator token', async () => {
    await expectRefused(await post(suite.relay.app, null, tapRequest()), 401, 'TOKEN_MISSING');
    await expectRefused(await post(suite.relay.app, 'not.a.jwt', tapRequest()), 401, 'TOKEN_MALFORMED');
    const graphToken = await suite.world.emulator.control.mintAccessToken({
      userId: USERS.aisha,
      audience: 'graph',
      scopes: ['User.Read'],
    });
    await expectRefused(await post(suite.relay.app, graphToken, tapRequest()), 401, 'TOKEN_GRAPH_AUDIENCE');
    const expired = await suite.world.emulator.control.mintAccessToken({
      userId: USERS.aisha,
      audience: 'relay',
      scopes: ['Mail.Send'],
      expiresInSeconds: -600,
    });
    await expectRefused(await post(suite.relay.app, expired, tapRequest()), 401, 'TOKEN_EXPIRED');
  });

  it('refuses a signed-in user without the operator app role, on both routes', async () => {
    const nina = await relayToken(suite.world, USERS.nina);
    await expectRefused(await post(suite.relay.app, nina, tapRequest()), 403, 'ROLE_MISSING');
    await expectRefused(await post(suite.relay.app, nina, undefined, { path: '/api/mail/test' }), 403, 'ROLE_MISSING');
  });

  it(`refuses a body over ${BODY_LIMIT_BYTES} bytes with 413`, async () => {
    const big = { ...tapRequest(), padding: 'x'.repeat(BODY_LIMIT_BYTES) };
    await expectRefused(await post(suite.relay.app, suite.aisha, big, { asIs: true }), 413, 'BODY_TOO_LARGE');
  });

  it('refuses malformed JSON and a body that is not JSON', async () => {
    await expectRefused(await post(suite.relay.app, suite.aisha, '{"template": {'), 400, 'BAD_REQUEST');
    await expectRefused(
      await post(suite.relay.app, suite.aisha, 'template=x', { contentType: 'application/x-www-form-urlencoded' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it.each([
    ['an unknown top-level field', { ...tapRequest(), bcc: 'x@contoso.example' }, 'body: bcc is not a known field'],
    [
      'a template reference with another field',
      { ...tapRequest(), template: { id: 'tap-mail', version: 1, subject: 'Hi' } },
      'template: subject is not a known field',
    ],
    [
      'a template version that is not a number',
      { ...tapRequest(), template: { id: 'tap-mail', version: '1' } },
      'template.version: must be a version number',
    ],
    [
      'a targetUserId that is not a GUID',
      tapRequest({ targetUserId: 'ben.member@contoso.example' }),
      'targetUserId: must be an Entra object id (a GUID)',
    ],
    [
      'a value that is not a string',
      tapRequest({ values: { AadTapLifetimeMinutes: 60 } }),
      'values.AadTapLifetimeMinutes: must be a string',
    ],
    [
      'a value for no template variable',
      tapRequest({ values: { Password: 'x' } }),
      'values: Password is not a template variable',
    ],
    ['values that are not an object', { ...tapRequest(), values: 'AadTapCode=x' }, 'values: must be an object'],
  ])('refuses %s (INVALID_REQUEST, naming the problem)', async (_what, body, problem) => {
    const error = await expectRefused(await post(suite.relay.app, suite.aisha, body), 400, 'INVALID_REQUEST');
    expect(error.problems).toContain(problem);
  });

  it('lists every problem at once and never quotes a value (it may hold a TAP code)', async () => {
    const code = 'Xy7-Tap-Secret-' + 'q'.repeat(1000);
    const res = await post(suite.relay.app, suite.aisha, {
      template: { id: code, version: 1 },
      values: { AadTapCode: code },
      targetUserId: code,
    });
    const error = await expectRefused(res, 400, 'INVALID_REQUEST');
    expect(error.problems).toHaveLength(3);
    expect(JSON.stringify(error)).not.toContain('Xy7-Tap-Secret');
  });

  it('refuses client-sent values for the variables the relay fills', async () => {
    const res = await post(
      suite.relay.app,
      suite.aisha,
      tapRequest({ values: { Mail: 'attacker@contoso.example', OperatorName: 'Someone' } }),
    );
    expect((await expectRefused(res, 400, 'RESERVED_VARIABLE')).message).toMatch(/Mail, OperatorName/);
  });

  it('refuses header injection in the subject and in a recipient', async () => {
    const subject = tapRequest({
      template: { subject: 'Card ${CardSerial}' },
      values: { CardSerial: 'x\r\nBcc: evil@contoso.example' },
    });
    await expectRefused(await post(suite.relay.app, suite.aisha, subject), 400, 'HEADER_INJECTION');
    const recipient = tapRequest({
      template: { to: '${Mail}, ${CardSerial}' },
      values: { CardSerial: 'ada.admin@contoso.example\nBcc: evil@contoso.example' },
    });
    await expectRefused(await post(suite.relay.app, suite.aisha, recipient), 400, 'HEADER_INJECTION');
  });

  it("refuses a recipient that is not one of the target user's addresses, naming it", async () => {
    const res = await post(suite.relay.app, suite.aisha, tapRequest({ template: { cc: 'ada.admin@contoso.example' } }));
    const error = await expectRefused(res, 403, 'RECIPIENT_NOT_ALLOWED');
    expect(error.message).toContain('ada.admin@contoso.example');
    expect(error.retryable).toBe(false);
  });

  it("refuses the user's own address when its domain is not allowed", async () => {
    const res = await post(
      suite.relay.app,
      suite.aisha,
      tapRequest({ template: { to: 'ben.member@personal.example' } }),
    );
    expect((await expectRefused(res, 403, 'RECIPIENT_NOT_ALLOWED')).message).toMatch(
      /ben\.member@personal\.example: its domain personal\.example is not one of ALLOWED_DOMAINS/,
    );
  });

  it('refuses guests, disabled accounts and unknown users', async () => {
    await expectRefused(
      await post(suite.relay.app, suite.aisha, tapRequest({ targetUserId: USERS.gary })),
      403,
      'USER_IS_GUEST',
    );
    await expectRefused(
      await post(suite.relay.app, suite.aisha, tapRequest({ targetUserId: USERS.ivan })),
      403,
      'USER_DISABLED',
    );
    await expectRefused(
      await post(suite.relay.app, suite.aisha, tapRequest({ targetUserId: '00000000-0000-4000-8000-000000000000' })),
      404,
      'USER_NOT_FOUND',
    );
  });

  it('requires a well-formed Idempotency-Key', async () => {
    await expectRefused(
      await post(suite.relay.app, suite.aisha, tapRequest(), { key: null }),
      400,
      'IDEMPOTENCY_KEY_REQUIRED',
    );
    await expectRefused(
      await post(suite.relay.app, suite.aisha, tapRequest(), { key: 'has space' }),
      400,
      'IDEMPOTENCY_KEY_INVALID',
    );
    await expectRefused(
      await post(suite.relay.app, suite.aisha, tapRequest(), { key: 'k'.repeat(129) }),
      400,
      'IDEMPOTENCY_KEY_INVALID',
    );
  });

  it('answers 503 GRAPH_UNAVAILABLE with Retry-After when Graph throttles', async () => {
    suite.world.emulator.control.inject429(1, 7);
    const res = await post(suite.relay.app, suite.aisha, tapRequest());
    expect((await expectRefused(res, 503, 'GRAPH_UNAVAILABLE')).retryable).toBe(true);
    expect(res.headers.get('Retry-After')).toBe('7');
  });
});
