/**
 * Published data-export templates for the mail tests: `/api/mail` sends only what an administrator
 * published, so a test that writes a template by its parts has it published first, through the relay's
 * real `PUT /api/templates/export/:id` as Ada (an administrator of the emulated tenant), and sends by its
 * id and version. Apps on one database share what was published there.
 */
import type { RelayDatabase } from '../../relay/db/connect';
import type { MailApp, MailWorld } from './mail-world';

/** The templates publishOn published in each database (by URL when it has one), by their parts (as JSON). */
const storeTemplates = new Map<RelayDatabase | string, Map<string, Promise<TemplateRef>>>();
/** Each app's world and its database's published templates. */
const worlds = new WeakMap<object, { world: MailWorld; published: Map<string, Promise<TemplateRef>> }>();

/** How `/api/mail` names a published template. */
export interface TemplateRef {
  id: string;
  version: number;
}

/**
 * Publishes the data-export template made of `parts` on `app` through the relay's real route, as Ada
 * (an administrator of the emulated tenant), once per database and parts; answers its id and version.
 */
export function publishOn(app: MailApp['app'], parts: Record<string, unknown>): Promise<TemplateRef> {
  const entry = worlds.get(app);
  if (!entry) throw new Error('publishOn needs an app built by buildMailApp');
  const key = JSON.stringify(parts);
  let ref = entry.published.get(key);
  if (!ref) {
    ref = publishVia((path, init) => app.request(path, init), entry.world, parts);
    entry.published.set(key, ref);
  }
  return ref;
}

/** Publishes a new data-export template made of `parts` as Ada, through `request` (an app's, or HTTP to a relay). */
export async function publishVia(
  request: (path: string, init: RequestInit) => Response | Promise<Response>,
  world: MailWorld,
  parts: Record<string, unknown>,
): Promise<TemplateRef> {
  const ada = world.emulator.tenant.byDisplayName('Ada Admin').id;
  const token = await world.emulator.control.mintAccessToken({ userId: ada, audience: 'relay', scopes: ['Mail.Send'] });
  const id = `mail-${crypto.randomUUID()}`;
  const body = {
    id,
    target: 'email',
    sendAutomatically: true,
    connector: 'relay',
    cc: '',
    html: '',
    updatedAt: '2026-12-01T09:00:00.000Z',
    ...parts,
  };
  const res = await request(`/api/templates/export/${id}`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ expectedVersion: 0, body }),
  });
  if (!res.ok) throw new Error(`publishing the test template was refused: ${res.status} ${await res.text()}`);
  const published = (await res.json()) as { version: number };
  return { id, version: published.version };
}

/** Registers `app` (built by buildMailApp over `world`) with the templates of its database `storeKey`. */
export function rememberApp(app: MailApp['app'], world: MailWorld, storeKey: RelayDatabase | string): void {
  const published = storeTemplates.get(storeKey) ?? new Map<string, Promise<TemplateRef>>();
  storeTemplates.set(storeKey, published);
  worlds.set(app, { world, published });
}
