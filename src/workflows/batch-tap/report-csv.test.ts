import { describe, expect, it } from 'vitest';
import type { BatchItem } from '../../relay-api/batch-contract';
import { reportCsv } from './report-csv';

const item = (over: Partial<BatchItem>): BatchItem => ({
  userId: 'u1',
  upn: 'quinn.lindqvist@contoso.example',
  displayName: 'Quinn Lindqvist',
  status: 'created',
  attemptAt: '2026-12-05T09:00:00.000Z',
  passId: 'pass-1',
  startDateTime: '2026-12-05T09:00:01.000Z',
  delivered: true,
  error: null,
  skipCode: null,
  plan: null,
  ...over,
});

describe('the Batch TAP report as CSV', () => {
  it('has one row per user, in words, quoting what needs quoting', () => {
    const csv = reportCsv([
      item({}),
      item({ displayName: 'Rhea, Nomail', status: 'skipped', passId: null, startDateTime: null, error: 'No "mail".' }),
      item({ displayName: '=HYPERLINK("x")', status: 'created', delivered: false, error: 'Code lost.' }),
    ]);
    expect(csv.split('\r\n')).toEqual([
      'User,User principal name,Result,Pass id,Start time,Delivered,Error',
      'Quinn Lindqvist,quinn.lindqvist@contoso.example,Pass created,pass-1,2026-12-05T09:00:01.000Z,yes,',
      '"Rhea, Nomail",quinn.lindqvist@contoso.example,Skipped,,,,"No ""mail""."',
      `"'=HYPERLINK(""x"")",quinn.lindqvist@contoso.example,Pass created,pass-1,2026-12-05T09:00:01.000Z,no,Code lost.`,
      '',
    ]);
  });
});
