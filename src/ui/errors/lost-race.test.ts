import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { transitionCard } from '../../relay-api/cards';
import { reportCardLost } from '../../workflows/lost-card';
import { issueToBen } from '../../../relay/cards/card-fixture';
import { portsOf, useLifecycleWorld } from '../../../test/lifecycle/lifecycle-fixtures';
import { PEOPLE } from '../../../test/support/relay-world';
import { describeError } from '../describe-error';

const world = useLifecycleWorld();

describe('a race lost to another operator, in words', () => {
  it('says the change was not recorded, what the card is now, and to read it again', async () => {
    const card = await transitionCard(
      world().endpoint(PEOPLE.olivia),
      'serial:77',
      issueToBen(0, { serial: 77, templateId: 'tpl-1' }),
    );
    // Priya activates it first; Olivia reports it lost from the card as it was listed to her.
    await transitionCard(world().endpoint(PEOPLE.priya), 'serial:77', { transition: 'activate', expectedVersion: 1 });
    const lost = await reportCardLost(portsOf(world()), card).catch((e: unknown) => e);
    expect(describeError(lost)).toBe(
      'Another operator changed this card in the registry a moment ago, so this change was not recorded. ' +
        'It is now active for Ben Member (ben@contoso.example). Read the card again and decide with what it is now.',
    );
  });
});
