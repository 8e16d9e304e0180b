import { hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SQL } from 'drizzle-orm';
import { PgDialect, type PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { currentBudgetMs, StatementQueue } from './budget';
import * as schema from './schema';

export type Schema = typeof schema;
/** Either engine's drizzle instance: the code above this layer never knows which. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Engine = 'pglite' | 'postgres';

export interface Database {
  db: Db;
  engine: Engine;
  /** Run raw SQL and return its rows (both drivers answer with { rows }). */
  rows<T>(query: SQL): Promise<T[]>;
  /**
   * rows(), as a named prepared statement where the engine keeps them: on PostgreSQL each pooled
   * connection plans a text once and reuses the plan with new parameters. For hot statements
   * whose text repeats (a map tile's: planning was a third of one at zoom 16). Inside a
   * transaction and on PGlite, the same as rows().
   */
  preparedRows<T>(query: SQL): Promise<T[]>;
  /**
   * preparedRows() for a statement already rendered: its text with $1… and their values (the
   * answers written in SQL keep their texts, graphql/sql-answer.ts).
   */
  preparedText<T>(text: string, params: readonly unknown[]): Promise<T[]>;
  /** Run fn in one transaction; fn's Database speaks to that transaction only. */
  transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T>;
  /**
   * COPY rows into `table` in PostgreSQL's text format: `chunks` are lines ending in \n, values
   * tab-separated, each encoded by copyValue. Many rows for a fraction of what a statement with
   * the rows as a parameter costs to parse. Chunks are pulled as the server takes them.
   */
  copyFrom(table: string, columns: readonly string[], chunks: Iterable<string>): Promise<void>;
  /** LISTEN on a channel; resolves to a function that stops listening. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

type Listen = Database['listen'];

/** The Database surface over a drizzle instance (a pool, a PGlite client or a transaction). */
function wrap(db: Db, engine: Engine, listen: Listen, close: () => Promise<void>): Database {
  const rows = async <T>(query: SQL) =>
    ((await db.execute(query)) as unknown as { rows: T[] }).rows;
  // the connection drizzle holds (a transaction's own, or the pool / the PGlite client)
  const client = (db as unknown as { session: { client: unknown } }).session.client as {
    query(text: string, params: readonly unknown[]): Promise<{ rows: unknown[] }>;
  };
  return {
    db,
    engine,
    rows,
    preparedRows: rows,
    preparedText: async <T>(text: string, params: readonly unknown[]) =>
      (await client.query(text, params)).rows as T[],
    transaction: <T>(fn: (tx: Database) => Promise<T>) =>
      db.transaction((tx) => fn(wrap(tx as unknown as Db, engine, listen, close))),
    copyFrom: (table, columns, chunks) => copyFrom(db, engine, table, columns, chunks),
    listen,
    close,
  };
}

/** One value for copyFrom's text format: NULL as \\N, backslash, tab and line breaks escaped. */
export function copyValue(value: string | number | boolean | null | undefined): string {
  if (value == null) return '\\N';
  const text = String(value);
  return COPY_SPECIAL.test(text) ? text.replace(COPY_ESCAPE, (c) => COPY_ESCAPES[c]!) : text;
}

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_ESCAPE = /[\\\t\n\r]/g;
const COPY_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
};

async function copyFrom(
  db: Db,
  engine: Engine,
  table: string,
  columns: readonly string[],
  chunks: Iterable<string>,
) {
  // the connection drizzle holds (a transaction's own, or the pool / the PGlite client): COPY
  // is not something drizzle speaks
  const client = (db as unknown as { session: { client: unknown } }).session.client;
  const target = `${table} (${columns.join(', ')})`;
  if (engine === 'pglite') {
    // PGlite reads COPY's input from a Blob named /dev/blob
    const pglite = client as {
      query(query: string, params: unknown[], options: { blob: Blob }): Promise<unknown>;
    };
    await pglite.query(`COPY ${target} FROM '/dev/blob'`, [], { blob: new Blob([...chunks]) });
    return;
  }
  const { from } = await import('pg-copy-streams');
  type Connection = import('pg').PoolClient;
  const pooled = client as Connection | import('pg').Pool;
  const connection: Connection = 'release' in pooled ? pooled : await pooled.connect();
  try {
    await pipeline(Readable.from(chunks), connection.query(from(`COPY ${target} FROM STDIN`)));
  } finally {
    if (connection !== pooled) connection.release();
  }
}

export interface DbOptions {
  /** postgres://… selects node-postgres; undefined selects embedded PGlite. */
  databaseUrl?: string | undefined;
  /** PGlite data directory; undefined keeps PGlite in memory. */
  dataDir?: string | undefined;
  poolSize?: number;
}

export async function createDb(options: DbOptions): Promise<Database> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options.poolSize ?? 10)
    : openPglite(options.dataDir);
}

const UNBUDGETED_FLOOR_MS = 1_000;
// timestamptz, timestamp, date, interval and the arrays of these and of numeric
const DRIZZLE_TEXT_TYPES = new Set([1184, 1114, 1082, 1186, 1185, 1115, 1182, 1187, 1231]);

async function openPostgres(url: string, max: number): Promise<Database> {
  const { default: pg } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  // JIT off: for a statement the planner costs high (matching's scoring over a candidate pool)
  // LLVM compilation takes about a second, while the statement itself runs in milliseconds.
  // Short interactive queries never win that back.
  const pool = new pg.Pool({ connectionString: url, max, options: '-c jit=off' });
  // every checkout (pool.query checks out too) takes a fair turn (db/budget.ts), and a request's
  // statements are cancelled at its budget: statement_timeout follows it on each connection
  const queue = new StatementQueue(max);
  const timeouts = new WeakMap<object, number>();
  const connect = pool.connect.bind(pool);
  const checkOut = async () => {
    const release = await queue.acquire();
    try {
      const client = await connect();
      // work outside a budget (who is asking, background jobs) keeps the connection's last
      // budget unless that is too short to work in (a test's 1 ms)
      const budget = currentBudgetMs();
      const current = timeouts.get(client) ?? 0;
      const wanted = budget ?? (current > 0 && current < UNBUDGETED_FLOOR_MS ? 0 : current);
      if (wanted !== current) {
        await client.query(`SET statement_timeout = ${Math.round(wanted)}`);
        timeouts.set(client, wanted);
      }
      const done = client.release;
      client.release = (error?: Error | boolean) => {
        release();
        done(error);
      };
      return client;
    } catch (error) {
      release();
      throw error;
    }
  };
  pool.connect = ((callback?: (error: unknown, client?: unknown, release?: unknown) => void) => {
    if (!callback) return checkOut();
    checkOut().then(
      (client) => callback(undefined, client, client.release),
      (error: unknown) => callback(error),
    );
  }) as typeof pool.connect;
  // Fail at start-up, not at the first request, when the server is unreachable.
  const client = await pool.connect();
  client.release();
  const listeners = new Set<InstanceType<typeof pg.Client>>();
  // A dedicated connection per LISTEN: pooled connections would drop it when returned.
  const listen: Listen = async (channel, onPayload) => {
    const listener = new pg.Client({ connectionString: url });
    await listener.connect();
    listener.on('notification', (message) => {
      if (message.channel === channel) onPayload(message.payload ?? '');
    });
    await listener.query(`LISTEN ${escapeIdentifier(channel)}`);
    listeners.add(listener);
    return async () => {
      listeners.delete(listener);
      await listener.end();
    };
  };
  const database = wrap(
    drizzle(pool, { schema }) as unknown as Db,
    'postgres',
    listen,
    async () => {
      await Promise.all([...listeners].map((l) => l.end()));
      await pool.end();
    },
  );
  const dialect = new PgDialect();
  // values read as rows() reads them (drizzle's node-postgres session): dates, times and
  // intervals, and their arrays, as PostgreSQL's text
  const asText = (value: string) => value;
  const types = {
    getTypeParser: ((typeId: number, format?: 'text' | 'binary') =>
      DRIZZLE_TEXT_TYPES.has(typeId)
        ? asText
        : pg.types.getTypeParser(typeId, format)) as typeof pg.types.getTypeParser,
  };
  // named by the text's hash: one text, one name, on every connection that meets it (the names
  // of the texts met most recently kept, not hashed again)
  const names = new Map<string, string>();
  database.preparedText = async <T>(text: string, params: readonly unknown[]) => {
    let name = names.get(text);
    if (!name) {
      name = `yitu_${hash('sha1', text, 'base64url')}`;
      if (names.size >= 1000) names.clear();
      names.set(text, name);
    }
    return (await pool.query({ name, text, values: params as unknown[], types })).rows as T[];
  };
  database.preparedRows = async <T>(query: SQL) => {
    const { sql: text, params } = dialect.sqlToQuery(query);
    return database.preparedText<T>(text, params);
  };
  return database;
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { postgis } = await import('@electric-sql/pglite-postgis');
  const { drizzle } = await import('drizzle-orm/pglite');
  let releaseLock = () => {};
  if (dataDir) {
    fs.mkdirSync(dataDir, { recursive: true });
    // PGlite is single-process: a second process opening the same directory would corrupt it.
    releaseLock = lockDataDir(dataDir);
  }
  try {
    const client = await PGlite.create(dataDir ? path.join(dataDir, 'pgdata') : undefined, {
      extensions: { postgis },
    });
    // one connection: statements (a transaction as one) take fair turns within their budgets
    // (db/budget.ts); a transaction's own statements run inside its turn
    const queue = new StatementQueue(1);
    const { query, exec, transaction } = client;
    client.query = ((...args: Parameters<typeof query>) =>
      queue.run(() => query.apply(client, args))) as typeof query;
    client.exec = ((...args: Parameters<typeof exec>) =>
      queue.run(() => exec.apply(client, args))) as typeof exec;
    client.transaction = ((...args: Parameters<typeof transaction>) =>
      queue.run(() => transaction.apply(client, args))) as typeof transaction;
    const listen: Listen = async (channel, onPayload) => {
      const stop = await client.listen(channel, onPayload);
      return () => stop();
    };
    return wrap(drizzle(client, { schema }) as unknown as Db, 'pglite', listen, async () => {
      await client.close();
      releaseLock();
    });
  } catch (error) {
    releaseLock();
    throw error;
  }
}

export class DataDirLockedError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `DATA_DIR ${dataDir} is in use by process ${pid}. The embedded database serves one process; ` +
        'stop it, choose another DATA_DIR, or set DATABASE_URL to share a PostgreSQL server.',
    );
  }
}

function lockDataDir(dataDir: string): () => void {
  const lockFile = path.join(dataDir, 'yitu.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(fs.readFileSync(lockFile, 'utf8'));
      if (isAlive(holder)) throw new DataDirLockedError(dataDir, holder);
      fs.rmSync(lockFile, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function escapeIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad channel name ${name}`);
  return name;
}
