/**
 * Words for the workflows outside the card lifecycle: connection settings, templates, the card master key
 * and its file, configuration backups, and Temporary Access Passes.
 */
import { list, say, sentence, type Fields, type Words } from './types';

/** The user a refusal is about, by name. */
const name = (f: Fields) => (typeof f.name === 'string' && f.name ? f.name : 'This user');

/** `AppError('workflows', code)` outside the lifecycle → words. */
export const WORKFLOWS_WORDS: Words = {
  INVALID_SETTINGS: (f, message) => `These settings cannot be saved: ${list(f.problems) || sentence(message)}`,
  INVALID_TEMPLATE: (f, message) => `This template cannot be saved: ${list(f.problems) || sentence(message)}`,
  TEMPLATES_OFFLINE: say(
    'The Keyward relay did not answer, so no template was published. Check the connection to the relay, then try again.',
  ),
  INVALID_CONFIGURATION: (f) =>
    `The configuration was not imported (nothing changed): ${Array.isArray(f.problems) ? f.problems.join('; ') : ''}. Fix the file, or export a fresh one from the browser it came from.`,
  TAP_NO_CARD: (f) =>
    `${name(f)} has no card in the registry, and only a card template can allow a Temporary Access Pass here. Issue them a card under a template that allows operators to generate passes.`,
  TAP_NOT_ALLOWED: (f) =>
    `The card template “${String(f.templateName)}” does not let operators generate Temporary Access Passes (Entra ID TAP Code > Operator may generate TAP codes is off). An administrator can change that under Card Templates.`,
  TAP_TEMPLATE_GONE: (f) =>
    `The card template this card was issued under (${String(f.templateId)}) is withdrawn or not published, so nothing allows a pass for it.`,
  TAP_DELIVER_TEMPLATE_GONE: (f) =>
    `The card template “${String(f.templateName)}” delivers passes with an email template that is not published (${String(f.exportTemplateId)}). An administrator must publish it, or choose another under Card Templates.`,
  TAP_NOWHERE_TO_GO: (f) =>
    `The card template “${String(f.templateName)}” neither shows the code nor delivers it, so a pass would reach nobody. An administrator must turn on Show code or choose a Deliver template.`,
  TAP_LIFETIME_OUTSIDE_POLICY: (f) =>
    `The card template “${String(f.templateName)}” asks for passes of ${String(f.lifetime)} minutes, but the tenant's policy allows ${String(f.min)} to ${String(f.max)}. Nothing was sent to Entra ID; an administrator must change the template's lifetime (or the tenant policy).`,
  TAP_GUEST: (f) => `${name(f)} is a guest account; Entra ID does not issue Temporary Access Passes to guests.`,
  TAP_SELF: say(
    'This is your own account: nobody may create a Temporary Access Pass for themself. Another operator must do it.',
  ),
  PASS_CONTEXT_MISSING: say(
    'No signed-in operator was at hand to remove the pass with Microsoft Graph. Sign in, then remove the pass on Actions > Smart Card Unblock or in Entra ID.',
  ),
  BATCH_TAP_DISABLED: (f) => `${name(f)}'s account is disabled in Entra ID, so a pass could not be used. Skipped.`,
  BATCH_TAP_NO_MAIL: (f) =>
    `${name(f)} has no mail in Entra ID. A batch never shows codes, it only emails them, so this user is skipped; give them a pass on Smart Card Unblock.`,
  BATCH_TAP_ADMIN: (f) =>
    `${name(f)} holds an administrator role in Entra ID. Only a Privileged Authentication Administrator may create their pass, so they are skipped.`,
  BATCH_TAP_HAS_PASS: (f) =>
    `${name(f)} already holds a Temporary Access Pass that is usable or starts later; a new one would silently replace it. Skipped.`,
  BATCH_TAP_PASSES_UNREAD: (f) =>
    `${name(f)}'s passes could not be read from Entra ID, so it is not known whether a pass would be replaced. Skipped; try the preview again.`,
  BATCH_TAP_OTHER_TEMPLATE: (f) =>
    `${name(f)} has no card under the chosen card template, so its TAP options do not apply to them. Skipped.`,
  BATCH_TAP_NO_DELIVERY: (f) =>
    `The card template “${String(f.templateName)}” of ${name(f)}'s card shows the code but has no Deliver email. A batch never shows codes, so they are skipped.`,
  BATCH_TAP_EMAIL_HELD: (f) =>
    `The card template “${String(f.templateName)}” of ${name(f)}'s card delivers with the email “${String(f.emailName)}”, whose Send email automatically is off. A batch only emails codes, at once, and never shows them, so they are skipped; turn Send email automatically on under Data Export, or give them a pass on Smart Card Unblock.`,
  BATCH_TAP_UNKNOWN_USERS: (f) =>
    `These user principal names are not in the directory: ${Array.isArray(f.upns) ? f.upns.join(', ') : ''}. Fix them in the file and upload it again.`,
  BATCH_TAP_BAD_CSV: (f) =>
    `The file has lines without a user principal name (lines ${Array.isArray(f.lines) ? f.lines.join(', ') : ''}${Number(f.more) > 0 ? ` and ${String(f.more)} more` : ''}). Put one UPN per line, or a column headed userPrincipalName.`,
  BATCH_TAP_EMPTY_CSV: say('The file names no users. Put one user principal name per line.'),
  BATCH_TAP_TOO_MANY: (f) =>
    `The file names ${String(f.count)} users; one batch takes at most ${String(f.max)}. Split the file.`,
  TAP_CODE_GONE: say('The code of this pass is no longer held, so it cannot be emailed. Request a new pass.'),
  WRONG_PASSPHRASE: say(
    'The passphrase does not open this key file (or the file was altered). Nothing was changed. Check the passphrase and the file, and try again.',
  ),
  BAD_KEY_FILE: (_, message) =>
    `${sentence(message)} Choose the key file exported from Options > Security on the browser that holds the key.`,
  MASTER_KEY_NOT_IN_RELAY: say(
    'The relay does not hold this browser’s card master key yet, so it stays here. Move it into the relay first; then it can be removed.',
  ),
};
