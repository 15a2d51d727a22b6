import 'fake-indexeddb/auto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isAppError } from '../app-error';
import { readConfiguration, replaceConfiguration } from '../store/config-transfer';
import { saveConnection } from '../store/connections';
import { appendAudit, recentAudit } from '../store/audit';
import { emptyCardDraft, saveCardTemplate } from './card-templates';
import { exportConfiguration, importConfiguration, parseConfiguration } from './config-transfer';
import { ensureDefaultTemplates, saveExportTemplate, DEFAULT_TEMPLATE } from './export-templates';
import { generateMasterKey } from './master-key';

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e,
  );
}

async function seed(): Promise<void> {
  await saveConnection('relay', { relayUrl: 'https://relay.contoso.example', zeta: [1, { b: 2, a: null }] });
  await saveConnection('entra', { tenantId: 't-1', clientId: 'c-1' });
  const [tap] = await ensureDefaultTemplates();
  const second = await saveExportTemplate(
    { ...DEFAULT_TEMPLATE, name: 'Card activation', subject: 'Your card, ${GivenName}' },
    null,
  );
  const plain = emptyCardDraft();
  plain.name = 'Plain PIV';
  plain.allowedCredentialTypes = ['piv'];
  await saveCardTemplate(plain, null);
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
  tapCard.initiate = { systemGeneratesTap: true, exportTemplateIds: [tap!.id, second.id] };
  await saveCardTemplate(tapCard, null);
}

describe('configuration export and import', () => {
  let baseline = '';
  beforeAll(async () => {
    await seed();
    baseline = (await exportConfiguration()).text;
  });
  beforeEach(async () => {
    await importConfiguration(baseline);
  });

  it('round-trips byte for byte, and leaves the master key and audit alone', async () => {
    await generateMasterKey('a long enough passphrase');
    await appendAudit({
      at: new Date().toISOString(),
      actor: { oid: 'o', name: 'n', upn: 'u' },
      action: 'tap.create',
      outcome: 'success',
    });
    const first = (await exportConfiguration()).text;
    const parsed = JSON.parse(first) as Record<string, unknown[]>;
    expect(Object.keys(parsed)).toEqual(['format', 'version', 'connections', 'exportTemplates', 'cardTemplates']);
    expect([parsed.connections!.length, parsed.exportTemplates!.length, parsed.cardTemplates!.length]).toEqual([
      2, 2, 2,
    ]);
    expect(first).not.toMatch(/card-master-key|tap\.create/);

    expect(await importConfiguration(first)).toEqual({ connections: 2, exportTemplates: 2, cardTemplates: 2 });
    expect((await exportConfiguration()).text).toBe(first);
    expect(await recentAudit(10)).toHaveLength(1);
  });

  it('replaces the whole configuration: records missing from the file are gone afterwards', async () => {
    const file = JSON.parse((await exportConfiguration()).text) as { cardTemplates: unknown[]; connections: unknown[] };
    file.cardTemplates = file.cardTemplates.slice(0, 1);
    file.connections = [];
    await importConfiguration(JSON.stringify(file));
    const now = await readConfiguration();
    expect(now.cardTemplates).toHaveLength(1);
    expect(now.connections).toEqual([]);
  });

  it('changes nothing when anything is wrong, and names every problem by its path', async () => {
    const before = await readConfiguration();
    const text = (await exportConfiguration()).text;
    const file = JSON.parse(text) as {
      cardTemplates: Record<string, Record<string, unknown>>[];
      exportTemplates: Record<string, unknown>[];
      extra?: unknown;
    };
    const tapIndex = file.cardTemplates.findIndex((t) => t.tap!.enabled);
    file.cardTemplates[tapIndex]!.tap!.lifetimeOverrideMinutes = 5;
    file.cardTemplates[tapIndex]!.initiate!.exportTemplateIds = ['missing'];
    file.exportTemplates[0]!.subject = 'Hi ${Bogus}';
    file.extra = true;
    const e = await rejection(importConfiguration(JSON.stringify(file)));
    expect(isAppError(e, 'workflows', 'INVALID_CONFIGURATION')).toBe(true);
    expect((e as { fields: { problems: string[] } }).fields.problems).toEqual([
      'extra is not a known field',
      'exportTemplates[0].subject is invalid: ${Bogus} is not a variable.',
      `cardTemplates[${tapIndex}].tap.lifetimeOverrideMinutes must be 10..43200`,
      `cardTemplates[${tapIndex}].initiate.exportTemplateIds[0] must refer to an existing data-export template`,
    ]);
    expect(await readConfiguration()).toEqual(before);
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
    const file = JSON.parse((await exportConfiguration()).text) as { cardTemplates: Record<string, unknown>[] };
    file.cardTemplates.push({ ...file.cardTemplates[0]! });
    const e = await rejection(importConfiguration(JSON.stringify(file)));
    const n = file.cardTemplates.length - 1;
    expect((e as { fields: { problems: string[] } }).fields.problems).toEqual([
      `cardTemplates[${n}].name is already used by another card template`,
      `cardTemplates[${n}].id is used by an earlier entry`,
    ]);
  });

  it('writes in one transaction: a write the store refuses rolls back the clears and puts before it', async () => {
    const before = await readConfiguration();
    const t = before.exportTemplates[0]!;
    const clash = { ...before, exportTemplates: [t, { ...t, id: 'other-id' }] };
    await expect(replaceConfiguration(clash)).rejects.toMatchObject({ name: 'ConstraintError' });
    expect(await readConfiguration()).toEqual(before);
  });
});
