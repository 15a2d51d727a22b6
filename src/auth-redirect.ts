/**
 * The MSAL v5 redirect bridge: sign-in popups (and silent iframes) land here, and the response is handed
 * to the Keyward window over a BroadcastChannel. This is what lets the app keep COOP `same-origin`.
 */
import { broadcastResponseToMainFrame } from '@azure/msal-browser/redirect-bridge';

broadcastResponseToMainFrame().catch(() => {
  document.body.textContent = 'Sign-in could not be completed. Close this window and try again from Keyward.';
});
