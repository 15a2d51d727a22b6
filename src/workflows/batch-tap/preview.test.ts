/**
 * The Batch TAP preview of the emulator's 60-member onboarding group (Graph in-process: `$batch` reads of
 * passes and roles, transitive members), with every member holding a card under a template that
 * delivers passes: exactly the five planted members are skipped, each for its own reason. Also UPN lists
 * from a CSV.
 */
import { describe, expect, it } from 'vitest';
import { exportTemplate } from '../../../relay/templates/template-fixture';
import { inProcessGraph } from '../../../test/support/in-process-graph';
import { HAS_PASS_MEMBER, NO_MAIL_MEMBER, ONBOARDING_GROUP_ID } from '../../../demo/entra-emulator/index';
import type { CardRegistry, TemplateStore } from '../ports';
import { registryCard, templateWithTap } from '../operator-tap-fixture';
import { previewGroup, usersByUpn } from './preview';
import { previewSummary } from './eligibility';
import { parseUpnCsv } from './upn-csv';

const template = templateWithTap(
  { enabled: true, operatorMayGenerate: true, operatorDeliverTemplateId: 'tap-mail' },
  { id: 'tpl-wave', name: 'Wave YubiKey' },
);
const templates: TemplateStore = {
  cardTemplates: async () => [template],
  cardTemplate: async (id) => (id === template.record.id ? template : null),
  exportTemplates: async () => [{ record: exportTemplate('tap-mail'), version: 1 }],
};
/** Every user holds one active card under the template (the registry as the relay would answer). */
const registry: CardRegistry = {
  card: async () => null,
  cardsOf: async (oid) => [
    registryCard({
      cardId: `serial:${oid}`,
      holder: { oid, name: '', upn: '' },
      template: { id: template.record.id, version: 1 },
    }),
  ],
  transition: async () => {
    throw new Error('not in a preview');
  },
  recordPass: async () => {
    throw new Error('not in a preview');
  },
  pass: async () => null,
};

describe('Batch TAP preview', () => {
  it('skips the five planted members of the onboarding group, each for its reason', async () => {
    const g = await inProcessGraph({ limit: 3000, windowMs: 150_000 });
    const aisha = g.tenant.byDisplayName('Aisha Operator');
    const ports = { graph: g.transport('Aisha Operator'), registry, templates, policy: null };
    const rows = await previewGroup(ports, ONBOARDING_GROUP_ID, { oid: aisha.id, includingAdmins: false });
    expect(rows).toHaveLength(60);
    const reasons = Object.fromEntries(rows.filter((r) => r.refusal).map((r) => [r.user.displayName, r.refusal!.code]));
    expect(reasons).toEqual({
      'Gary Guest': 'TAP_GUEST',
      'Ivan Petrov': 'BATCH_TAP_DISABLED',
      'Ada Admin': 'BATCH_TAP_ADMIN',
      [NO_MAIL_MEMBER]: 'BATCH_TAP_NO_MAIL',
      [HAS_PASS_MEMBER]: 'BATCH_TAP_HAS_PASS',
    });
    expect(previewSummary(rows)).toMatchObject({ eligible: 55, skipped: 5 });
    expect(rows.find((r) => r.grant)?.grant?.deliverWith?.record.id).toBe('tap-mail');
    expect(g.creates).toEqual([]);

    const priya = g.tenant.byDisplayName('Priya Privileged');
    const privileged = await previewGroup({ ...ports, graph: g.transport('Priya Privileged') }, ONBOARDING_GROUP_ID, {
      oid: priya.id,
      includingAdmins: true,
    });
    expect(previewSummary(privileged)).toMatchObject({ eligible: 56, skipped: 4 });
  });

  it('skips every member when the Deliver email is not sent automatically: a batch only emails, at once', async () => {
    const g = await inProcessGraph({ limit: 3000, windowMs: 150_000 });
    const aisha = g.tenant.byDisplayName('Aisha Operator');
    const held = {
      record: { ...exportTemplate('tap-mail'), name: 'Pass (held)', sendAutomatically: false },
      version: 1,
    };
    const ports = {
      graph: g.transport('Aisha Operator'),
      registry,
      templates: { ...templates, exportTemplates: async () => [held] },
      policy: null,
    };
    const rows = await previewGroup(ports, ONBOARDING_GROUP_ID, { oid: aisha.id, includingAdmins: false });
    expect(previewSummary(rows)).toMatchObject({ eligible: 0, skipped: 60, byReason: { BATCH_TAP_EMAIL_HELD: 55 } });
    expect(rows.find((r) => r.refusal?.code === 'BATCH_TAP_EMAIL_HELD')?.refusal?.fields).toMatchObject({
      templateName: 'Wave YubiKey',
      emailName: 'Pass (held)',
    });
    expect(g.creates).toEqual([]);
  });

  it('reads users named in a CSV, and names the ones the directory does not know', async () => {
    const g = await inProcessGraph({ limit: 3000, windowMs: 150_000 });
    const graph = g.transport('Aisha Operator');
    const upns = parseUpnCsv(
      'displayName,userPrincipalName\nBen,ben.member@contoso.example\n\nCarla,"carla.mendes@contoso.example"\nBen again,BEN.member@contoso.example\n',
    );
    expect(upns).toEqual(['ben.member@contoso.example', 'carla.mendes@contoso.example']);
    expect((await usersByUpn(graph, upns)).map((u) => u.displayName)).toEqual(['Ben Member', 'Carla Mendes']);
    await expect(usersByUpn(graph, ['ben.member@contoso.example', 'nobody@contoso.example'])).rejects.toMatchObject({
      code: 'BATCH_TAP_UNKNOWN_USERS',
      fields: { upns: ['nobody@contoso.example'] },
    });
    expect(() => parseUpnCsv('ben.member@contoso.example\nnot a upn\n')).toThrow(
      expect.objectContaining({ code: 'BATCH_TAP_BAD_CSV', fields: { lines: [2], more: 0 } }),
    );
  });
});
