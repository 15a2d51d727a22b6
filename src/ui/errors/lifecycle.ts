/**
 * Words for the card lifecycle (Issue, Activate, Unblock, Retire, lost cards): the workflows' codes from
 * src/workflows/lifecycle and the Lifecycle page.
 */
import { say, type Fields, type Words } from './types';

/** "Ben Member (ben@contoso.example)", or whichever of the two the error carries. */
const holderOf = (f: Fields) => {
  const name = typeof f.holderName === 'string' ? f.holderName : '';
  const upn = typeof f.holderUpn === 'string' ? f.holderUpn : '';
  return name && upn ? `${name} (${upn})` : name || upn || 'a holder';
};

/** What an undo may leave on a card (issue-rollback.ts `left`), in words. */
const LEFT: Readonly<Record<string, string>> = {
  pin: 'the activation PIN instead of the factory PIN',
  puk: 'the PUK Keyward derived for it instead of the factory PUK',
  'management-key': 'a management key other than the factory one',
  chuid: 'the binding to the holder (its CHUID)',
};

/** `"Set the card’s own PUK" (status 6A80)`: the refused step and the card's status word. */
const refusedStep = (f: Fields) =>
  `${typeof f.stepLabel === 'string' ? `the step "${f.stepLabel}"` : 'a step of the issuance'}${typeof f.sw === 'number' ? ` (status ${f.sw.toString(16).toUpperCase()})` : ''}`;

/** The keys the run generated, which PIV cannot delete. */
const keysLeft = (f: Fields) => {
  const slots = typeof f.keysLeft === 'string' && f.keysLeft ? f.keysLeft.toUpperCase().split(',') : [];
  if (!slots.length) return '';
  const which =
    slots.length > 1
      ? `keys generated in slots ${slots.join(' and ')} stay`
      : `key generated in slot ${slots[0]} stays`;
  return ` The ${which} on the card: PIV has no command that deletes a key, no certificate names ${slots.length > 1 ? 'them' : 'it'}, and issuing the card again replaces ${slots.length > 1 ? 'them' : 'it'}.`;
};

/** What to do about the refusal itself. */
const nextStep = (f: Fields) =>
  f.refused === 'ALGORITHM_NOT_SUPPORTED' && f.operation === 'generate'
    ? ' The card does not have the key algorithm the template asks for: issue it under a template with an algorithm Detect lists for it.'
    : ' Issue it again; if the card refuses again, use another card.';

/** `AppError('workflows', code)` of the lifecycle → words. */
export const LIFECYCLE_WORDS: Words = {
  MASTER_KEY_MISSING: say(
    'This browser holds no card master key of its own, so there is nothing to move into the relay. Import the key file into the relay instead.',
  ),
  CARD_BOUND: (f) =>
    `The registry holds this card as ${String(f.state ?? 'in use')} for ${holderOf(f)}, so nothing was written to it. If it is to go to someone else, retire it first (Lifecycle > Retire with the card in the reader, or report it lost on Smart Card Unblock).`,
  CARD_BOUND_ELSEWHERE: (f) =>
    `This card says it belongs to someone the registry has no record of: its CHUID names holder ${String(f.guid ?? '(unknown)')}${typeof f.fascn === 'string' ? ` (FASC-N ${f.fascn})` : ''}. It was issued by another system or an older Keyward, so nothing was written to it. If an older Keyward issued it, have an administrator upload that browser's registry; otherwise reset the card with its issuer's tools before issuing it here.`,
  NOT_RECORDED: (f) =>
    `The card was changed (${String(f.operation ?? 'the operation')} is done on the card), but the registry could not record it yet, so the other consoles do not know. Nothing is lost: once the relay answers again, run ${String(f.operation ?? 'the operation')} again on this card in this browser to record it.`,
  REFUSED_ROLLED_BACK: (f) =>
    `The card refused ${refusedStep(f)}, so Keyward undid the issuance: the card is as it was before (no binding to the holder, the factory PIN, PUK and management key, no certificate) and reads Blank; the registry does not hold it as issued.${keysLeft(f)}${nextStep(f)}`,
  ROLLBACK_INCOMPLETE: (f) => {
    const left = typeof f.left === 'string' ? f.left.split(',').map((p) => LEFT[p] ?? p) : [];
    return `The card refused ${refusedStep(f)}, and undoing the issuance stopped part-way: the card may still carry ${left.length ? `${left.slice(0, -1).join(', ')}${left.length > 1 ? ' and ' : ''}${left.at(-1)}` : 'what the issuance wrote'}. Issue it again to the same holder in this browser: Keyward takes up the interrupted issuance, and undoes it again if the card still refuses. If that fails too, reset the card before anyone uses it (a YubiKey with Yubico's "ykman piv reset", another PIV card with its vendor's tool).${keysLeft(f)}`;
  },
  TEMPLATE_MISMATCH: say('This card template does not apply to this type of credential. Choose another template.'),
  KEY_ALGORITHM_UNSUPPORTED: (f) =>
    `This card template enrols a ${String(f.algorithm ?? 'key')} key, which this card does not have${typeof f.available === 'string' && f.available ? ` (it has ${f.available})` : ''}. Nothing was written to the card. Choose a template with one of its algorithms.`,
  TEMPLATE_GONE: (f) =>
    f.exportTemplateId
      ? 'The email template for the activation PIN is not published (or was withdrawn), so the PIN was not sent. Publish it, or change the card template to show the PIN.'
      : 'This card template is not published, or was withdrawn since. Reload the templates and choose a published one; a card issued under a withdrawn template is retired and issued again.',
  NOT_ISSUED: say(
    'The registry does not hold this card as issued (or it is already in that state). Read the card again and check it is the right one.',
  ),
  NOT_LIVE: say(
    "This card is not in anyone's hands as far as the registry knows (it is blank or already retired), so it cannot be reported lost.",
  ),
  RUN_UNFINISHED: (f) =>
    `An interrupted ${String(f.operation ?? 'operation')} on this card must be finished first: run it again.`,
  PIN_MISMATCH: say('The two new PINs differ. Type the same PIN twice.'),
  TAP_CONTEXT_MISSING: say('Sign in first: this template creates a Temporary Access Pass as the card is activated.'),
};
