/**
 * Test fixture: an emulator on real https, and a Graph caller that signs requests with tokens minted
 * for a seeded user (by display name) and a chosen set of scopes.
 */
import { type EntraEmulator } from './index';
import { createLocalTls } from '../local-tls';
import { httpsRequest, type HttpsResponse } from './test-https';
import { startTestEntra } from '../../test/support/test-entra';
import { afterAll, afterEach, beforeAll } from 'vitest';

/** The SPA origin the fixture registers (CORS). */
export const SPA_ORIGIN = 'http://localhost:8080';

/** Every Graph scope the SPA is configured with. */
export const OPERATOR_SCOPES = [
  'User.Read',
  'User.Read.All',
  'UserAuthMethod-TAP.ReadWrite.All',
  'Policy.Read.AuthenticationMethod',
  'GroupMember.Read.All',
];

/** A started emulator plus helpers. */
export interface GraphFixture {
  emulator: EntraEmulator;
  /** The test CA the emulator's certificate chains to. */
  ca: string;
  logLines: string[];
  /** Calls `${graphBaseUrl}${path}` as `as` (display name) with `scopes`; `token: null` sends none. */
  graph(path: string, opts?: GraphCallOptions): Promise<GraphResponse>;
  /** Id of a seeded user by display name. */
  idOf(displayName: string): string;
  /** An access token for the seeded user `displayName`, as the emulator's sign-in would issue it. */
  mint(displayName: string, audience: 'graph' | 'relay', scopes: string[], expiresInSeconds?: number): Promise<string>;
  close(): Promise<void>;
}

/** Options of one Graph call. */
export interface GraphCallOptions {
  as?: string;
  scopes?: string[];
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Overrides the bearer token; `null` sends no Authorization header. */
  token?: string | null;
}

/** A response with its JSON body parsed (undefined when empty). */
export interface GraphResponse extends HttpsResponse {
  json: Record<string, unknown> & { error?: { code: string; message: string; innerError: Record<string, string> } };
}

/** Starts the emulator on a free port. */
export async function startGraphFixture(): Promise<GraphFixture> {
  const local = await createLocalTls(1);
  const logLines: string[] = [];
  const emulator = await startTestEntra(local, {
    spaRedirectUris: [`${SPA_ORIGIN}/auth-redirect.html`],
    log: (line) => logLines.push(line),
  });
  const idOf = (name: string) => emulator.tenant.byDisplayName(name).id;
  const mint: GraphFixture['mint'] = (name, audience, scopes, expiresInSeconds) =>
    emulator.control.mintAccessToken({ userId: idOf(name), audience, scopes, expiresInSeconds });
  const graph = async (path: string, opts: GraphCallOptions = {}): Promise<GraphResponse> => {
    const token =
      opts.token !== undefined
        ? opts.token
        : await mint(opts.as ?? 'Aisha Operator', 'graph', opts.scopes ?? OPERATOR_SCOPES);
    const headers: Record<string, string> = { ...opts.headers };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await httpsRequest(`${emulator.graphBaseUrl}${path}`, {
      ca: local.caPem,
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    return { ...res, json: res.text ? (JSON.parse(res.text) as GraphResponse['json']) : {} };
  };
  return { emulator, ca: local.caPem, logLines, graph, idOf, mint, close: () => emulator.close() };
}

/** Asserts nothing; returns the error of a Graph error response for `expect` chains. */
export function errorOf(res: GraphResponse): { code: string; message: string; innerError: Record<string, string> } {
  if (!res.json.error) throw new Error(`expected a Graph error, got HTTP ${res.status}: ${res.text.slice(0, 200)}`);
  return res.json.error;
}

/**
 * Registers the hooks of a test file over one {@link startGraphFixture}: started before the file's tests
 * (then `afterEachTest` after each, e.g. to restore a policy a test changed), closed after. Returns the
 * fixture, once started.
 */
export function useGraphFixture(afterEachTest?: (fx: GraphFixture) => void): () => GraphFixture {
  let fx: GraphFixture | undefined;
  beforeAll(async () => {
    fx = await startGraphFixture();
  });
  afterAll(async () => {
    await fx?.close();
  });
  if (afterEachTest) afterEach(() => afterEachTest(fx!));
  return () => fx!;
}
