import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../app-error';
import { openPivSession } from '../../cards/card';
import { putCardTemplate } from '../../store/card-templates';
import type { CardTransport } from '../../transport/card-transport';
import { cardInReader, OPERATOR, testMasterKey, testTemplate, USER } from '../../../test/lifecycle/lifecycle-fixtures';
import { checkNewPin, inspectCard, issuingTemplates, requireMasterKey, templateOfCard } from './inspect';
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

describe('preconditions', () => {
  it('refuses a new PIN typed differently twice, or against the template policy, naming no PIN', () => {
    const template = testTemplate();
    expect(codeOf(() => checkNewPin('24681357', '24681358', template))).toBe('PIN_MISMATCH');
    expect(codeOf(() => checkNewPin('12ab56', '12ab56', template))).toBe('PIN_POLICY');
    expect(codeOf(() => checkNewPin('123456', '123456', template))).toBe('PIN_POLICY');
    expect(codeOf(() => checkNewPin('24681357', '24681357', template))).toBe('no error');
  });

  it('refuses issuance without a master key', async () => {
    await expect(requireMasterKey()).rejects.toMatchObject({ layer: 'workflows', code: 'MASTER_KEY_MISSING' });
  });
});

describe('inspectCard (virtual card, real driver)', () => {
  it('reads blank, then issued with its holder, then locked once the PIN is blocked', async () => {
    const { transport } = await cardInReader('yubikey-5.7');
    expect(await inspectCard(transport)).toMatchObject({ state: 'blank', kind: 'yubikey', record: null });

    const template = testTemplate({ id: 'tpl-page', name: 'Page template', allowedCredentialTypes: ['yubikey'] });
    await putCardTemplate(template);
    expect((await issuingTemplates('yubikey')).map((t) => t.id)).toContain('tpl-page');
    expect((await issuingTemplates('piv')).map((t) => t.id)).not.toContain('tpl-page');
    await issueCard({ transport, masterKey: await testMasterKey(), template, user: USER, operator: OPERATOR });

    const issued = await inspectCard(transport);
    expect(issued).toMatchObject({
      state: 'issued',
      record: { userId: USER.id, userDisplayName: USER.displayName, templateId: 'tpl-page' },
    });
    expect((await templateOfCard(issued.record!)).name).toBe('Page template');

    await blockPin(transport);
    expect(await inspectCard(transport)).toMatchObject({ state: 'locked', pinRetriesLeft: 0 });
  });
});
