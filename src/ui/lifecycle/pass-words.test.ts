import { describe, expect, it } from 'vitest';
import { AppError } from '../../app-error';
import { passRevocationWords } from './pass-words';

describe('what became of the card’s pass, in words', () => {
  it('says removed and already gone as information, naming the pass and the holder', () => {
    expect(passRevocationWords({ status: 'revoked', tapId: 'tap-1' }, 'Ben Member')).toEqual({
      alert: false,
      text: "The Temporary Access Pass Keyward created for this card (pass id tap-1) was removed from Ben Member's account in Entra ID.",
    });
    const gone = passRevocationWords({ status: 'gone', tapId: 'tap-2' }, 'Ben Member');
    expect(gone.alert).toBe(false);
    expect(gone.text).toMatch(/\(pass id tap-2\) was already gone from Entra ID .*nothing to remove\.$/);
    expect(passRevocationWords({ status: 'none' }, '').text).toBe(
      'Keyward created no Temporary Access Pass for this card, so there was none to remove.',
    );
  });

  it("says a refusal as an alert with Graph's reason in words, and that the retirement stands", () => {
    const error = new AppError('entra', 'GRAPH_THROTTLED', 'Too many requests.', {
      retryAfterSeconds: 9,
      method: 'GET',
    });
    const refused = passRevocationWords({ status: 'failed', tapId: 'tap-3', error }, 'Ben Member');
    expect(refused.alert).toBe(true);
    expect(refused.text).toMatch(
      /^The card is retired, but the Temporary Access Pass .*\(pass id tap-3\) could not be removed/,
    );
    expect(refused.text).toContain('Ben Member can still sign in with it');
    expect(refused.text).toContain('Wait 9 seconds');
    const unread = new AppError('relay-api', 'RELAY_UNREACHABLE', 'unreachable');
    const unknown = passRevocationWords({ status: 'failed', tapId: null, error: unread }, '');
    expect(unknown.text).toMatch(
      /could not look up the Temporary Access Pass .* Check the user's authentication methods/,
    );
  });
});
