/**
 * A `navigator.smartCard` stand-in for end-to-end tests: the Web Smart Card API shim of the simulator
 * (src/simulator/smart-card-shim.ts) with one reader holding a blank virtual PIV card, so the app's real
 * `web-smart-card` backend runs in the browser as it would in the Isolated Web App on ChromeOS. Built to
 * an IIFE by global-setup.ts and installed with `addInitScript`, after a small script that sets
 * `window.__keywardSmartCardShim` (see fixtures.ts).
 */
import { createVirtualPivCard, type PivCardProfileName } from '../../../src/simulator/piv-card/virtual-piv-card';
import { createSmartCardShim } from '../../../src/simulator/smart-card-shim';

/** What a test asks for: one reader name and the card in it. */
export interface SmartCardShimConfig {
  readonly reader: string;
  readonly card: PivCardProfileName | null;
}

const config = (window as unknown as { __keywardSmartCardShim?: SmartCardShimConfig }).__keywardSmartCardShim;
const shim = createSmartCardShim();
if (config) shim.plugReader(config.reader, config.card ? createVirtualPivCard({ profile: config.card }) : null);

Object.defineProperty(Navigator.prototype, 'smartCard', { configurable: true, get: () => shim.api });
// The API is ChromeOS's (web-smart-card.ts offers it only there): the page runs as on a Chromebook.
Object.defineProperty(Navigator.prototype, 'userAgentData', {
  configurable: true,
  get: () => ({ platform: 'Chrome OS', mobile: false, brands: [] }),
});
(window as unknown as { __keywardSmartCard: typeof shim }).__keywardSmartCard = shim;
