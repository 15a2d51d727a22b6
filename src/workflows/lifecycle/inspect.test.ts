import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../app-error';
import { openPivSession } from '../../cards/card';
import type { CardTransport } from '../../transport/card-transport';
import { cardInReader, portsOf, testTemplate, USER } from '../../../test/lifecycle/lifecycle-fixtures';
import { useRelayWorld } from '../../../test/support/relay-world';
import { checkNewPin, inspectCard, issuingTemplates, templateOfCard } from './inspect';
import { issueCard } from './issue';

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return isAppError(e) ? e.code : 'not an AppError';
  }
  return 'no error';
};

async function blockPin(t: CardTransport): Promise<void> {
  const session = await openPivSession(t);
  for (let i = 0; i < 3; i++) await session.verifyPin('00000000').catch(() => undefined);
}

const world = useRelayWorld();

describe('preconditions', () => {
  it('refuses a new PIN typed differently twice, or against the template policy, naming no PIN', () => {
    const template = testTemplate();
    expect(codeOf(() => checkNewPin('24681357', '24681358', template))).toBe('PIN_MISMATCH');
    expect(codeOf(() => checkNewPin('12ab56', '12ab56', template))).toBe('PIN_POLICY');
    expect(codeOf(() => checkNewPin('123456', '123456', template))).toBe('PIN_POLICY');
    expect(codeOf(() => checkNewPin('24681357', '24681357', template))).toBe('no error');
  });
});

describe('inspectCard (virtual card, real driver)', () => {
  it("reads blank, then the service's state, holder and template version, then locked once the PIN is blocked", async () => {
    const { transport } = await cardInReader('yubikey-5.7');
    const ports = portsOf(world());
    expect(await inspectCard(transport, ports)).toMatchObject({ state: 'blank', kind: 'yubikey', record: null });

    const template = testTemplate({ id: 'tpl-page', name: 'Page template', allowedCredentialTypes: ['yubikey'] });
    await world().publish('card', { ...template, name: 'Page template, first draft' });
    await world().publish('card', template);
    expect((await issuingTemplates('yubikey', ports.templates)).map((t) => [t.record.id, t.version])).toContainEqual([
      'tpl-page',
      2,
    ]);
    expect((await issuingTemplates('piv', ports.templates)).map((t) => t.record.id)).not.toContain('tpl-page');
    await issueCard({ transport, templateId: 'tpl-page', user: USER, ports });

    const issued = await inspectCard(transport, ports);
    expect(issued).toMatchObject({
      state: 'issued',
      cardId: expect.stringMatching(/^serial:/),
      record: { holder: { oid: USER.id, name: USER.displayName }, template: { id: 'tpl-page', version: 2 } },
    });
    expect((await templateOfCard(issued.record!, ports.templates)).name).toBe('Page template');

    // Blocked while only issued: locked in hand; the service has no arrow from issued to locked.
    await blockPin(transport);
    expect(await inspectCard(transport, ports)).toMatchObject({ state: 'locked', pinRetriesLeft: 0 });
    expect((await ports.registry.card(issued.cardId!))?.state).toBe('issued');
  });
});
