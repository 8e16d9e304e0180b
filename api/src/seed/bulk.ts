import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';

// Bulk rows travel as one jsonb parameter per statement (read back with jsonb_to_record),
// never as one parameter per value: PostgreSQL binds at most 65,535 parameters per statement.
const CHUNK = 4000;

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
