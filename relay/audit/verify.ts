/**
 * Verifying the audit trail's hash chain (relay/audit/chain.ts): every linked row, in `seq` order, must
 * follow the previous one, name its hash, and hash to what it says.
 */
import type { Kysely } from 'kysely';
import type { ChainVerdict } from '../../src/relay-api/contract';
import type { Schema } from '../db/schema';
import { chainHash, GENESIS_HASH, linkAudit, type LinkedColumns } from './chain';

/**
 * Why a row breaks the chain:
 * - `ROW_ALTERED`: its content no longer matches its hash (changed after it was written);
 * - `CHAIN_BROKEN`: its `prev_hash` is not the previous row's hash (a row before it was removed, inserted
 *   or rewritten);
 * - `SEQUENCE_GAP`: its `seq` does not follow the previous row's (rows are missing).
 */
type ChainProblem = Extract<ChainVerdict, { ok: false }>['problem'];

const PAGE = 1000;

/** Links what has committed, then walks the whole chain in order and names the first row that breaks it. */
export async function verifyAuditChain(db: Kysely<Schema>): Promise<ChainVerdict> {
  await linkAudit(db);
  let previous = { seq: 0n, hash: GENESIS_HASH };
  let rows = 0;
  for (;;) {
    const page = await db
      .selectFrom('audit')
      .selectAll()
      .where('seq', '>', String(previous.seq))
      .$narrowType<LinkedColumns>()
      .orderBy('seq')
      .limit(PAGE)
      .execute();
    for (const row of page) {
      const seq = BigInt(row.seq);
      const problem: ChainProblem | undefined =
        seq !== previous.seq + 1n
          ? 'SEQUENCE_GAP'
          : row.prev_hash !== previous.hash
            ? 'CHAIN_BROKEN'
            : row.hash !== chainHash(row.prev_hash, row)
              ? 'ROW_ALTERED'
              : undefined;
      if (problem) return { ok: false, rows, brokenSeq: Number(seq), problem };
      previous = { seq, hash: row.hash };
      rows++;
    }
    if (page.length < PAGE) return { ok: true, rows, lastHash: previous.hash };
  }
}
