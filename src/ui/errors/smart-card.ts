/**
 * Words for the Web Smart Card API (src/transport/web-smart-card.ts maps its `SmartCardError.responseCode`s
 * and DOMExceptions to these codes). The API exists only in an Isolated Web App on ChromeOS, where the
 * device's own smart-card service reaches the readers. NO_CARD, CARD_REMOVED, SHARING_VIOLATION and
 * UNKNOWN_READER mean the same through the bridge and have their words in ./bridge.ts.
 */
import { say, type Words } from './types';

/** `AppError('transport', code)` from `navigator.smartCard` → words. */
export const SMART_CARD_WORDS: Words = {
  SMART_CARD_UNAVAILABLE: say(
    'This window cannot use the device’s smart-card service (it is there only in the installed Keyward app on ChromeOS). Use a USB reader or the Keyward bridge instead.',
  ),
  SMART_CARD_NO_SERVICE: say(
    'The device’s smart-card service is not running. Restart the device; on a managed Chromebook, ask IT whether smart-card support is turned on.',
  ),
  SMART_CARD_NOT_ALLOWED: say(
    'ChromeOS did not let Keyward use that reader: the permission was refused, or the Keyward window was not in front. Click into the Keyward window, choose the reader again, and allow it when asked.',
  ),
  SMART_CARD_BUSY: say('The smart-card service is busy. Wait a moment and try again.'),
  SMART_CARD_UNRESPONSIVE: say(
    'The card does not answer (it may be in the wrong way round, dirty, or faulty). Take it out, insert it again, and retry.',
  ),
  SMART_CARD_UNSUPPORTED: say(
    'The reader or the smart-card service cannot talk to this card the way Keyward needs. Try another reader; if the card still fails, it may not be a PIV card.',
  ),
  SMART_CARD_CANCELLED: say('The smart-card operation was cancelled (the device may be going to sleep). Try again.'),
  SMART_CARD_ERROR: (f) =>
    `The device’s smart-card service reported an error${typeof f.operation === 'string' ? ` during ${f.operation}` : ''}. Remove and reinsert the card, or reconnect the reader, and try again.`,
};
