/**
 * Which operating system the page runs on, where the reader paths differ: ChromeOS (the installed app,
 * Web Smart Card) or the others (the PC/SC bridge).
 */

/** ChromeOS by User-Agent Client Hints (`platform` "Chrome OS"), else by the "CrOS" User-Agent token. */
export function onChromeOs(): boolean {
  const nav = (globalThis as { navigator?: { userAgentData?: { platform?: string }; userAgent?: string } }).navigator;
  return nav?.userAgentData?.platform === 'Chrome OS' || /\bCrOS\b/.test(nav?.userAgent ?? '');
}
