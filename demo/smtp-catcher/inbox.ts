/**
 * The SMTP catcher's inbox page: a small Hono app that lists caught messages and shows one.
 *
 * Everything from a message is untrusted. Text is HTML-escaped by hono/html's `html` template; the HTML
 * part is never inlined but served from its own route with `Content-Security-Policy: sandbox` (no
 * script, no same-origin) and shown in an `<iframe sandbox>`. The page itself has no inline script or
 * style, under a CSP that allows neither.
 */
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { formatAddress, type CaughtMessage } from './caught-message';

/** The page's own policy: its stylesheet and same-origin frames only. */
const PAGE_CSP =
  "default-src 'none'; style-src 'self'; frame-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/** The HTML part's policy: inert (sandboxed, no script), inline styles and embedded images only. */
const PART_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'";

const STYLESHEET = readFileSync(new URL('./inbox.css', import.meta.url), 'utf8');

type Page = HtmlEscapedString | Promise<HtmlEscapedString>;

function layout(title: string, body: Page, refresh = false): Page {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${refresh ? html`<meta http-equiv="refresh" content="5">` : ''}
<title>${title}</title>
<link rel="stylesheet" href="/inbox.css">
</head>
<body>
${body}
</body>
</html>`;
}

function listPage(messages: readonly CaughtMessage[]): Page {
  const rows = [...messages].reverse().map(
    (m) => html`<tr>
<td><time datetime="${m.receivedAt}">${m.receivedAt.replace('T', ' ').slice(0, 19)}</time></td>
<td>${m.from ? formatAddress(m.from) : m.envelope.from}</td>
<td>${m.to.map(formatAddress).join(', ') || m.envelope.to.join(', ')}</td>
<td><a href="/messages/${encodeURIComponent(m.id)}">${m.subject || '(no subject)'}</a></td>
</tr>`,
  );
  const table =
    rows.length === 0
      ? html`<p class="empty">No mail yet. This page refreshes every 5 seconds.</p>`
      : html`<table><thead><tr><th>Received</th><th>From</th><th>To</th><th>Subject</th></tr></thead><tbody>${rows}</tbody></table>`;
  return layout('Inbox: SMTP catcher', html`<h1>Inbox</h1>${table}`, true);
}

function messagePage(m: CaughtMessage): Page {
  const headers = Object.entries(m.headers).map(([name, value]) => html`<dt>${name}</dt><dd>${value}</dd>`);
  const htmlPart =
    m.html === null
      ? ''
      : html`<h2>HTML part (sandboxed)</h2>
<iframe sandbox="" referrerpolicy="no-referrer" title="HTML part" src="/messages/${encodeURIComponent(m.id)}/html"></iframe>`;
  return layout(
    m.subject || '(no subject)',
    html`<p><a href="/">&larr; Inbox</a></p>
<h1>${m.subject || '(no subject)'}</h1>
<dl>
<dt>Envelope from</dt><dd>${m.envelope.from}</dd>
<dt>Envelope to</dt><dd>${m.envelope.to.join(', ')}</dd>
</dl>
<h2>Text part</h2>
<pre>${m.text}</pre>
${htmlPart}
<h2>Headers</h2>
<dl>${headers}</dl>`,
  );
}

/** Creates the inbox app over a live view of the caught messages (oldest first). */
export function createInboxApp(messages: () => readonly CaughtMessage[]): Hono {
  const app = new Hono();
  app.use(async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Cache-Control', 'no-store');
    if (!c.res.headers.has('Content-Security-Policy')) c.header('Content-Security-Policy', PAGE_CSP);
  });
  const find = (id: string) => messages().find((m) => m.id === id);
  app.get('/inbox.css', (c) => c.body(STYLESHEET, 200, { 'Content-Type': 'text/css; charset=utf-8' }));
  app.get('/', (c) => c.html(listPage(messages())));
  app.get('/api/messages', (c) => c.json([...messages()].reverse()));
  app.get('/messages/:id', (c) => {
    const m = find(c.req.param('id'));
    return m
      ? c.html(messagePage(m))
      : c.html(layout('Not found', html`<h1>No such message</h1><p><a href="/">Inbox</a></p>`), 404);
  });
  app.get('/messages/:id/html', (c) => {
    const m = find(c.req.param('id'));
    if (!m || m.html === null) return c.text('No HTML part.', 404);
    return c.body(m.html, 200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': PART_CSP });
  });
  return app;
}
