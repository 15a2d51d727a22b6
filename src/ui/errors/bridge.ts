/**
 * Words for the local PC/SC bridge (bridge/) and the readers and cards behind it: the page's own
 * codes about reaching the bridge, and the codes the bridge sends (`BridgeErrorCode`), which the page
 * raises as `AppError('transport', code)`. `NO_CARD` is the one "no card in the reader" code of every
 * reader backend (webusb-ccid.ts translates the CCID driver's).
 */
import { say, sentence, type Describer, type Words } from './types';

/** The page and the bridge disagree about the protocol: a mismatched install or a bug. */
const protocolSlip: Describer = (_, message) =>
  `The Keyward bridge refused a request from this page (${message}). Check that the bridge matches this Keyward version; if it does, report it.`;

/** `AppError('transport', code)` from the PC/SC bridge → words. */
export const BRIDGE_WORDS: Words = {
  BRIDGE_UNREACHABLE: say(
    'The Keyward bridge did not answer. Is it running, started with this page’s address in --origin, and did Chrome allow this site to reach devices on the local network?',
  ),
  LOCAL_NETWORK_DENIED: say(
    'Chrome is not letting this site reach programs on this computer (Local Network Access), so it cannot reach the bridge. Click the icon at the left of the address bar, open Site settings, set “Local network access” to Allow, then choose Reconnect. On a managed laptop, ask IT to list this site in the LocalNetworkAccessAllowedForUrls policy.',
  ),
  BRIDGE_CLOSED: say('The Keyward bridge stopped or closed the connection. Start it again, then choose Reconnect.'),
  BRIDGE_VERSION: (f) =>
    `The Keyward bridge speaks protocol version ${String(f.version)}, which this page does not. Install the bridge that matches this Keyward.`,
  NOT_A_BRIDGE: say(
    'Something other than the Keyward bridge answered at that address. Check the port the bridge was started with (--port) and connect again.',
  ),
  TIMEOUT: say('The Keyward bridge did not answer in time. Check that it is still running, then try again.'),
  BRIDGE_NOT_AUTHENTIC: say(
    'Something is answering on the bridge’s port, but it could not prove it is the Keyward bridge this browser paired with, so Keyward sent it nothing: no reader request, no card command, no key. Stop any program you do not recognise on that port, start the Keyward bridge, and connect again. If you re-installed the bridge, pair again with the code it prints.',
  ),
  NOT_PAIRED: say('This page is not paired with the bridge yet. Type the code the bridge printed to pair it.'),
  AUTH_FAILED: say('The bridge does not accept this browser’s pairing any more. Pair again with the code it prints.'),
  PAIRING_FAILED: say(
    'That code did not match. Check the code in the bridge’s window and try again; if it still fails, what answers may not be the Keyward bridge.',
  ),
  PAIRING_LOCKED: say(
    'Too many pairing attempts: the bridge has locked pairing for ten minutes. Wait, then use the new code it prints.',
  ),
  CONTROL_REFUSED: protocolSlip,
  PIN_PAD_ANSWER_INVALID: say(
    'The reader’s answer to the PIN typed on its keypad was not a card status, so Keyward cannot tell whether the card took the PIN and did not go on. Remove and reinsert the card and try again; if it happens again, use another reader, or this one without its keypad.',
  ),
  RATE_LIMITED: say('This page sent the bridge too many requests at once. Wait a few seconds and try again.'),
  SERVICE_NOT_RUNNING: say(
    'The bridge is running but the computer’s smart-card service is not. Linux: sudo systemctl start pcscd. Windows: start the “Smart Card” service. macOS: plug a reader in.',
  ),
  NO_READER: say(
    'No smart-card reader is connected to this computer. Plug one in (and install its driver if it needs one), then choose the reader again.',
  ),
  UNKNOWN_READER: say('That reader is not connected any more. Plug it in again, then choose it in the list.'),
  NO_CARD: say('There is no card in that reader. Insert one.'),
  CARD_REMOVED: say('The card was removed (or reset) during the operation. Insert it again and retry.'),
  SHARING_VIOLATION: say(
    'Another program is using that card (a smart-card tool, another Keyward tab, or a background agent such as gpg’s scdaemon), so Keyward cannot have it to itself. Close it, then choose the reader again.',
  ),
  UNKNOWN_HANDLE: say('The bridge no longer knows this card (it was reset or reconnected). Choose the reader again.'),
  PCSC_ERROR: (_, message) =>
    `The computer’s smart-card service reported an error: ${sentence(message)} Remove and reinsert the card, or reconnect the reader, and try again.`,
  NATIVE_MODULE_MISSING: say('The bridge is missing its smart-card module. Reinstall it (see the README).'),
  BAD_REQUEST: protocolSlip,
};
