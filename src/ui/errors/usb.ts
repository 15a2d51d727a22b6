/**
 * Words for the WebUSB refusals (src/transport/usb-errors.ts maps the browser's DOMExceptions to these
 * codes): why this page cannot open a reader, and what to do instead. DESIGN.md, "Platform facts": Chrome
 * protects the Smart Card class and blocklists YubiKeys for ordinary pages.
 */
import { say, type Fields, type Words } from './types';

/**
 * The ways around WebUSB's refusal, by the operator's platform (`chromeOs`, set where the refusal was
 * mapped): on Windows, macOS and Linux the bridge; on ChromeOS, where the bridge cannot run, the installed
 * app for managed Chromebooks (`npm run build:iwa`; README, "The installed app"). Both when unknown.
 */
const BRIDGE =
  'On Windows, macOS and Linux, use the Keyward PC/SC bridge on this computer (see "Use the Keyward bridge" below the reader list).';
const IWA =
  'On a Chromebook, use the installed Keyward app for ChromeOS, which reaches every reader; your IT department installs it on managed Chromebooks (the bridge does not run on ChromeOS).';
const VENDOR = 'A reader with a vendor-specific USB interface also works in this page.';

function waysAround(f: Fields): string {
  if (f.chromeOs === true) return IWA;
  if (f.chromeOs === false) return BRIDGE;
  return `${BRIDGE} ${IWA}`;
}

/** `AppError('transport', code)` from WebUSB → words. */
export const USB_WORDS: Words = {
  PROTECTED_CLASS: (f) =>
    `Chrome protects smart-card readers from web pages, so this page cannot open the reader. ${waysAround(f)} ${VENDOR}`,
  BLOCKLISTED: (f) =>
    `Chrome blocks web pages from this device (YubiKeys are on its WebUSB blocklist). ${waysAround(f)}`,
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
