/**
 * The one adapter for the database drivers: PostgreSQL through `pg` (a connection pool) when
 * `DATABASE_URL` is set, else PGlite (PostgreSQL compiled to WebAssembly, in this process) in a data
 * directory. Both sit under the same Kysely instance, so every query and migration is the same SQL.
 *
 * PGlite has a single session, so the small dialect below hands it to one Kysely connection at a time:
 * a transaction holds it until commit, and other queries queue behind it. A PGlite data directory must
 * be opened by one process only; several relay instances need PostgreSQL.
 */
import { hash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { PGlite, types } from '@electric-sql/pglite';
import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type PostgresPoolClient,
  type Dialect,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import pg from 'pg';
import { AppError } from '../../src/app-error';
import type { Schema } from './schema';

/** Where the data lives: a PostgreSQL URL, or a PGlite data directory (`:memory:` for none). */
export type DatabaseTarget = { databaseUrl: string; poolSize?: number } | { dataDir: string };

/** An open database. */
export interface RelayDatabase {
  db: Kysely<Schema>;
  kind: 'postgres' | 'pglite';
  /** Resolves when the database answers; else rejects with DATABASE_UNAVAILABLE. */
  ping(): Promise<void>;
  /** True for an error that means "the database cannot be reached now" (worth a 503 and a retry). */
  isUnavailable(error: unknown): boolean;
  close(): Promise<void>;
}

/** Seconds a client is asked to wait when the database is down. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** The relay's error for a database it cannot reach. */
export function databaseUnavailable(cause?: unknown): AppError {
  return new AppError(
    'relay',
    'DATABASE_UNAVAILABLE',
    'The database cannot be reached; nothing was changed. Try again shortly.',
    { status: 503, retryable: true, retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS },
    cause === undefined ? undefined : { cause },
  );
}

// SQLSTATE classes 08 (connection exception), 53 (insufficient resources), 57P01-57P03 (shutting down).
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[123])/;

/** pg: a server-reported error of the classes above, or any error that is not the server's answer. */
function isPgUnavailable(error: unknown): boolean {
  if (error instanceof AppError) return error.code === 'DATABASE_UNAVAILABLE';
  if (error instanceof pg.DatabaseError) return UNAVAILABLE_SQLSTATE.test(error.code ?? '');
  // Socket errors (ECONNREFUSED, ECONNRESET, …) carry a Node system error code. A server that goes away
  // mid-query makes pg end the client with a plain Error and no code ("Connection terminated
  // unexpectedly"), which only its message names (node-postgres lib/client.js).
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return /^E[A-Z]+$/.test(code);
  return error instanceof Error && /^Connection terminated/.test(error.message);
}

/**
 * Marks a hot statement (a card transition, a card read) to be prepared once per connection and then
 * only bound and executed: PostgreSQL parses and plans it once instead of on every call, which halves
 * the server's CPU per transition. Put it first in the SQL text. PGlite ignores it (a comment).
 */
export const PREPARED = '/* prepared */';

const statementNames = new Map<string, string>();

/** The statement's name: the same text always gets the same name, so each connection prepares it once. */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) statementNames.set(text, (name = `k_${hash('sha1', text, 'hex').slice(0, 20)}`));
  return name;
}

/** Kysely's view of a pooled client, preparing the statements marked {@link PREPARED}. */
function preparing(client: pg.PoolClient): PostgresPoolClient {
  return {
    query: ((text: unknown, values?: readonly unknown[]) =>
      typeof text === 'string' && text.startsWith(PREPARED)
        ? client.query({ name: statementName(text), text, values: [...(values ?? [])] })
        : client.query(text as string, values as unknown[])) as unknown as PostgresPoolClient['query'],
    release: (destroy?: boolean) => client.release(destroy),
  };
}

/** Opens the PostgreSQL pool. A client that cannot connect becomes DATABASE_UNAVAILABLE right away. */
function openPostgres(databaseUrl: string, poolSize: number): RelayDatabase {
  // int8 and timestamptz come back as a string and a Date, as PGlite is set up to return them too.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize, connectionTimeoutMillis: 5_000 });
  // An idle client whose server went away emits 'error'; the next checkout reconnects.
  pool.on('error', () => {});
  // A client whose server goes away while it is checked out emits 'error' too (the query in flight
  // rejects as well, and the pool drops the client on release). Unheard, that event would end the process.
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const connect = async () => {
    try {
      const client = await pool.connect();
      let kysely = wrapped.get(client);
      if (!kysely) {
        client.on('error', () => {});
        wrapped.set(client, (kysely = preparing(client)));
      }
      return kysely;
    } catch (cause) {
      throw databaseUnavailable(cause);
    }
  };
  const db = new Kysely<Schema>({
    dialect: new PostgresDialect({ pool: { connect, end: () => pool.end() } }),
  });
  return {
    db,
    kind: 'postgres',
    ping: () => ping(db, isPgUnavailable),
    isUnavailable: isPgUnavailable,
    close: () => db.destroy(),
  };
}

async function ping(db: Kysely<Schema>, isUnavailable: (e: unknown) => boolean): Promise<void> {
  try {
    await db.executeQuery(CompiledQuery.raw('select 1'));
  } catch (e) {
    throw isUnavailable(e) ? databaseUnavailable(e) : e;
  }
}

/** Kysely's view of PGlite's one session. */
class PgliteConnection implements DatabaseConnection {
  constructor(private readonly pglite: PGlite) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.pglite.query<R>(query.sql, [...query.parameters], { rowMode: 'object' });
    return result.affectedRows === undefined
      ? { rows: result.rows }
      : { rows: result.rows, numAffectedRows: BigInt(result.affectedRows) };
  }

  // eslint-disable-next-line require-yield -- Kysely's interface wants a generator; PGlite cannot stream.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new AppError('relay', 'INTERNAL', 'Streaming queries are not supported on PGlite.');
  }
}

/** One connection, lent to one borrower at a time. */
class PgliteDriver implements Driver {
  private readonly connection: PgliteConnection;
  private queue: Promise<void> = Promise.resolve();
  private release: (() => void) | undefined;

  constructor(private readonly pglite: PGlite) {
    this.connection = new PgliteConnection(pglite);
  }

  async init(): Promise<void> {
    await this.pglite.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.queue;
    let release!: () => void;
    this.queue = new Promise((resolve) => (release = resolve));
    await previous;
    this.release = release;
    return this.connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const level = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : '';
    await connection.executeQuery(CompiledQuery.raw(`begin${level}`));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(): Promise<void> {
    this.release?.();
  }

  async destroy(): Promise<void> {
    await this.pglite.close();
  }
}

/** Kysely's PostgreSQL dialect with the PGlite driver. */
function pgliteDialect(pglite: PGlite): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new PgliteDriver(pglite),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
}

/** Opens PGlite in `dataDir` (created if missing), or in memory for `:memory:`. */
function openPglite(dataDir: string): RelayDatabase {
  if (dataDir !== ':memory:') mkdirSync(dataDir, { recursive: true });
  const pglite = new PGlite({
    ...(dataDir === ':memory:' ? {} : { dataDir }),
    parsers: { [types.INT8]: (value: string) => value },
  });
  const db = new Kysely<Schema>({ dialect: pgliteDialect(pglite) });
  const isUnavailable = (e: unknown) => e instanceof AppError && e.code === 'DATABASE_UNAVAILABLE';
  return { db, kind: 'pglite', ping: () => ping(db, isUnavailable), isUnavailable, close: () => db.destroy() };
}

/** Opens the database named by `target`. Nothing connects until the first query. */
export function openDatabase(target: DatabaseTarget): RelayDatabase {
  return 'databaseUrl' in target ? openPostgres(target.databaseUrl, target.poolSize ?? 10) : openPglite(target.dataDir);
}
