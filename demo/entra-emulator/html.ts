/**
 * The emulator's HTML pages share one layout: no inline scripts or styles (one external stylesheet), a
 * strict CSP, and every interpolated string escaped.
 */

/** Where the shared stylesheet is served (same origin as the pages). */
export const STYLESHEET_PATH = '/entra-static/sign-in.css';

/**
 * CSP for every page. `form-action` is left unset on purpose: Chrome applies it to the redirects that
 * follow a form POST, and the sign-in POST ends in a redirect to the SPA's (other-origin) redirect URI.
 */
export const PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'";

const STYLESHEET = `body{font-family:system-ui,sans-serif;margin:0;background:#f3f2f1;color:#1b1b1b}
main{max-width:28rem;margin:3rem auto;background:#fff;padding:2rem;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:1.5rem;margin-top:0}ul{list-style:none;padding:0}li{margin:.5rem 0}
button{width:100%;text-align:left;padding:.6rem .8rem;border:1px solid #8a8886;background:#fff;cursor:pointer;font:inherit}
button:hover,button:focus{background:#edebe9}.upn{display:block;color:#605e5c;font-size:.85rem}
.note{color:#605e5c;font-size:.85rem}`;

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A full page; `bodyHtml` must already be escaped. */
export function renderPage(title: string, bodyHtml: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><link rel="stylesheet" href="${STYLESHEET_PATH}"></head>
<body><main>${bodyHtml}</main></body></html>`;
}

/** The stylesheet response body. */
export function stylesheet(): string {
  return STYLESHEET;
}
