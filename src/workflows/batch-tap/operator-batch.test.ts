/** The items a previewed batch is stored with: a plan from the card template's grant, or a skip in words. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../app-error';
import type { DirectoryUser } from '../../entra/users';
import type { Card } from '../ports';
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
const card = { cardId: 'serial:4711', serial: 4711, credentialType: 'yubikey' } as Card;
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
      {
        userId: 'u-2',
        upn: 'user2@contoso.example',
        displayName: 'User 2',
        plan: null,
        skip: { code: 'BATCH_TAP_DISABLED', reason: 'words for BATCH_TAP_DISABLED' },
      },
      {
        userId: 'u-3',
        upn: 'user3@contoso.example',
        displayName: 'User 3',
        plan: null,
        skip: { code: 'BATCH_TAP_NO_DELIVERY', reason: 'words for BATCH_TAP_NO_DELIVERY' },
      },
      {
        // A batch never shows a code and has nobody to send a held email: a skip, whatever let it through.
        userId: 'u-4',
        upn: 'user4@contoso.example',
        displayName: 'User 4',
        plan: null,
        skip: { code: 'BATCH_TAP_EMAIL_HELD', reason: 'words for BATCH_TAP_EMAIL_HELD' },
      },
    ]);
  });
});
