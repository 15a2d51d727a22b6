/** The items a previewed batch is stored with: a plan from the card template's grant, or a skip in words. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../app-error';
import type { DirectoryUser } from '../../entra/users';
import { registryCard } from '../operator-tap-fixture';
import type { OperatorTapGrant } from '../operator-tap';
import type { Eligibility } from './eligibility';
import { batchItems } from './operator-batch';

const user = (n: number): DirectoryUser => ({
  id: `u-${n}`,
  displayName: `User ${n}`,
  givenName: null,
  surname: null,
  userPrincipalName: `user${n}@contoso.example`,
  mail: `user${n}@contoso.example`,
  otherMails: [],
  userType: 'Member',
  accountEnabled: true,
});
const card = registryCard({ cardId: 'serial:4711', serial: 4711 });
const grant = (deliver: boolean, sendAutomatically = true): OperatorTapGrant => ({
  card,
  templateName: 'Wave YubiKey',
  showCode: false,
  deliverWith: deliver
    ? ({
        record: { id: 'tap-mail', name: 'Pass mail', sendAutomatically },
        version: 3,
      } as OperatorTapGrant['deliverWith'])
    : null,
  request: { lifetimeInMinutes: 120, isUsableOnce: true },
});
const words = (e: AppError) => `words for ${e.code}`;
/** The stored item of user `n` skipped with `code` (in the words `words` gives). */
const skipped = (n: number, code: string) => ({
  userId: `u-${n}`,
  upn: `user${n}@contoso.example`,
  displayName: `User ${n}`,
  plan: null,
  skip: { code, reason: `words for ${code}` },
});

describe('batchItems', () => {
  it('plans a granted user, and stores a skip with its code and words', () => {
    const rows: Eligibility[] = [
      { user: user(1), grant: grant(true), refusal: null },
      { user: user(2), grant: null, refusal: new AppError('workflows', 'BATCH_TAP_DISABLED', 'Disabled.') },
      { user: user(3), grant: grant(false), refusal: null },
      { user: user(4), grant: grant(true, false), refusal: null },
    ];
    expect(batchItems(rows, words)).toEqual([
      {
        userId: 'u-1',
        upn: 'user1@contoso.example',
        displayName: 'User 1',
        skip: null,
        plan: {
          request: { lifetimeInMinutes: 120, isUsableOnce: true },
          deliver: { id: 'tap-mail', version: 3 },
          cardValues: { CardSerial: '4711', CredentialType: 'YubiKey' },
        },
      },
      skipped(2, 'BATCH_TAP_DISABLED'),
      skipped(3, 'BATCH_TAP_NO_DELIVERY'),
      // A batch never shows a code and has nobody to send a held email: a skip, whatever let it through.
      skipped(4, 'BATCH_TAP_EMAIL_HELD'),
    ]);
  });
});
