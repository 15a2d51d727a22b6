import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { RegistryRecord } from './db';
import { appendJournal, lastUnfinishedRun, runLines } from './journal';
import { cardsInState, cardsOfUser, getCard, putCard } from './registry';

const record = (cardId: string, userId: string | null, state: RegistryRecord['state']): RegistryRecord => ({
  cardId,
  serial: null,
  credentialType: 'PIV card',
  userId,
  userUpn: null,
  userDisplayName: null,
  templateId: null,
  state,
  issuedAt: null,
  activatedAt: null,
  retiredAt: null,
  updatedAt: '2026-01-01T00:00:00.000Z',
});

describe('registry', () => {
  it('gets by card id, lists by user and by state, replaces on put', async () => {
    await putCard(record('serial:1', 'u-1', 'issued'));
    await putCard(record('serial:2', 'u-1', 'active'));
    await putCard(record('serial:3', 'u-2', 'issued'));
    expect((await getCard('serial:2'))?.state).toBe('active');
    expect(await getCard('serial:9')).toBeUndefined();
    expect((await cardsOfUser('u-1')).map((r) => r.cardId).sort()).toEqual(['serial:1', 'serial:2']);
    expect((await cardsInState('issued')).map((r) => r.cardId).sort()).toEqual(['serial:1', 'serial:3']);
    await putCard(record('serial:1', 'u-1', 'active'));
    expect((await cardsInState('issued')).map((r) => r.cardId)).toEqual(['serial:3']);
  });
});

describe('journal', () => {
  const line = (runId: string, step: string, phase: 'before' | 'after' | 'done' | 'rolled-back', cardId = 'serial:7') =>
    appendJournal({ cardId, runId, operation: 'issue', step, phase, at: new Date().toISOString() });

  it('returns a run in order and finds only the newest run when it is unfinished', async () => {
    await line('r1', 'detect', 'before');
    await line('r1', 'detect', 'after');
    await line('r1', 'end', 'done');
    expect(await lastUnfinishedRun('serial:7')).toBeUndefined();
    await line('r2', 'detect', 'before');
    await line('other', 'detect', 'before', 'serial:8');
    await line('r2', 'detect', 'after');
    await line('r2', 'set-puk', 'before');
    const open = await lastUnfinishedRun('serial:7');
    expect(open?.runId).toBe('r2');
    expect(open?.lines.map((l) => `${l.step}/${l.phase}`)).toEqual(['detect/before', 'detect/after', 'set-puk/before']);
    expect((await runLines('r1')).map((l) => l.phase)).toEqual(['before', 'after', 'done']);
    await line('r2', 'end', 'rolled-back');
    expect(await lastUnfinishedRun('serial:7')).toBeUndefined();
  });
});
