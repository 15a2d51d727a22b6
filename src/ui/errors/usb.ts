/**
 * Words for the WebUSB refusals (src/transport/usb-errors.ts maps the browser's DOMExceptions to these
 * codes): why this page cannot open a reader, and what to do instead. DESIGN.md, "Platform facts": Chrome
 * protects the Smart Card class and blocklists YubiKeys for ordinary pages.
 */
import { say, type Words } from './types';

/**
 * The ways around WebUSB's refusal that exist today: the bridge on Windows, macOS and Linux. The installed
 * app for managed ChromeOS (`npm run build:iwa`) reaches every reader but cannot sign an operator in yet
 * (README, "The installed app"), so the words say that rather than send a Chromebook user to it.
 */
const BRIDGE =
  'On Windows, macOS and Linux, use the Keyward PC/SC bridge on this computer (see "Use the Keyward bridge" below the reader list).';
const IWA =
  'On a Chromebook the bridge cannot run, and the installed Keyward app for ChromeOS cannot sign you in yet: use a Windows, macOS or Linux computer for this card.';
const ALTERNATIVES = `${BRIDGE} ${IWA} A reader with a vendor-specific USB interface also works in this page.`;

/** `AppError('transport', code)` from WebUSB → words. */
export const USB_WORDS: Words = {
  PROTECTED_CLASS: say(
    `Chrome protects smart-card readers from web pages, so this page cannot open the reader. ${ALTERNATIVES}`,
  ),
  BLOCKLISTED: say(`Chrome blocks web pages from this device (YubiKeys are on its WebUSB blocklist). ${BRIDGE} ${IWA}`),
  NO_DEVICE_CHOSEN: say('No reader was chosen. Plug the reader in and pick it in the list Chrome shows.'),
  PERMISSION_DENIED: say(
    'Chrome did not allow this page to use USB devices. Check the site permissions or your administrator’s USB policy, then try again.',
  ),
  DISCONNECTED: say(
    'The reader stopped answering: it was unplugged or a USB transfer failed. Reconnect the reader and try again.',
  ),
  BUSY: say(
    'Another program is using the reader (often the system smart-card service or another tab). Close it, or reconnect the reader, and try again.',
  ),
  WEBUSB_UNAVAILABLE: say(
    'This browser has no WebUSB. Use Chrome or Edge on a Windows, macOS or Linux computer (with the Keyward bridge for standard readers and YubiKeys).',
  ),
  USB_ERROR: say('The USB reader reported an error. Reconnect the reader and try again.'),
};
