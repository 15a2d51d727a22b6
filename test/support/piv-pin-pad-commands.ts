/**
 * The PIV commands a PIN-pad reader completes, as the PIV layer sends them (src/piv/pin-on-reader.ts;
 * SP 800-73-4 Part 2 §3.2.1, §3.2.2): VERIFY 00 20 00 80 08 FF×8 and CHANGE REFERENCE DATA
 * 00 24 00 80 10 FF×16, the PINs in 8-byte blocks, the new PIN after the current one.
 */
import { fromHex } from '../../src/bytes';
import type { PinPadCommand } from '../../src/ccid/pin-pad';

export const PIV_VERIFY_ON_PAD: PinPadCommand = {
  operation: 'verify',
  apdu: fromHex(`0020008008${'FF'.repeat(8)}`),
  pinBlock: 8,
};

export const PIV_CHANGE_ON_PAD: PinPadCommand = {
  operation: 'modify',
  apdu: fromHex(`0024008010${'FF'.repeat(16)}`),
  pinBlock: 8,
  newPinOffset: 8,
  enterCurrent: true,
};
