/**
 * What became of the Temporary Access Pass Keyward created for a retired or lost card, in words for the
 * summary (issue 14, "Revoke on Retire and Lost"). A pass already gone is said plainly, not as an error;
 * a pass Graph would not remove is said with Graph's reason and what to do, and the retirement stands.
 */
import type { PassRevocation } from '../../state/lifecycle.svelte';
import { describeError } from '../describe-error';

/** The sentence, and whether it needs the operator's attention (an alert) or is information (a status). */
export interface PassWords {
  readonly alert: boolean;
  readonly text: string;
}

/** Words for `pass`; `holder` is the card's holder as the page showed them (empty when unknown). */
export function passRevocationWords(pass: PassRevocation, holder: string): PassWords {
  const who = holder || 'the user';
  const created = (id: string) => `The Temporary Access Pass Keyward created for this card (pass id ${id})`;
  switch (pass.status) {
    case 'none':
      return {
        alert: false,
        text: 'Keyward created no Temporary Access Pass for this card, so there was none to remove.',
      };
    case 'revoked':
      return { alert: false, text: `${created(pass.tapId)} was removed from ${who}'s account in Entra ID.` };
    case 'gone':
      return {
        alert: false,
        text: `${created(pass.tapId)} was already gone from Entra ID (expired, used, replaced by a newer pass, or removed), so there was nothing to remove.`,
      };
    case 'failed':
      return {
        alert: true,
        text:
          pass.tapId === null
            ? `The card is retired, but Keyward could not look up the Temporary Access Pass it created for this card, so none was removed: ${describeError(pass.error)} Check ${who}'s authentication methods in Entra ID.`
            : `The card is retired, but ${created(pass.tapId).replace(/^The/, 'the')} could not be removed, so ${who} can still sign in with it: ${describeError(pass.error)} Try again below, or remove it from ${who}'s authentication methods in Entra ID.`,
      };
  }
}
