/**
 * The `TemplateStore` port (./ports.ts) over the relay's `/api/templates` and this browser's IndexedDB
 * copy (src/store/template-copy.ts): reads refresh the copy from the service when it answers and fall
 * back to the copy when it is unreachable, so issuing and delivering still read their templates offline.
 * Only published templates that are not withdrawn are served for new work.
 *
 * Administrators publish and withdraw through it too: the relay does the compare-and-set on the version
 * the administrator opened, and the copy takes the answer at once.
 */
import { AppError, isAppError } from '../app-error';
import type { PublishedTemplate } from '../relay-api/contract';
import type { RelayEndpoint } from '../relay-api/request';
import { fetchTemplates, publishTemplate, withdrawTemplate } from '../relay-api/templates';
import {
  keepPublished,
  mirrorPublished,
  readTemplates,
  type Publication,
  type PublishedEntry,
  type TemplateKind,
  type TemplateRecords,
} from '../store/template-copy';
import type { CardTemplateRecord, ExportTemplateRecord } from '../store/db';
import type { Published, TemplateStore } from './ports';

export type { Publication, RelayEndpoint, TemplateKind, TemplateRecords };

/** A template record with how it was published: what the template screens list. */
export type PublishedRecord<T> = T & { readonly publication: Publication };

/** How long a refresh counts as fresh for reads (explicit refreshes always go to the service). */
const FRESH_MS = 15_000;

/** The relay's answer as an entry of the copy. */
export function entryOf(t: PublishedTemplate): PublishedEntry {
  const publication = {
    version: t.version,
    publishedAt: t.publishedAt,
    publishedBy: { oid: t.publishedBy.oid, name: t.publishedBy.name },
    withdrawn: t.withdrawn,
  };
  // The relay checked the body against the kind's schema when it was published (template-schemas.ts).
  return { kind: t.kind, record: t.body, publication } as unknown as PublishedEntry;
}

/** True when `e` says the relay did not answer (the copy stands in for it). */
function unreachable(e: unknown): boolean {
  return isAppError(e, 'relay-api') && (e.code === 'RELAY_UNREACHABLE' || e.fields.status === 503);
}

/** Published templates: the relay, with this browser's copy when the relay cannot be reached. */
export class RelayTemplateStore implements TemplateStore {
  #refreshedAt = -Infinity;
  #refreshing: Promise<boolean> | null = null;

  /** `relay` gives the signed-in caller's endpoint, or null when nobody is signed in (the copy only). */
  constructor(
    private readonly relay: () => RelayEndpoint | null,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /**
   * Replaces the copy with what the relay publishes now. True when it did; false when nobody is signed in
   * or the relay is unreachable (the copy stays as it was). Other refusals (e.g. no Keyward role) throw.
   */
  refresh(): Promise<boolean> {
    this.#refreshing ??= this.#refresh().finally(() => (this.#refreshing = null));
    return this.#refreshing;
  }

  async #refresh(): Promise<boolean> {
    const relay = this.relay();
    if (!relay) return false;
    try {
      const templates = await fetchTemplates(relay);
      await mirrorPublished(templates.map(entryOf));
      this.#refreshedAt = this.now();
      return true;
    } catch (e) {
      if (unreachable(e)) return false;
      throw e;
    }
  }

  /** Every usable template of `kind` with its publication, by name (refreshed first when stale). */
  async published<K extends TemplateKind>(kind: K): Promise<PublishedRecord<TemplateRecords[K]>[]> {
    if (this.now() - this.#refreshedAt > FRESH_MS) await this.refresh();
    const held = await readTemplates(kind);
    return held.filter((t): t is PublishedRecord<TemplateRecords[K]> => !!t.publication && !t.publication.withdrawn);
  }

  /** Every template of `kind` the relay published, withdrawn ones too, as the copy holds them (no refresh). */
  async held<K extends TemplateKind>(kind: K): Promise<PublishedRecord<TemplateRecords[K]>[]> {
    return (await readTemplates(kind)).filter((t): t is PublishedRecord<TemplateRecords[K]> => !!t.publication);
  }

  async cardTemplates(): Promise<Published<CardTemplateRecord>[]> {
    return (await this.published('card')).map(asPublished);
  }

  async cardTemplate(id: string): Promise<Published<CardTemplateRecord> | null> {
    const found = (await this.published('card')).find((t) => t.id === id);
    return found ? asPublished(found) : null;
  }

  async exportTemplates(): Promise<Published<ExportTemplateRecord>[]> {
    return (await this.published('export')).map(asPublished);
  }

  /**
   * Publishes `record` as the version after `expectedVersion` (0 for a new template); administrators only.
   * Raises `relay-api` `TEMPLATE_CHANGED_ELSEWHERE` when someone published a newer version meanwhile.
   */
  async publish<K extends TemplateKind>(
    kind: K,
    record: TemplateRecords[K],
    expectedVersion: number,
  ): Promise<PublishedRecord<TemplateRecords[K]>> {
    const answer = await publishTemplate(this.#relay(), kind, record.id, expectedVersion, { ...record });
    return this.#keep<K>(answer);
  }

  /** Withdraws template `id`, last read at `expectedVersion`: nothing new may use it; issued cards still name it. */
  async withdraw<K extends TemplateKind>(
    kind: K,
    id: string,
    expectedVersion: number,
  ): Promise<PublishedRecord<TemplateRecords[K]>> {
    return this.#keep<K>(await withdrawTemplate(this.#relay(), kind, id, expectedVersion));
  }

  async #keep<K extends TemplateKind>(answer: PublishedTemplate): Promise<PublishedRecord<TemplateRecords[K]>> {
    const entry = entryOf(answer);
    await keepPublished(entry);
    return { ...entry.record, publication: entry.publication } as unknown as PublishedRecord<TemplateRecords[K]>;
  }

  #relay(): RelayEndpoint {
    const relay = this.relay();
    if (!relay) throw new AppError('entra', 'NOT_SIGNED_IN', 'Sign in first.');
    return relay;
  }
}

function asPublished<T extends { readonly id: string }>(t: PublishedRecord<T>): Published<T> {
  const { publication, ...record } = t;
  return { record: record as unknown as T, version: publication.version };
}
