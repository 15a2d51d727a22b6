/**
 * A CSV of user principal names, as an operator uploads it for Batch TAP: one UPN per line, or a column
 * headed `userPrincipalName` (or `UPN`) among others. Blank lines and repeats are dropped; anything that
 * is not a UPN is reported by line number, so the operator can fix the file.
 */
import { AppError } from '../../app-error';

/** The most users one batch takes. */
export const MAX_BATCH_USERS = 5000;

const UPN = /^[^\s@,;"]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;

function cells(line: string): string[] {
  return line.split(/[,;]/).map((c) =>
    c
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .trim(),
  );
}

/** The UPNs of `text`, or an `AppError('workflows', 'BATCH_TAP_BAD_CSV')` naming the bad lines. */
export function parseUpnCsv(text: string): string[] {
  const lines = text.split(/\r?\n/);
  const header = cells(lines[0] ?? '').map((c) => c.toLowerCase());
  let column = header.findIndex((c) => c === 'userprincipalname' || c === 'upn');
  const start = column >= 0 ? 1 : 0;
  if (column < 0) column = 0;
  const seen = new Set<string>();
  const bad: number[] = [];
  lines.forEach((line, i) => {
    if (i < start || line.trim() === '') return;
    const value = cells(line)[column] ?? '';
    if (!UPN.test(value)) bad.push(i + 1);
    else seen.add(value.toLowerCase());
  });
  if (bad.length)
    throw new AppError('workflows', 'BATCH_TAP_BAD_CSV', 'Some lines hold no user principal name.', {
      lines: bad.slice(0, 20),
      more: Math.max(0, bad.length - 20),
    });
  if (seen.size === 0) throw new AppError('workflows', 'BATCH_TAP_EMPTY_CSV', 'The file names no users.');
  if (seen.size > MAX_BATCH_USERS)
    throw new AppError('workflows', 'BATCH_TAP_TOO_MANY', 'The file names too many users.', {
      count: seen.size,
      max: MAX_BATCH_USERS,
    });
  return [...seen];
}
