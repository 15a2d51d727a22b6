/**
 * Words for the workflows outside the card lifecycle: connection settings, templates, the card master key
 * and its file, configuration backups, and Temporary Access Passes.
 */
import { list, say, sentence, type Words } from './types';

/** `AppError('workflows', code)` outside the lifecycle → words. */
export const WORKFLOWS_WORDS: Words = {
  INVALID_SETTINGS: (f, message) => `These settings cannot be saved: ${list(f.problems) || sentence(message)}`,
  INVALID_TEMPLATE: (f, message) => `This template cannot be saved: ${list(f.problems) || sentence(message)}`,
  TEMPLATES_OFFLINE: say(
    'The Keyward relay did not answer, so no template was published. Check the connection to the relay, then try again.',
  ),
  INVALID_CONFIGURATION: (f) =>
    `The configuration was not imported (nothing changed): ${Array.isArray(f.problems) ? f.problems.join('; ') : ''}. Fix the file, or export a fresh one from the browser it came from.`,
  TAP_CODE_GONE: say('The code of this pass is no longer held, so it cannot be emailed. Request a new pass.'),
  // The passphrase rule itself is the message (master-key.ts passphraseProblem), shared with the form.
  WEAK_PASSPHRASE: (_, message) => sentence(message),
  WRONG_PASSPHRASE: say(
    'The passphrase does not open this key file (or the file was altered). Nothing was changed. Check the passphrase and the file, and try again.',
  ),
  BAD_KEY_FILE: (_, message) =>
    `${sentence(message)} Choose the key file exported from Options > Security on the browser that holds the key.`,
  MASTER_KEY_EXISTS: say(
    'This browser already holds a card master key. Confirm "Replace master key" to replace it (cards issued under the old key will need the old one), or keep the one it has.',
  ),
};
