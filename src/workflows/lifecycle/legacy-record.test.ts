import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { identifyCard, legacyCardId, openCard } from '../../cards/card';
import { getCard, putCard, renameCard } from '../../store/registry';
import type { CardTransport } from '../../transport/card-transport';
import { cardInReader, OPERATOR, testMasterKey, testTemplate, USER } from '../../../test/lifecycle/lifecycle-fixtures';
import { issueCard } from './issue';
import { migrateLegacyRecord } from './legacy-record';

/** Issues the card in `transport` to a fresh holder; returns its id and the card's identification. */
async function issued(transport: CardTransport) {
  const user = { ...USER, id: crypto.randomUUID() };
  const s = await issueCard({
    transport,
    masterKey: await testMasterKey(),
    template: testTemplate(),
    user,
    operator: OPERATOR,
  });
  const id = (await identifyCard(await openCard(transport)))!;
  return { cardId: s.cardId, id, user };
}

describe('migrateLegacyRecord', () => {
  it('moves a generic card’s record from its GUID id to its FASC-N id, once, keeping the record', async () => {
    const { transport } = await cardInReader('piv-generic+ff');
    const { cardId, id, user } = await issued(transport);
    const legacy = `chuid:${user.id.replace(/-/g, '')}`;
    expect(legacyCardId(id)).toBe(legacy);
    await renameCard(cardId, legacy);
    await putCard({ ...(await getCard(legacy))!, state: 'active' });
    // Reading the registry changes nothing; the move is this explicit step.
    expect(await getCard(cardId)).toBeUndefined();
    expect(await getCard(legacy)).toBeDefined();
    expect(await migrateLegacyRecord(id)).toBe(true);
    expect(await getCard(cardId)).toMatchObject({ cardId, state: 'active', userId: user.id });
    expect(await getCard(legacy)).toBeUndefined();
    expect(await migrateLegacyRecord(id)).toBe(false);
    await transport.close();
  });

  it('leaves both records alone when the FASC-N id already has one, and never touches a YubiKey', async () => {
    const generic = await cardInReader('piv-generic+ff');
    const { cardId, id, user } = await issued(generic.transport);
    const legacy = legacyCardId(id)!;
    const current = (await getCard(cardId))!;
    await putCard({ ...current, cardId: legacy, state: 'retired' });
    expect(await migrateLegacyRecord(id)).toBe(false);
    expect(await getCard(cardId)).toEqual(current);
    expect(await getCard(legacy)).toMatchObject({ state: 'retired', userId: user.id });
    await generic.transport.close();

    const yubikey = await cardInReader('yubikey-5.7');
    const y = await issued(yubikey.transport);
    expect(legacyCardId(y.id)).toBeUndefined();
    expect(await migrateLegacyRecord(y.id)).toBe(false);
    expect(await getCard(y.cardId)).toMatchObject({ state: 'issued' });
    await yubikey.transport.close();
  });
});
