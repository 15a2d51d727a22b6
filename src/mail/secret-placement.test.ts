import { describe, expect, it } from 'vitest';
import { describePlacement, placementProblems, recipientProblems } from './secret-placement';

const parts = (over: Partial<Record<'to' | 'cc' | 'subject' | 'text' | 'html', string>>) => ({
  to: '${Mail}',
  cc: '',
  subject: 'Your pass',
  text: 'Code ${AadTapCode}',
  html: '<p>Code <b>${AadTapCode}</b></p>',
  ...over,
});

describe('placementProblems', () => {
  it('accepts secrets as body text, in text and HTML', () => {
    expect(placementProblems(parts({}))).toEqual([]);
    expect(placementProblems(parts({ html: '<p title="a > b">${ActivationPin}</p>' }))).toEqual([]);
  });

  it.each([
    [
      'subject',
      { subject: 'Pass ${AadTapCode}' },
      'subject: ${AadTapCode} at character 6: a secret is allowed only in the bodies',
    ],
    [
      'cc',
      { cc: '${ActivationPin}@x.example' },
      'cc: ${ActivationPin} at character 1: a secret is allowed only in the bodies',
    ],
    [
      'an attribute',
      { html: '<img src="https://x.example/${AadTapCode}">' },
      'html: ${AadTapCode} at character 29: a placeholder is not allowed inside an HTML tag or attribute',
    ],
    [
      'a single-quoted attribute with a >',
      { html: "<a title='>' href='${Mail}'>x</a>" },
      'html: ${Mail} at character 20: a placeholder is not allowed inside an HTML tag or attribute',
    ],
    [
      'an unclosed tag',
      { html: '<p>ok</p><a href=${DisplayName}' },
      'html: ${DisplayName} at character 18: a placeholder is not allowed inside an HTML tag or attribute',
    ],
  ])('refuses a placeholder in %s, naming field and position', (_what, over, line) => {
    expect(placementProblems(parts(over)).map(describePlacement)).toEqual([line]);
  });

  it('leaves non-secret variables in headers alone', () => {
    expect(placementProblems(parts({ subject: 'Hello ${GivenName}', to: '${DisplayName} <${Mail}>' }))).toEqual([]);
  });
});

describe('recipientProblems', () => {
  it("accepts only the user's own address, with or without a display name", () => {
    expect(recipientProblems({ to: '${Mail}; ${DisplayName} <${Mail}>', cc: '' })).toEqual([]);
    expect(recipientProblems({ to: '${Mail}, helpdesk@contoso.example', cc: '${UserPrincipalName}' })).toEqual([
      { field: 'to', entry: 'helpdesk@contoso.example' },
      { field: 'cc', entry: '${UserPrincipalName}' },
    ]);
  });
});
