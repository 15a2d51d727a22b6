/**
 * The directory user search that Lifecycle's Issue panel and Smart Card Unblock share: it searches as the
 * operator types (debounced, so Graph sees one query per pause rather than one per key), shows only the
 * answer to the latest query, and pages on.
 */
import { toAppError, type AppError } from '../app-error';
import { findUsers, moreUsers, type DirectoryUser } from '../workflows/helpdesk';
import type { SessionState } from './session.svelte';

export type { DirectoryUser };

/** How long typing must pause before the search runs. */
export const SEARCH_DELAY_MS = 300;

/** Reactive user search, as the signed-in operator. */
export class UserSearchState {
  query = $state('');
  results = $state.raw<readonly DirectoryUser[]>([]);
  nextLink = $state<string | null>(null);
  searching = $state(false);
  /** Why the last search or page failed (a missing consent, throttling, …). */
  error = $state.raw<AppError | null>(null);
  /** Called as the operator types, before the search (a page drops what it showed for the last choice). */
  ontype: (() => void) | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #seq = 0;

  constructor(
    private readonly session: SessionState,
    private readonly delayMs = SEARCH_DELAY_MS,
  ) {}

  /** The operator typed `text`: search once they pause; an empty box clears the results at once. */
  type(text: string): void {
    this.query = text;
    this.ontype?.();
    clearTimeout(this.#timer);
    if (text.trim()) this.#timer = setTimeout(() => void this.#search(text), this.delayMs);
    else this.#show([], null);
  }

  /** Appends the next page of the current results. */
  async more(): Promise<void> {
    const op = this.session.operator;
    const link = this.nextLink;
    if (!op || !link) return;
    await this.#guard(++this.#seq, async () => {
      const page = await moreUsers(op, link);
      return [[...this.results, ...page.users], page.nextLink];
    });
  }

  /** Empties the box and the results; a search still under way is ignored when it answers. */
  clear(): void {
    clearTimeout(this.#timer);
    this.#seq++;
    this.query = '';
    this.searching = false;
    this.error = null;
    this.#show([], null);
  }

  async #search(text: string): Promise<void> {
    const op = this.session.operator;
    if (!op) return;
    await this.#guard(++this.#seq, async () => {
      const page = await findUsers(op, text);
      return [page.users, page.nextLink];
    });
  }

  /** Runs query `seq`; its answer (or failure) is shown only while no later query has started. */
  async #guard(seq: number, work: () => Promise<[readonly DirectoryUser[], string | null]>): Promise<void> {
    this.searching = true;
    this.error = null;
    try {
      const [users, nextLink] = await work();
      if (seq === this.#seq) this.#show(users, nextLink);
    } catch (e) {
      if (seq === this.#seq) this.error = toAppError(e);
    } finally {
      if (seq === this.#seq) this.searching = false;
    }
  }

  #show(users: readonly DirectoryUser[], nextLink: string | null): void {
    this.results = users;
    this.nextLink = nextLink;
  }
}
