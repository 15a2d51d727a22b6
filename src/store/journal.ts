/**
 * The lifecycle journal: one line before and one after each card step of a run, plus a closing
 * `done` or `rolled-back` line. A run without a closing line was interrupted (card pulled, tab closed);
 * the next operation on the card resumes or rolls it back (src/workflows/lifecycle/). Lines are
 * appended, never changed, and carry no secret.
 */
import { openKeywardDb, type JournalRecord } from './db';

export type { JournalRecord } from './db';

/** Appends a line and returns its sequence number. */
export async function appendJournal(line: Omit<JournalRecord, 'seq'>): Promise<number> {
  return (await openKeywardDb()).add('journal', { ...line });
}

/** The lines of one run, oldest first. */
export async function runLines(runId: string): Promise<JournalRecord[]> {
  const lines = await (await openKeywardDb()).getAllFromIndex('journal', 'runId', runId);
  return lines.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
}

/** Every line about `cardId`, oldest first. */
export async function cardLines(cardId: string): Promise<JournalRecord[]> {
  const lines = await (await openKeywardDb()).getAllFromIndex('journal', 'cardId', cardId);
  return lines.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
}

/** True when `lines` (of one run) end with a closing line. */
export function isRunClosed(lines: readonly JournalRecord[]): boolean {
  const last = lines.at(-1);
  return last !== undefined && (last.phase === 'done' || last.phase === 'rolled-back');
}

/**
 * The newest run on `cardId` that has no closing line, with its lines; undefined when every run was
 * finished or rolled back. Only the newest run counts: an older unfinished one was already superseded.
 */
export async function lastUnfinishedRun(
  cardId: string,
): Promise<{ runId: string; operation: JournalRecord['operation']; lines: JournalRecord[] } | undefined> {
  const lines = await cardLines(cardId);
  const last = lines.at(-1);
  if (!last) return undefined;
  const run = lines.filter((l) => l.runId === last.runId);
  return isRunClosed(run) ? undefined : { runId: last.runId, operation: last.operation, lines: run };
}
