import { sql, type SQL } from 'drizzle-orm';
import type { GraphQLResolveInfo } from 'graphql';
import type { Database } from '../db';
import { fieldNodesOnRows } from './selection';

// What a list's rows will be asked besides their own columns, read in the list's own statement:
// a resolver that reads rows looks at what the query asks of them (their boundary, their figures,
// a related row) and adds it to its statement; the fields still resolve through their loaders,
// which find it there. One statement for the list instead of one more per field asked.

/**
 * Something each row will be asked besides its columns (its boundary: graphql/geometry.ts; its
 * figures; a related row), read in the rows' own statement instead of one of its own: `column`
 * reads it for a row, whose output columns `row` names (`row('pk')`), `take` hands it on from the
 * rows read (to the loader the field reads by).
 */
export interface RowsAlsoRead {
  column(row: (name: string) => SQL): SQL;
  take(rows: readonly { pk: number }[]): void;
}

type Row = Record<string, unknown> & { pk: number };

/**
 * A value each row is also asked, read as the column `name` (`read` gives its SQL for a row),
 * then taken off the rows and handed on by `hand` (made once per statement: the loader to prime).
 */
export function askedColumn<V>(
  name: string,
  read: (row: (column: string) => SQL) => SQL,
  hand: () => (row: Row, value: V | null) => void,
): RowsAlsoRead {
  return {
    column: (row) => sql`${read(row)} AS ${sql.identifier(name)}`,
    take: (rows) => {
      const give = hand();
      for (const row of rows as Row[]) {
        const value = (row[name] ?? null) as V | null;
        delete row[name];
        give(row, value);
      }
    },
  };
}

/**
 * The rows `query` selects (one, for a point's place), with what they are also asked read in the
 * same statement and handed on.
 */
export async function rowsWith<T extends { pk: number }>(
  database: Database,
  query: SQL,
  also: RowsAlsoRead | null | undefined,
): Promise<T[]> {
  const rows = await database.preparedRows<T>(
    also ? sql`SELECT found.*${alsoColumns([also], sql`found`)} FROM (${query}) found` : query,
  );
  also?.take(rows);
  return rows;
}

/** The columns of what the rows are also asked, each after a comma; `rows` names their alias. */
export const alsoColumns = (asked: readonly (RowsAlsoRead | null | undefined)[], rows: SQL) =>
  sql.join(
    asked.flatMap((a) =>
      a ? [sql`, ${a.column((name) => sql`${rows}.${sql.identifier(name)}`)}`] : [],
    ),
  );

/**
 * A related row (`field` of the rows, by their output column `foreignKey`) read in the rows' own
 * statement when they ask it: `select` reads it for one key (columns JSON keeps as they are: no
 * timestamps), `prime` hands it to the loader the field reads by.
 */
export function relatedWithRows<T>(
  info: GraphQLResolveInfo,
  field: string,
  foreignKey: string,
  select: (key: SQL) => SQL,
  prime: (key: number, row: T | null) => void,
): RowsAlsoRead | null {
  if (fieldNodesOnRows(info, field).length === 0) return null;
  return askedColumn<T>(
    `asked.${field}`,
    (row) => sql`(SELECT row_to_json(x) FROM (${select(row(foreignKey))}) x)`,
    () => (row, found) => {
      const key = row[foreignKey] as number | null;
      if (key != null) prime(key, found);
    },
  );
}
