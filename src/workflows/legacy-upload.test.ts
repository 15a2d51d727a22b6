/**
 * The one-time upload of an older Keyward's registry and templates, from fake-indexeddb to the real relay
 * (test/support/relay-world.ts): what is new is registered or published, what the service holds is listed
 * and left alone, and the browser remembers the upload only after it succeeded.
 */
import 'fake-indexeddb/auto';
import { expect, it } from 'vitest';
import { cardTemplate, exportTemplate } from '../../relay/templates/template-fixture';
import { PEOPLE, useRelayWorld } from '../../test/support/relay-world';
import { fetchCard, transitionCard } from '../relay-api/cards';
import { fetchTemplates } from '../relay-api/templates';
import { putCardTemplate } from '../store/card-templates';
import { openKeywardDb, type RegistryRecord } from '../store/db';
import { putExportTemplate } from '../store/export-templates';
import { putCard } from '../store/registry';
import { legacyHoldings, uploadLegacyData } from './legacy-upload';
import { RelayTemplateStore } from './template-store';

const world = useRelayWorld(async () => {
  const db = await openKeywardDb();
  await Promise.all(['cardTemplates', 'exportTemplates', 'registry', 'markers'].map((s) => db.clear(s as 'markers')));
});

/** A record as the older Keyward's registry kept it. */
function oldRecord(cardId: string, over: Partial<RegistryRecord> = {}): RegistryRecord {
  return {
    cardId,
    serial: Number(cardId.split(':')[1]) || null,
    credentialType: 'yubikey',
    userId: 'oid-ben',
    userUpn: 'ben@contoso.example',
    userDisplayName: 'Ben Member',
    templateId: 'tpl-old',
    state: 'active',
    issuedAt: '2026-11-02T10:00:00.000Z',
    activatedAt: '2026-11-02T10:05:00.000Z',
    retiredAt: null,
    updatedAt: '2026-11-02T10:05:00.000Z',
    ...over,
  };
}

/** The relay already knows serial:7, issued by Olivia to Carla in another browser. */
async function issuedElsewhere(): Promise<void> {
  await world().publish('card', cardTemplate('tpl-relay', 'Relay standard'));
  await transitionCard(world().endpoint(PEOPLE.olivia), 'serial:7', {
    transition: 'issue',
    expectedVersion: 0,
    issue: {
      holderOid: 'oid-carla',
      holderName: 'Carla Contractor',
      holderUpn: 'carla@contoso.example',
      templateId: 'tpl-relay',
      templateVersion: 1,
      credentialType: 'yubikey',
      serial: 7,
      chuidGuid: '',
      keys: [],
    },
  });
}

it('has nothing to upload in a browser that never held a registry or templates of its own', async () => {
  expect(await legacyHoldings()).toBeNull();
});

it('registers new cards, publishes local templates as version 1, lists conflicts, and is done once', async () => {
  await issuedElsewhere();
  await world().publish('export', exportTemplate('tap-mail'));
  await putCard(oldRecord('serial:42'));
  await putCard(oldRecord('serial:7', { userDisplayName: 'Ben Member' }));
  await putCard(oldRecord('not a card id', { serial: null }));
  await putExportTemplate({ ...exportTemplate('tap-mail'), subject: 'Our own subject' });
  await putExportTemplate(exportTemplate('mail-old'));
  await putCardTemplate(cardTemplate('tpl-old', 'Old standard'));
  const held = await legacyHoldings();
  expect([held?.cards.length, held?.templates.length]).toEqual([3, 3]);

  const adam = world().endpoint(PEOPLE.adam);
  const result = await uploadLegacyData(adam, new RelayTemplateStore(() => adam));
  expect(result.imported).toEqual(['serial:42']);
  expect(result.cardConflicts).toMatchObject([
    { cardId: 'serial:7', current: { state: 'issued', holder: { name: 'Carla Contractor' } } },
  ]);
  expect(result.skipped.map((s) => s.cardId)).toEqual(['not a card id']);
  expect(result.templates.published.map((t) => [t.kind, t.id, t.version])).toEqual([['card', 'tpl-old', 1]]);
  // Same id with other content, and another id under a name the relay already publishes.
  expect(result.templates.conflicts.map((c) => [c.id, c.reason, c.current?.publication.version])).toEqual([
    ['mail-old', 'name-taken', 1],
    ['tap-mail', 'changed', 1],
  ]);

  // Nothing the service held was changed.
  const olivia = world().endpoint(PEOPLE.olivia);
  expect(await fetchCard(olivia, 'serial:7')).toMatchObject({ version: 1, holder: { name: 'Carla Contractor' } });
  expect(await fetchCard(olivia, 'serial:42')).toMatchObject({ state: 'active', holder: { name: 'Ben Member' } });
  const tapMail = (await fetchTemplates(olivia)).find((t) => t.id === 'tap-mail');
  expect(tapMail).toMatchObject({ version: 1, body: { subject: 'Your Temporary Access Pass' } });
  expect(await legacyHoldings()).toBeNull();
});

it('remembers nothing when the upload fails, so an administrator can upload later', async () => {
  await putCard(oldRecord('serial:42'));
  await putCardTemplate(cardTemplate('tpl-old', 'Old standard'));
  const olivia = world().endpoint(PEOPLE.olivia);
  await expect(uploadLegacyData(olivia, new RelayTemplateStore(() => olivia))).rejects.toMatchObject({
    code: 'ROLE_MISSING',
  });
  expect((await legacyHoldings())?.cards.length).toBe(1);
  const adam = world().endpoint(PEOPLE.adam);
  expect((await uploadLegacyData(adam, new RelayTemplateStore(() => adam))).imported).toEqual(['serial:42']);
});
