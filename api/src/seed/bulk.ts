import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';

// Bulk rows travel as one jsonb parameter per statement (read back with jsonb_to_record),
// never as one parameter per value: PostgreSQL binds at most 65,535 parameters per statement.
export const CHUNK = 4000;

export async function bulk(database: Database, rows: unknown[], statement: (json: string) => SQL) {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await database.db.execute(statement(JSON.stringify(rows.slice(i, i + CHUNK))));
  }
}

/**
 * A chunk's rows, to be named `AS r(columns)`, with their position e.n, for an INSERT whose ids
 * must follow the given order (ORDER BY e.n) whatever join plan the planner picks.
 */
export const orderedRows = (json: string) =>
  sql`jsonb_array_elements(${json}::jsonb) WITH ORDINALITY AS e(row, n) CROSS JOIN LATERAL jsonb_to_record(e.row)`;

/**
 * Runs a bulk load with the tables' non-unique indexes dropped, then builds them again from
 * their own definitions (PostgreSQL's advice for filling a table: one index build is several
 * times faster than keeping it up row by row; the GiST and GIN indexes most of all). Unique
 * indexes stay: they check the rows and serve the lookups by code. Call it inside the load's
 * transaction, so that a failed load brings the indexes back with its rollback.
 */
export async function withoutIndexes<T>(
  database: Database,
  tables: readonly string[],
  load: () => Promise<T>,
): Promise<T> {
  const indexes = await database.rows<{ name: string; definition: string }>(sql`
    SELECT ic.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
    FROM pg_index i
    JOIN pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_class tc ON tc.oid = i.indrelid
    WHERE tc.relnamespace = current_schema()::regnamespace
      AND tc.relname = ANY(string_to_array(${tables.join(',')}, ','))
      AND NOT i.indisunique
    ORDER BY tc.relname, ic.relname`);
  for (const index of indexes)
    await database.db.execute(sql`DROP INDEX ${sql.identifier(index.name)}`);
  const result = await load();
  for (const index of indexes) await database.db.execute(sql.raw(index.definition));
  return result;
}
