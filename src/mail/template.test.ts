import { describe, expect, it } from 'vitest';
import { renderEmail, unknownVariables, usedVariables } from './template';
import { isAppError } from '../app-error';

const TEMPLATE = {
  to: '${Mail}',
  cc: 'helpdesk@contoso.example',
  subject: 'Your Temporary Access Pass, ${GivenName}',
  text: 'Pass ${AadTapId}: ${AadTapCode} (expires ${AadTapExpires})',
  html: '<p>Hello ${DisplayName}, your code is <b>${AadTapCode}</b></p>',
};

describe('email templates', () => {
  it('renders recipients, subject, text and escaped HTML', () => {
    const out = renderEmail(TEMPLATE, {
      Mail: 'ben@contoso.example',
      GivenName: 'Ben',
      DisplayName: 'Ben <Member> & "Co"',
      AadTapId: 'id-1',
      AadTapCode: 'a+b<c',
      AadTapExpires: '2026-11-27T12:00:00Z',
    });
    expect(out.to).toEqual(['ben@contoso.example']);
    expect(out.cc).toEqual(['helpdesk@contoso.example']);
    expect(out.subject).toBe('Your Temporary Access Pass, Ben');
    expect(out.text).toBe('Pass id-1: a+b<c (expires 2026-11-27T12:00:00Z)');
    expect(out.html).toBe('<p>Hello Ben &lt;Member&gt; &amp; &quot;Co&quot;, your code is <b>a+b&lt;c</b></p>');
  });

  it('lists used and unknown variables', () => {
    expect(usedVariables(TEMPLATE).sort()).toEqual([
      'AadTapCode',
      'AadTapExpires',
      'AadTapId',
      'DisplayName',
      'GivenName',
      'Mail',
    ]);
    expect(unknownVariables({ ...TEMPLATE, text: '${AadTapCod} ${Foo} ${Foo}' })).toEqual(['AadTapCod', 'Foo']);
  });

  it('refuses unknown variables', () => {
    expect(() => renderEmail({ ...TEMPLATE, subject: '${Secret}' }, {})).toThrow(
      /Unknown template variables: \$\{Secret\}/,
    );
  });

  it.each([
    ['subject', { GivenName: 'Ben\r\nBcc: attacker@evil.example' }],
    ['recipient', { Mail: 'ben@contoso.example\nBcc: attacker@evil.example' }],
    ['subject with a Unicode line separator', { GivenName: 'Ben\u2028X' }],
  ])('refuses header injection through the %s', (_what, values) => {
    try {
      renderEmail(TEMPLATE, values);
      expect.unreachable();
    } catch (e) {
      expect(isAppError(e, 'mail', 'HEADER_INJECTION')).toBe(true);
    }
  });

  it('splits several recipients', () => {
    expect(
      renderEmail(
        { ...TEMPLATE, to: '${Mail}, backup@contoso.example; x@contoso.example' },
        { Mail: 'a@contoso.example' },
      ).to,
    ).toEqual(['a@contoso.example', 'backup@contoso.example', 'x@contoso.example']);
  });

  it('treats Object.prototype members as unknown variables, not as values', () => {
    for (const name of ['toString', 'constructor', 'hasOwnProperty']) {
      expect(unknownVariables({ ...TEMPLATE, text: `\${${name}}` })).toEqual([name]);
      expect(() => renderEmail({ ...TEMPLATE, text: `\${${name}}` }, {})).toThrow(/Unknown template variables/);
    }
  });
});
