/**
 * The legacy-upload notice over the real relay (test/support/relay-world.ts) and fake-indexeddb: offered
 * to an administrator only, and gone once the upload succeeded.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cardTemplate } from '../../relay/templates/template-fixture';
import { PEOPLE, startRelayWorld, type Person, type RelayWorld } from '../../test/support/relay-world';
import { putCardTemplate } from '../store/card-templates';
import { putCard } from '../store/registry';
import { RelayTemplateStore } from '../workflows/template-store';
import { LegacyUploadState } from './legacy-upload.svelte';

let world: RelayWorld;
beforeAll(async () => {
  world = await startRelayWorld();
}, 60_000);
afterAll(() => world?.close());

const noticeFor = (who: Person | null, administrator: boolean) => {
  const relay = () => (who ? world.endpoint(who) : null);
  return new LegacyUploadState(relay, new RelayTemplateStore(relay), () => administrator);
};

it('offers an administrator the upload once, shows its result, and leaves others alone', async () => {
  await putCardTemplate(cardTemplate('tpl-old', 'Old standard'));
  await putCard({
    cardId: 'serial:42',
    serial: 42,
    credentialType: 'yubikey',
    userId: 'oid-ben',
    userUpn: 'ben@contoso.example',
    userDisplayName: 'Ben Member',
    templateId: 'tpl-old',
    state: 'issued',
    issuedAt: '2026-11-02T10:00:00.000Z',
    activatedAt: null,
    retiredAt: null,
    updatedAt: '2026-11-02T10:00:00.000Z',
  });
  for (const [who, admin] of [
    [PEOPLE.olivia, false],
    [null, true],
  ] as const) {
    const notice = noticeFor(who, admin);
    await notice.check();
    expect(notice.pending).toBeNull();
  }

  // The relay refuses a caller it does not know as an administrator: nothing is remembered, the offer stays.
  const refused = noticeFor(PEOPLE.olivia, true);
  await refused.check();
  await refused.upload();
  expect(refused.failure).toMatchObject({ code: 'ROLE_MISSING' });
  expect(refused.pending).toEqual({ cards: 1, templates: 1 });

  const notice = noticeFor(PEOPLE.adam, true);
  await notice.check();
  expect(notice.pending).toEqual({ cards: 1, templates: 1 });
  await notice.upload();
  expect(notice.failure).toBeNull();
  expect(notice.pending).toBeNull();
  expect(notice.result?.imported).toEqual(['serial:42']);
  expect(notice.result?.templates.published.map((t) => t.id)).toEqual(['tpl-old']);

  const later = noticeFor(PEOPLE.adam, true);
  await later.check();
  expect(later.pending).toBeNull();
});
