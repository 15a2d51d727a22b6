/**
 * The loopback sign-in as the Isolated Web App runs it: the listener is a Direct Sockets
 * `TCPServerSocket`, and the authorization page opens in a browser tab (a URL outside the app's scope
 * opens in the browser, not in the app window).
 */
import type { EntraSettings } from '../config/deployment';
import { openDirectSocketsListener } from './direct-sockets-listener';
import { LoopbackTokenSource } from './loopback-token-source';

export function createLoopbackTokenSource(settings: EntraSettings): LoopbackTokenSource {
  return new LoopbackTokenSource(settings, {
    openListener: openDirectSocketsListener,
    openBrowser: (url) => {
      window.open(url, '_blank', 'noopener');
    },
  });
}
