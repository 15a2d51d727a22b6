/**
 * The configuration files the import refuses, over the real relay and fake-indexeddb: a file with any
 * problem changes nothing (no connection, no template), and every problem is named by its path.
 */
import { describe, expect, it } from 'vitest';
import { PEOPLE } from '../../test/support/relay-world';
import { rejectionOf } from '../../test/support/rejection';
import { readConnections } from '../store/config-transfer';
import { importConfiguration, parseConfiguration } from './config-transfer';
import { useSeededConfiguration } from './config-transfer-fixture';
import { RelayTemplateStore } from './template-store';

describe('configuration import refusals', () => {
  const cfg = useSeededConfiguration();

  it('changes nothing when anything is wrong, and names every problem by its path', async () => {
    const { world, store, baseline, onRelay } = cfg();
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
    const e = await rejectionOf(importConfiguration(JSON.stringify(file), store), 'workflows');
    expect(e.code).toBe('INVALID_CONFIGURATION');
    expect(e.fields.problems).toEqual([
      'extra is not a known field',
      'exportTemplates[0].subject is invalid: ${Bogus} is not a variable.',
      `cardTemplates[${tapIndex}].tap.lifetimeOverrideMinutes must be 10..43200`,
    ]);
    expect(await readConnections()).toEqual(before);
    expect(await onRelay()).toEqual([]);
  });

  it('publishes nothing and keeps the connections when the caller may not publish', async () => {
    const { world, baseline, onRelay } = cfg();
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
    const { store, baseline } = cfg();
    const file = JSON.parse(baseline) as { cardTemplates: Record<string, unknown>[] };
    file.cardTemplates.push({ ...file.cardTemplates[0]! });
    const e = await rejectionOf(importConfiguration(JSON.stringify(file), store), 'workflows');
    const n = file.cardTemplates.length - 1;
    expect(e.fields.problems).toEqual([
      `cardTemplates[${n}].name is already used by another card template`,
      `cardTemplates[${n}].id is used by an earlier entry`,
    ]);
  });
});
