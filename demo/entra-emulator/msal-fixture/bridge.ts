// The redirect bridge page MSAL v5 needs for popups (DESIGN.md "Verified: MSAL v5 against a local OIDC provider").
import { broadcastResponseToMainFrame } from '@azure/msal-browser/redirect-bridge';

void broadcastResponseToMainFrame();
