import { afterAll, beforeAll, expect, it } from 'vitest';
import { fetchCard, transitionCard } from '../../src/relay-api/cards';
import { issueToBen } from '../../relay/cards/card-fixture';
import { cardTemplate } from '../../relay/templates/template-fixture';
import { PEOPLE, startRelayWorld, type RelayWorld } from './relay-world';

let world: RelayWorld;
beforeAll(async () => {
  world = await startRelayWorld();
}, 60_000);
afterAll(() => world?.close());

it('reaches the real relay as each person, and forgets everything on reset', async () => {
  const template = cardTemplate();
  expect(await world.publish('card', template)).toBe(1);
  const olivia = world.endpoint(PEOPLE.olivia);
  const issued = await transitionCard(
    olivia,
    'serial:42',
    issueToBen(0, { templateId: String(template.id), serial: 42 }),
  );
  expect(issued).toMatchObject({ state: 'issued', version: 1, issuedBy: { name: 'Olivia Operator' } });
  await expect(fetchCard(world.endpoint(PEOPLE.audrey), 'serial:42')).rejects.toMatchObject({ code: 'ROLE_MISSING' });
  await world.reset();
  expect(await fetchCard(olivia, 'serial:42')).toBeNull();
});
