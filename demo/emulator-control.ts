/**
 * Test-only HTTP controls for the Entra emulator, so end-to-end tests (another process) can inject
 * Graph throttling (`throttle`, `throttle-items` for `$batch` items), size the identity write quota
 * (`write-quota`), make a pass create time out after it landed (`timeout-after-create`), change the TAP policy, withhold admin consent for delegated permissions
 * (`POST /_emulator/consent` with `{ "withheld": [...] }`), read the pass the emulator holds, and get a
 * seeded user's access token for the relay (`POST /_emulator/relay-token` with `{ "upn": ... }`: what MSAL
 * would bring after that user clicked their name on the emulator's sign-in page, so a test can set up
 * through the relay's API what is not the point of the test). Mounted under
 * `/_emulator/` on the emulator's https server only when KEYWARD_EMULATOR_CONTROL=1; `npm start` never
 * enables it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EntraEmulator } from './entra-emulator/index';

const PREFIX = '/_emulator/';

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  return body ? (JSON.parse(body) as Record<string, unknown>) : {};
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body ?? null));
}

/** Handles `/_emulator/*`; returns false for other paths. */
export function handleEmulatorControl(emulator: EntraEmulator, req: IncomingMessage, res: ServerResponse): boolean {
  const url = new URL(req.url ?? '/', 'https://localhost');
  if (!url.pathname.startsWith(PREFIX)) return false;
  const [action, arg] = url.pathname.slice(PREFIX.length).split('/');
  void (async () => {
    try {
      if (req.method === 'POST' && action === 'throttle') {
        const b = await readJson(req);
        emulator.control.inject429(
          Number(b.count ?? 1),
          Number(b.retryAfterSeconds ?? 1),
          typeof b.method === 'string' ? b.method : undefined,
        );
        return send(res, 204, null);
      }
      if (req.method === 'POST' && action === 'throttle-items') {
        const b = await readJson(req);
        emulator.control.inject429Items(Number(b.count ?? 1), Number(b.retryAfterSeconds ?? 1));
        return send(res, 204, null);
      }
      if (req.method === 'POST' && action === 'write-quota') {
        const b = await readJson(req);
        emulator.control.setWriteQuota({ limit: Number(b.limit), windowMs: Number(b.windowMs) });
        return send(res, 204, null);
      }
      if (req.method === 'POST' && action === 'timeout-after-create') {
        const b = await readJson(req);
        emulator.control.timeoutAfterCreate(typeof b.userId === 'string' ? b.userId : null);
        return send(res, 204, null);
      }
      if (req.method === 'POST' && action === 'policy') {
        emulator.control.setTapPolicy(await readJson(req));
        return send(res, 204, null);
      }
      if (req.method === 'POST' && action === 'consent') {
        const { withheld } = await readJson(req);
        if (!Array.isArray(withheld) || !withheld.every((p) => typeof p === 'string')) {
          return send(res, 400, { error: 'withheld must be an array of permission names' });
        }
        emulator.control.withholdConsent(withheld);
        return send(res, 204, null);
      }
      if (req.method === 'POST' && action === 'relay-token') {
        const user = emulator.tenant.findUser(String((await readJson(req)).upn ?? ''));
        if (!user) return send(res, 404, { error: 'no such user' });
        const token = await emulator.control.mintAccessToken({
          userId: user.id,
          audience: 'relay',
          scopes: ['Mail.Send'],
        });
        return send(res, 200, { token });
      }
      if (req.method === 'GET' && action === 'tap' && arg)
        return send(res, 200, emulator.control.tapFor(decodeURIComponent(arg)) ?? null);
      if (req.method === 'GET' && action === 'user' && arg) {
        const user = emulator.tenant.findUser(decodeURIComponent(arg));
        return user ? send(res, 200, user) : send(res, 404, null);
      }
      send(res, 404, { error: 'unknown control' });
    } catch (e) {
      send(res, 400, { error: e instanceof Error ? e.message : String(e) });
    }
  })();
  return true;
}
