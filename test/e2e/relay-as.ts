/**
 * The e2e run's relay reached from the test process as a seeded person, with the access token the Entra
 * emulator would give them after they clicked their name on its sign-in page (its test-only control,
 * `POST /_emulator/relay-token`). For setting up what a test is not about (a published template, a card
 * registered for a holder) and for reading what the relay recorded (the audit trail as the auditor),
 * through the relay's own API.
 */
import { request, type APIRequestContext } from '@playwright/test';
import { E2E_PORTS } from '../../playwright.config';
import { fromBase64 } from '../../src/bytes';
import type { AuditRow, Card, PublishedTemplate, TransitionBody } from '../../src/relay-api/contract';

const IDP = `https://localhost:${E2E_PORTS.idp}`;
const RELAY = `http://localhost:${E2E_PORTS.relay}`;

/** The relay as `upn` (a seeded user of demo/entra-emulator/tenant-people.ts). */
export interface RelayAs {
  /** Publishes `body` as the next version of card or export template `id` (a new template: `expectedVersion` 0). */
  publish(
    kind: 'card' | 'export',
    id: string,
    body: Record<string, unknown>,
    expectedVersion?: number,
  ): Promise<PublishedTemplate>;
  /** Applies a card transition (an operator's call), e.g. to register a card the test is not about. */
  transition(cardId: string, body: TransitionBody): Promise<Card>;
  /** The card master key the relay holds: fingerprint, source, used (an administrator's call). */
  cardMasterKey(): Promise<{ fingerprint: string; source: string; used: boolean }>;
  /** One card's PUK for `operation`, as a console gets it (an operator's call; audited as `key.release`). */
  releasePuk(cardId: string, operation: 'issue' | 'unblock' | 'retire'): Promise<string>;
  /**
   * The management key the relay derives for issuing `cardId` (an operator's call; audited): released only
   * for a card not in anyone's hands, so a test asks for an issued card's key once it is retired, naming
   * the CHUID GUID and algorithm the registry recorded for it.
   */
  releaseManagementKey(cardId: string, card: Pick<Card, 'chuidGuid' | 'managementKeyAlgorithm'>): Promise<Uint8Array>;
  /** The registry's record of `cardId` (an operator's call). */
  card(cardId: string): Promise<Card>;
  /** The newest audit rows (an auditor's call). */
  audit(query?: Record<string, string>): Promise<AuditRow[]>;
  dispose(): Promise<void>;
}

async function ok<T>(response: Awaited<ReturnType<APIRequestContext['get']>>): Promise<T> {
  if (!response.ok()) throw new Error(`relay answered ${response.status()}: ${await response.text()}`);
  return (await response.json()) as T;
}

/** Signs `upn` in at the emulator and returns the relay as them. */
export async function relayAs(upn: string): Promise<RelayAs> {
  const idp = await request.newContext({ baseURL: IDP, ignoreHTTPSErrors: true });
  const { token } = await ok<{ token: string }>(await idp.post('/_emulator/relay-token', { data: { upn } }));
  await idp.dispose();
  const relay = await request.newContext({ baseURL: RELAY, extraHTTPHeaders: { Authorization: `Bearer ${token}` } });
  const release = async (cardId: string, body: Record<string, string>) =>
    ok<{ puk?: string; key?: string }>(
      await relay.post(`/api/card-keys/${encodeURIComponent(cardId)}/release`, { data: body }),
    );
  return {
    publish: async (kind, id, body, expectedVersion = 0) =>
      ok<PublishedTemplate>(
        await relay.put(`/api/templates/${kind}/${encodeURIComponent(id)}`, { data: { expectedVersion, body } }),
      ),
    transition: async (cardId, body) =>
      ok<Card>(await relay.post(`/api/cards/${encodeURIComponent(cardId)}/transitions`, { data: body })),
    cardMasterKey: async () => ok(await relay.get('/api/card-keys/master-key')),
    releasePuk: async (cardId, operation) => (await release(cardId, { operation, secret: 'puk' })).puk!,
    releaseManagementKey: async (cardId, { chuidGuid, managementKeyAlgorithm }) => {
      const body = { operation: 'issue', secret: 'management-key', chuidGuid, algorithm: managementKeyAlgorithm ?? '' };
      return fromBase64((await release(cardId, body)).key!);
    },
    card: async (cardId) => ok<Card>(await relay.get(`/api/cards/${encodeURIComponent(cardId)}`)),
    audit: async (query = {}) =>
      (await ok<{ entries: AuditRow[] }>(await relay.get('/api/audit', { params: { limit: '200', ...query } })))
        .entries,
    dispose: () => relay.dispose(),
  };
}
