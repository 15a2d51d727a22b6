/**
 * The Audit screen: the service's trail, newest first, a page at a time, filtered by actor, target,
 * action and time; its CSV export; and the check of its hash chain. Everything comes from the relay
 * (workflows/audit-trail.ts) as the signed-in auditor; nothing is read from this browser's storage.
 */
import { AppError, toAppError } from '../app-error';
import {
  relayAuditTrail,
  type AuditFilter,
  type AuditRow,
  type AuditTrail,
  type ChainVerdict,
  type RelayEndpoint,
} from '../workflows/audit-trail';

export type { AuditRow, ChainVerdict };

/** The filter form as the auditor fills it in; times as `<input type="datetime-local">` gives them. */
export interface AuditFilterForm {
  actor: string;
  target: string;
  action: string;
  from: string;
  to: string;
}

const EMPTY_FORM: AuditFilterForm = { actor: '', target: '', action: '', from: '', to: '' };

/** The instant a datetime-local value names in this browser's time zone, as ISO 8601 (UTC). */
function instant(local: string, field: string): string | undefined {
  if (!local.trim()) return undefined;
  const at = new Date(local);
  if (Number.isNaN(at.getTime()))
    throw new AppError('state', 'AUDIT_FILTER_INVALID', `${field} is not a date and time.`, { field });
  return at.toISOString();
}

/** The filter the relay takes, from the form: blanks left out, times made instants. */
export function filterOf(form: AuditFilterForm): AuditFilter {
  const text = (value: string) => value.trim() || undefined;
  const filter = {
    actor: text(form.actor),
    target: text(form.target),
    action: text(form.action),
    from: instant(form.from, 'From'),
    to: instant(form.to, 'To'),
  };
  if (filter.from && filter.to && filter.from >= filter.to)
    throw new AppError('state', 'AUDIT_RANGE_BACKWARDS', 'The time range ends before it starts.');
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) as AuditFilter;
}

/** Reactive Audit screen state; one instance for the app. */
export class AuditState {
  /** The filter form; applied by {@link search}. */
  form = $state<AuditFilterForm>({ ...EMPTY_FORM });
  entries = $state.raw<readonly AuditRow[]>([]);
  /** Continues the list (`before` of the next page); null on the last page. */
  nextBefore = $state<number | null>(null);
  loading = $state(false);
  /** A page has been read since the auditor came to the screen. */
  loaded = $state(false);
  exporting = $state(false);
  verifying = $state(false);
  /** The last chain check's verdict, until the auditor leaves the screen. */
  verdict = $state.raw<ChainVerdict | null>(null);
  error = $state.raw<AppError | null>(null);
  more = $derived(this.nextBefore !== null);
  /** The filter of the list shown (the form may have changed since). */
  #applied: AuditFilter = {};

  /** `relay` gives the signed-in auditor's relay, or null while nobody is signed in. */
  constructor(private readonly relay: () => RelayEndpoint | null) {}

  /** Reads the newest page matching the form. */
  async search(): Promise<void> {
    await this.#run('loading', async (trail) => {
      const filter = filterOf(this.form);
      const page = await trail.page(filter);
      this.#applied = filter;
      this.entries = page.entries;
      this.nextBefore = page.nextBefore ?? null;
      this.loaded = true;
    });
  }

  /** Clears the form and reads the newest page of the whole trail. */
  async clearFilter(): Promise<void> {
    this.form = { ...EMPTY_FORM };
    await this.search();
  }

  /** Appends the next older page of the list shown. */
  async older(): Promise<void> {
    const before = this.nextBefore;
    if (before === null) return;
    await this.#run('loading', async (trail) => {
      const page = await trail.page(this.#applied, before);
      this.entries = [...this.entries, ...page.entries];
      this.nextBefore = page.nextBefore ?? null;
    });
  }

  /** The rows matching the form as CSV (every page), or null when it could not be had (see `error`). */
  async exportCsv(): Promise<string | null> {
    let csv: string | null = null;
    await this.#run('exporting', async (trail) => {
      csv = await trail.csv(filterOf(this.form));
    });
    return csv;
  }

  /** Checks the whole chain; the verdict names the first broken row. */
  async verify(): Promise<void> {
    this.verdict = null;
    await this.#run('verifying', async (trail) => {
      this.verdict = await trail.verify();
    });
  }

  /** The auditor left the screen: the next visit reads afresh. */
  forget(): void {
    this.entries = [];
    this.nextBefore = null;
    this.verdict = null;
    this.error = null;
    this.loaded = false;
  }

  async #run(busy: 'loading' | 'exporting' | 'verifying', work: (trail: AuditTrail) => Promise<void>): Promise<void> {
    const relay = this.relay();
    if (!relay || this[busy]) return;
    this[busy] = true;
    this.error = null;
    try {
      await work(relayAuditTrail(relay));
    } catch (e) {
      this.error = toAppError(e);
    } finally {
      this[busy] = false;
    }
  }
}
