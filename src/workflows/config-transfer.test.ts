/**
 * Configuration backup and import over the real relay (test/support/relay-world.ts) and fake-indexeddb:
 * connections are this browser's, templates are published through the relay and never overwritten.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PEOPLE, startRelayWorld, type RelayWorld } from '../../test/support/relay-world';
import { isAppError } from '../app-error';
import { fetchTemplates } from '../relay-api/templates';
import { readConnections, replaceConnections } from '../store/config-transfer';
import { saveConnection } from '../store/connections';
import type { ConnectionRecord } from '../store/db';
import { emptyCardDraft, publishCardTemplate } from './card-templates';
import { exportConfiguration, importConfiguration, parseConfiguration } from './config-transfer';
import { DEFAULT_TEMPLATE, publishDefaultTemplate, publishExportTemplate } from './export-templates';
import { keepKeyLikeAnOlderKeyward } from '../../test/support/older-browser-key';
import { RelayTemplateStore } from './template-store';

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e,
  );
}

let world: RelayWorld;
let store: RelayTemplateStore;
let baseline = '';

/** Two connections, two data-export templates and two card templates, one with TAP and Initiate Card. */
async function seed(): Promise<void> {
  await saveConnection('relay', { relayUrl: 'https://relay.contoso.example', zeta: [1, { b: 2, a: null }] });
  await saveConnection('entra', { tenantId: 't-1', clientId: 'c-1' });
  const tap = await publishDefaultTemplate(store);
  const second = await publishExportTemplate(
    store,
    { ...DEFAULT_TEMPLATE, name: 'Card activation', subject: 'Your card, ${GivenName}' },
    null,
  );
  const plain = emptyCardDraft();
  plain.name = 'Plain PIV';
  plain.allowedCredentialTypes = ['piv'];
  await publishCardTemplate(store, plain, null);
  const tapCard = emptyCardDraft();
  tapCard.name = 'YubiKey with TAP';
  tapCard.issue.certificate = {
    slot: '9c',
    algorithm: 'RSA2048',
    subject: 'CN=${DisplayName}',
    upnSan: '${UserPrincipalName}',
  };
  tapCard.tap = {
    ...tapCard.tap,
    enabled: true,
    operatorMayGenerate: true,
    showCode: true,
    operatorDeliverTemplateId: second.id,
    lifetimeOverrideMinutes: 90,
    usableOnce: true,
  };
  tapCard.initiate = { systemGeneratesTap: true, exportTemplateIds: [tap.id, second.id] };
  await publishCardTemplate(store, tapCard, null);
}

/** The relay's templates as every operator reads them: kind, name and version. */
const onRelay = async () =>
  (await fetchTemplates(world.endpoint(PEOPLE.olivia))).map((t) => [t.kind, t.name, t.version, t.withdrawn]);

beforeAll(async () => {
  world = await startRelayWorld();
  store = new RelayTemplateStore(() => world.endpoint(PEOPLE.adam));
  await seed();
  baseline = (await exportConfiguration(store)).text;
}, 60_000);
afterAll(() => world?.close());

describe('configuration export and import', () => {
  beforeEach(async () => {
    await world.reset();
    await importConfiguration(baseline, store);
  });

  it('round-trips byte for byte through an empty relay, and leaves the master key out', async () => {
    await keepKeyLikeAnOlderKeyward('a long enough passphrase');
    const parsed = JSON.parse(baseline) as Record<string, unknown[]>;
    expect(Object.keys(parsed)).toEqual(['format', 'version', 'connections', 'exportTemplates', 'cardTemplates']);
    expect([parsed.connections!.length, parsed.exportTemplates!.length, parsed.cardTemplates!.length]).toEqual([
      2, 2, 2,
    ]);
    expect(baseline).not.toMatch(/card-master-key|publication/);

    await world.reset();
    const summary = await importConfiguration(baseline, store);
    expect(summary.connections).toBe(2);
    // Data-export templates first: card templates refer to them.
    expect(summary.published.map((t) => t.kind)).toEqual(['export', 'export', 'card', 'card']);
    expect(summary.published.map((t) => `${t.kind} ${t.name} v${t.version}`).sort()).toEqual([
      'card Plain PIV v1',
      'card YubiKey with TAP v1',
      'export Card activation v1',
      'export Temporary Access Pass v1',
    ]);
    expect([summary.unchanged, summary.conflicts]).toEqual([[], []]);
    expect((await exportConfiguration(store)).text).toBe(baseline);
  });

  it('leaves templates published as they are, and lists a changed or withdrawn one as a conflict, never overwritten', async () => {
    const again = await importConfiguration(baseline, store);
    expect([again.published, again.conflicts]).toEqual([[], []]);
    expect(again.unchanged).toHaveLength(4);

    const [activation, plain] = [
      (await store.published('export')).find((t) => t.name === 'Card activation')!,
      (await store.published('card')).find((t) => t.name === 'Plain PIV')!,
    ];
    await publishExportTemplate(
      store,
      { ...DEFAULT_TEMPLATE, name: 'Card activation', subject: 'Changed' },
      activation,
    );
    await store.withdraw('card', plain.id, 1);
    const summary = await importConfiguration(baseline, store);
    expect(summary.conflicts.map((c) => [c.name, c.reason, c.current?.publication.version])).toEqual([
      ['Card activation', 'changed', 2],
      ['Plain PIV', 'withdrawn', 1],
    ]);
    expect(summary.conflicts[0]!.current?.publication.publishedBy.name).toBe('Adam Admin');
    expect(await onRelay()).toEqual([
      ['card', 'Plain PIV', 1, true],
      ['card', 'YubiKey with TAP', 1, false],
      ['export', 'Card activation', 2, false],
      ['export', 'Temporary Access Pass', 1, false],
    ]);
  });

  it('backs up a card template whose email was withdrawn, and imports that backup listing the reference', async () => {
    const activation = (await store.published('export')).find((t) => t.name === 'Card activation')!;
    await store.withdraw('export', activation.id, 1);
    const backup = (await exportConfiguration(store)).text;
    expect(JSON.parse(backup).exportTemplates).toHaveLength(1);

    await world.reset();
    const summary = await importConfiguration(backup, store);
    expect(summary.unresolvedEmails).toEqual([
      { cardTemplate: 'YubiKey with TAP', field: 'tap.operatorDeliverTemplateId', exportTemplateId: activation.id },
      { cardTemplate: 'YubiKey with TAP', field: 'initiate.exportTemplateIds[1]', exportTemplateId: activation.id },
    ]);
    // Emails first, then card templates; within a kind the file lists them by id, which is random.
    expect(summary.published.map((t) => t.kind)).toEqual(['export', 'card', 'card']);
    expect(summary.published.map((t) => `${t.kind} ${t.name}`).sort()).toEqual([
      'card Plain PIV',
      'card YubiKey with TAP',
      'export Temporary Access Pass',
    ]);
    expect(summary.conflicts).toEqual([]);
    // Nothing lost: the relay holds what the backup held.
    expect((await exportConfiguration(store)).text).toBe(backup);
    // A complete file lists nothing.
    await world.reset();
    expect((await importConfiguration(baseline, store)).unresolvedEmails).toEqual([]);
  });

  it('replaces the connections: settings missing from the file are gone afterwards', async () => {
    const file = JSON.parse(baseline) as { connections: unknown[] };
    file.connections = file.connections.slice(0, 1);
    await importConfiguration(JSON.stringify(file), store);
    expect((await readConnections()).map((c) => c.id)).toEqual(['entra']);
  });

  it('changes nothing when anything is wrong, and names every problem by its path', async () => {
    await world.reset();
    const before = await readConnections();
    const file = JSON.parse(baseline) as {
      cardTemplates: Record<string, Record<string, unknown>>[];
      exportTemplates: Record<string, unknown>[];
      connections: unknown[];
      extra?: unknown;
    };
    const tapIndex = file.cardTemplates.findIndex((t) => t.tap!.enabled);
    file.cardTemplates[tapIndex]!.tap!.lifetimeOverrideMinutes = 5;
    file.cardTemplates[tapIndex]!.initiate!.exportTemplateIds = ['missing'];
    file.exportTemplates[0]!.subject = 'Hi ${Bogus}';
    file.connections = [];
    file.extra = true;
    const e = await rejection(importConfiguration(JSON.stringify(file), store));
    expect(isAppError(e, 'workflows', 'INVALID_CONFIGURATION')).toBe(true);
    expect((e as { fields: { problems: string[] } }).fields.problems).toEqual([
      'extra is not a known field',
      'exportTemplates[0].subject is invalid: ${Bogus} is not a variable.',
      `cardTemplates[${tapIndex}].tap.lifetimeOverrideMinutes must be 10..43200`,
    ]);
    expect(await readConnections()).toEqual(before);
    expect(await onRelay()).toEqual([]);
  });

  it('publishes nothing and keeps the connections when the caller may not publish', async () => {
    await world.reset();
    const before = await readConnections();
    const operator = new RelayTemplateStore(() => world.endpoint(PEOPLE.olivia));
    const file = JSON.parse(baseline) as { connections: unknown[] };
    file.connections = [];
    await expect(importConfiguration(JSON.stringify(file), operator)).rejects.toMatchObject({ code: 'ROLE_MISSING' });
    expect(await readConnections()).toEqual(before);
    expect(await onRelay()).toEqual([]);
  });

  it('refuses files that are not a configuration at all', () => {
    const problems = (text: string) => {
      try {
        parseConfiguration(text);
        return [];
      } catch (e) {
        return (e as { fields: { problems: string[] } }).fields.problems;
      }
    };
    expect(problems('not json')).toEqual(['The file is not JSON']);
    expect(problems('[]')).toEqual(['The file must be an object']);
    expect(
      problems(
        '{"format":"keyward-card-master-key","version":2,"connections":{},"exportTemplates":[],"cardTemplates":[{}]}',
      ),
    ).toEqual(
      [
        'format must be "keyward-configuration"',
        'version must be 1',
        'connections must be a list',
        'cardTemplates[0].id must be a string',
        'cardTemplates[0].updatedAt must be a timestamp like 2026-01-31T09:00:00.000Z',
        'cardTemplates[0].name must be a string',
        'cardTemplates[0].description must be a string',
        'allowedCredentialTypes must be a list',
        'cardTemplates[0].issue must be an object',
        'cardTemplates[0].tap must be an object',
        'cardTemplates[0].initiate must be an object',
      ].map((l) => (l.startsWith('allowed') ? `cardTemplates[0].${l}` : l)),
    );
  });

  it('refuses duplicate ids and names inside the file', async () => {
    const file = JSON.parse(baseline) as { cardTemplates: Record<string, unknown>[] };
    file.cardTemplates.push({ ...file.cardTemplates[0]! });
    const e = await rejection(importConfiguration(JSON.stringify(file), store));
    const n = file.cardTemplates.length - 1;
    expect((e as { fields: { problems: string[] } }).fields.problems).toEqual([
      `cardTemplates[${n}].name is already used by another card template`,
      `cardTemplates[${n}].id is used by an earlier entry`,
    ]);
  });

  it('writes connections in one transaction: a write the store refuses rolls back the clear before it', async () => {
    const before = await readConnections();
    const keyless = { settings: {}, updatedAt: '2026-01-01T00:00:00.000Z' } as unknown as ConnectionRecord;
    await expect(replaceConnections([before[0]!, keyless])).rejects.toMatchObject({ name: 'DataError' });
    expect(await readConnections()).toEqual(before);
  });
});
