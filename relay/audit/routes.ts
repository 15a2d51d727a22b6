/**
 * `/api/audit`: the audit trail. Operators and administrators append (`POST /`), auditors read
 * (`GET /`, JSON pages or `?format=csv`) and check the chain (`GET /verify`). Mounted by relay/app.ts
 * with `app.route('/api/audit', auditRoutes(deps))`.
 */
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { getCaller, requireRoles, type RelayEnv } from '../auth';
import type { RelayConfig } from '../config';
import type { Schema } from '../db/schema';
import type { TokenVerifier } from '../token';
import { validJson, validQuery } from '../validate';
import { auditEntry } from './chain';
import { verifyAuditChain } from './verify';
import { AuditAppend, AuditQuery } from '../../src/relay-api/contract';
import { exportAuditCsv, searchAudit, type AuditFilter } from './search';
import { createAuditWriter } from './writer';

/** What the audit routes need. */
export interface AuditRouteDeps {
  config: RelayConfig;
  verifier: TokenVerifier;
  db: Kysely<Schema>;
  /** Wall clock for row timestamps; defaults to `new Date()`. */
  clock?: () => Date;
}

function toFilter(q: { actor?: string; target?: string; action?: string; from?: string; to?: string }): AuditFilter {
  return {
    ...(q.actor !== undefined ? { actor: q.actor } : {}),
    ...(q.target !== undefined ? { target: q.target } : {}),
    ...(q.action !== undefined ? { action: q.action } : {}),
    ...(q.from !== undefined ? { from: new Date(q.from) } : {}),
    ...(q.to !== undefined ? { to: new Date(q.to) } : {}),
  };
}

/** Builds the `/api/audit` sub-app. */
export function auditRoutes(deps: AuditRouteDeps): Hono<RelayEnv> {
  const { config, verifier, db } = deps;
  const clock = deps.clock ?? (() => new Date());
  const writer = createAuditWriter(db);
  const writers = requireRoles(verifier, [config.operatorRole, config.administratorRole]);
  const auditors = requireRoles(verifier, config.auditorRole);
  return new Hono<RelayEnv>()
    .post('/', writers, validJson(AuditAppend), async (c) => {
      const caller = getCaller(c);
      const body = c.req.valid('json');
      const actor = { oid: caller.oid, name: caller.name || caller.preferredUsername };
      const record = await writer.append(auditEntry(actor, body), clock());
      return c.json(record, 201);
    })
    .get('/', auditors, validQuery(AuditQuery), async (c) => {
      const q = c.req.valid('query');
      if (q.format === 'csv') {
        c.header('Content-Disposition', 'attachment; filename="keyward-audit.csv"');
        return c.body(await exportAuditCsv(db, toFilter(q)), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
      }
      return c.json(await searchAudit(db, toFilter(q), { limit: q.limit, ...(q.before ? { before: q.before } : {}) }));
    })
    .get('/verify', auditors, async (c) => c.json(await verifyAuditChain(db)));
}
