/** The Audit screen: the journal, newest first, a page at a time. */
import type { AuditRecord } from '../workflows/audit-log';
import { auditPage } from '../workflows/audit-log';

const PAGE = 50;

/** Reactive audit list. */
export class AuditState {
  records = $state.raw<readonly AuditRecord[]>([]);
  more = $state(false);
  loading = $state(false);

  /** Reloads the newest page. */
  async load(): Promise<void> {
    this.loading = true;
    try {
      const page = await auditPage(PAGE);
      this.records = page.records;
      this.more = page.more;
    } finally {
      this.loading = false;
    }
  }

  /** Appends the next older page. */
  async older(): Promise<void> {
    const last = this.records.at(-1);
    if (!last?.seq) return;
    const page = await auditPage(PAGE, last.seq);
    this.records = [...this.records, ...page.records];
    this.more = page.more;
  }
}
