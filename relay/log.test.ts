import { expect, it } from 'vitest';
import { createLogger, createMemorySink } from './log';

it('writes one JSON record per call, whose own time, level and msg no field can overwrite', () => {
  const memory = createMemorySink();
  const log = createLogger({ sink: memory.sink, now: () => new Date('2026-12-04T10:00:00.000Z') });
  log.info('request', { path: '/api/cards', status: 200, msg: 'forged', level: 'error', skipped: undefined });
  log.error('unhandled error', { errorName: 'TypeError' });
  expect(memory.records).toEqual([
    { time: '2026-12-04T10:00:00.000Z', level: 'info', msg: 'request', path: '/api/cards', status: 200 },
    { time: '2026-12-04T10:00:00.000Z', level: 'error', msg: 'unhandled error', errorName: 'TypeError' },
  ]);
});
