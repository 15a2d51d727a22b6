/**
 * The TemplateStore over the real relay (test/support/relay-world.ts) and this browser's copy in
 * fake-indexeddb: refresh, offline reads, withdrawn templates, and publishing as an administrator.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { cardTemplate, exportTemplate } from '../../relay/templates/template-fixture';
import { PEOPLE, type Person, useRelayWorld } from '../../test/support/relay-world';
import type { RelayEndpoint } from '../relay-api/request';
import { openKeywardDb } from '../store/db';
import { putCardTemplate } from '../store/card-templates';
import { RelayTemplateStore } from './template-store';

const world = useRelayWorld(async () => {
  const db = await openKeywardDb();
  await Promise.all([db.clear('cardTemplates'), db.clear('exportTemplates')]);
});

/** The relay as `who` reaches it, which can be cut off like a laptop leaving the network. */
function reachable(who: Person) {
  const state = { online: true };
  const real = world().endpoint(who);
  const endpoint: RelayEndpoint = {
    ...real,
    fetch: (input, init) => (state.online ? real.fetch!(input, init) : Promise.reject(new TypeError('offline'))),
  };
  return { state, endpoint };
}

describe('the template store', () => {
  it('serves what the relay published, with its version, and keeps serving it offline', async () => {
    await world().publish('card', cardTemplate('tpl-a', 'Alpha'));
    await world().publish('card', { ...cardTemplate('tpl-a', 'Alpha'), description: 'Second' });
    await world().publish('export', exportTemplate());
    const net = reachable(PEOPLE.olivia);
    const store = new RelayTemplateStore(() => net.endpoint);
    expect(await store.refresh()).toBe(true);
    expect(await store.cardTemplate('tpl-a')).toMatchObject({ version: 2, record: { description: 'Second' } });
    expect((await store.exportTemplates()).map((t) => [t.record.id, t.version])).toEqual([['tap-mail', 1]]);
    // The record is the template itself: the publication stays out of it.
    expect(Object.keys((await store.cardTemplate('tpl-a'))!.record)).not.toContain('publication');

    net.state.online = false;
    const offline = new RelayTemplateStore(() => net.endpoint);
    expect(await offline.refresh()).toBe(false);
    expect((await offline.cardTemplates()).map((t) => [t.record.name, t.version])).toEqual([['Alpha', 2]]);
  });

  it('never serves a withdrawn template, nor one only this browser ever held, for new work', async () => {
    await world().publish('card', cardTemplate('tpl-a', 'Alpha'));
    await world().publish('card', cardTemplate('tpl-b', 'Beta'));
    await putCardTemplate(cardTemplate('tpl-local', 'Local only'));
    const store = new RelayTemplateStore(() => world().endpoint(PEOPLE.adam));
    const beta = (await store.published('card')).find((t) => t.id === 'tpl-b')!;
    expect(beta.publication).toMatchObject({ version: 1, withdrawn: false, publishedBy: { name: 'Adam Admin' } });
    await store.withdraw('card', 'tpl-b', 1);
    expect(await store.cardTemplate('tpl-b')).toBeNull();
    expect(await store.cardTemplate('tpl-local')).toBeNull();
    expect((await store.cardTemplates()).map((t) => t.record.id)).toEqual(['tpl-a']);
    // Another browser learns of the withdrawal on its next refresh.
    const elsewhere = new RelayTemplateStore(() => world().endpoint(PEOPLE.priya));
    await elsewhere.refresh();
    expect(await elsewhere.cardTemplate('tpl-b')).toBeNull();
  });

  it('follows the relay: a template it no longer lists leaves the copy; a local-only one stays for the upload', async () => {
    await world().publish('export', exportTemplate());
    await putCardTemplate(cardTemplate('tpl-local', 'Local only'));
    const store = new RelayTemplateStore(() => world().endpoint(PEOPLE.olivia));
    await store.refresh();
    await world().reset();
    await store.refresh();
    expect(await store.exportTemplates()).toEqual([]);
    expect((await (await openKeywardDb()).getAll('cardTemplates')).map((t) => t.id)).toEqual(['tpl-local']);
  });

  it('publishes the next version from the one the administrator opened, and refuses a stale one', async () => {
    const store = new RelayTemplateStore(() => world().endpoint(PEOPLE.adam));
    const first = await store.publish('card', cardTemplate('tpl-a', 'Alpha'), 0);
    expect(first.publication.version).toBe(1);
    expect((await store.publish('card', cardTemplate('tpl-a', 'Alpha 2'), 1)).publication.version).toBe(2);
    await expect(store.publish('card', cardTemplate('tpl-a', 'Stale'), 1)).rejects.toMatchObject({
      code: 'TEMPLATE_CHANGED_ELSEWHERE',
      fields: { current: { version: 2, name: 'Alpha 2' } },
    });
    expect((await store.cardTemplate('tpl-a'))?.record.name).toBe('Alpha 2');
    // The relay refuses operators; the copy is unchanged.
    const operator = new RelayTemplateStore(() => world().endpoint(PEOPLE.olivia));
    await expect(operator.publish('card', cardTemplate('tpl-a', 'Mine'), 2)).rejects.toMatchObject({
      code: 'ROLE_MISSING',
    });
    expect((await operator.cardTemplate('tpl-a'))?.version).toBe(2);
  });

  it('reads only the copy when nobody is signed in, and refuses to publish', async () => {
    await world().publish('card', cardTemplate('tpl-a', 'Alpha'));
    await new RelayTemplateStore(() => world().endpoint(PEOPLE.olivia)).refresh();
    const signedOut = new RelayTemplateStore(() => null);
    expect(await signedOut.refresh()).toBe(false);
    expect((await signedOut.cardTemplates()).map((t) => t.record.id)).toEqual(['tpl-a']);
    await expect(signedOut.publish('card', cardTemplate('tpl-b'), 0)).rejects.toMatchObject({ code: 'NOT_SIGNED_IN' });
  });
});
