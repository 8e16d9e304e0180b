import { sql, type BuildQueryConfig, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';

const dialect = new PgDialect();

/**
 * A fragment without values (a list of columns, a join), rendered to its text once. drizzle
 * renders every column and table of a fragment anew in each statement that holds it, and for the
 * place lists' column lists that was most of the time spent building a statement. A fragment
 * holding a value is refused: rendered once, its value would be the first one forever.
 */
export function prerendered(fragment: SQL): SQL {
  const { sql: text, params } = dialect.sqlToQuery(fragment);
  if (params.length > 0) throw new Error(`prerendered: the fragment holds values: ${text}`);
  return sql.raw(text);
}

/**
 * A fragment's text and values with its values numbered after `before` others ($before+1 …): a
 * statement put together from pieces rendered apart (graphql/sql-answer.ts).
 */
export const renderedAfter = (fragment: SQL, before = 0) =>
  fragment.toQuery({
    casing: (dialect as unknown as { casing: BuildQueryConfig['casing'] }).casing,
    escapeName: dialect.escapeName,
    escapeParam: dialect.escapeParam,
    escapeString: dialect.escapeString,
    paramStartIndex: { value: before },
  });
