import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/app-error';
import type { DirectoryUser } from '../graph/directory';
import { checkEligible, checkRecipient, composeMail, fillValues, parseMailbox } from './compose';

const BEN: DirectoryUser = {
  id: '46876d75-c7ea-4ea4-863b-a6e9796b7d11',
  displayName: 'Ben Member',
  givenName: 'Ben',
  surname: 'Member',
  userPrincipalName: 'ben.member@contoso.example',
  mail: 'Ben.Member@Contoso.example',
  otherMails: ['ben@personal.example'],
  accountEnabled: true,
  userType: 'Member',
};
const TEMPLATE = { name: 't', to: '${Mail}', subject: 'Hi ${GivenName}', text: 'Code ${AadTapCode}' };

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (isAppError(e)) return `${String(e.fields.status)} ${e.code}`;
    throw e;
  }
  return undefined;
}

describe('compose', () => {
  it('fills user variables from Graph and the operator, over anything else', () => {
    expect(fillValues({ AadTapCode: 'c' }, BEN, 'Aisha')).toMatchObject({
      AadTapCode: 'c',
      GivenName: 'Ben',
      Mail: 'Ben.Member@Contoso.example',
      OperatorName: 'Aisha',
    });
  });

  it('parses bare and named mailboxes and refuses anything else', () => {
    expect(parseMailbox('a.b+c@x.example')).toEqual({ name: '', address: 'a.b+c@x.example' });
    expect(parseMailbox('"Ben M" <ben@x.example>')).toEqual({ name: 'Ben M', address: 'ben@x.example' });
    for (const bad of [
      'ben',
      'ben@',
      '<ben@x.example',
      'ben@x.example>',
      'a@b@x.example',
      '"x"@x.example',
      'ben@[127.0.0.1]',
    ]) {
      expect(codeOf(() => parseMailbox(bad))).toBe('400 INVALID_RECIPIENT');
    }
  });

  it('matches own addresses and domains case-insensitively, and needs both', () => {
    expect(codeOf(() => checkRecipient('ben.member@contoso.EXAMPLE', BEN, ['contoso.example']))).toBeUndefined();
    expect(codeOf(() => checkRecipient('ben@personal.example', BEN, ['contoso.example']))).toBe(
      '403 RECIPIENT_NOT_ALLOWED',
    );
    expect(codeOf(() => checkRecipient('ada@contoso.example', BEN, ['contoso.example']))).toBe(
      '403 RECIPIENT_NOT_ALLOWED',
    );
    expect(codeOf(() => checkRecipient('ben@personal.example', BEN, ['personal.example']))).toBeUndefined();
  });

  it('refuses guests and disabled accounts', () => {
    expect(codeOf(() => checkEligible({ ...BEN, userType: 'Guest' }))).toBe('403 USER_IS_GUEST');
    expect(codeOf(() => checkEligible({ ...BEN, accountEnabled: false }))).toBe('403 USER_DISABLED');
  });

  it('enforces the recipient and subject bounds', () => {
    const values = fillValues({}, BEN, 'A');
    expect(
      codeOf(() => composeMail(TEMPLATE, fillValues({}, { ...BEN, mail: null }, 'A'), BEN, ['contoso.example'])),
    ).toBe('400 NO_RECIPIENTS');
    expect(
      codeOf(() =>
        composeMail({ ...TEMPLATE, cc: Array(10).fill('${Mail}').join(',') }, values, BEN, ['contoso.example']),
      ),
    ).toBe('400 TOO_MANY_RECIPIENTS');
    expect(codeOf(() => composeMail({ ...TEMPLATE, subject: 'x'.repeat(256) }, values, BEN, ['contoso.example']))).toBe(
      '400 SUBJECT_TOO_LONG',
    );
    expect(composeMail(TEMPLATE, values, BEN, ['contoso.example']).to).toEqual([
      { name: '', address: 'Ben.Member@Contoso.example' },
    ]);
  });

  it("turns the template module's errors into 400s with the same codes", () => {
    expect(codeOf(() => composeMail({ ...TEMPLATE, text: '${Nope}' }, {}, BEN, []))).toBe('400 UNKNOWN_VARIABLE');
    expect(codeOf(() => composeMail({ ...TEMPLATE, subject: '${AadTapCode}' }, { AadTapCode: 'a\nb' }, BEN, []))).toBe(
      '400 HEADER_INJECTION',
    );
  });
});
