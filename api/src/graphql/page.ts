import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db';
import { keyset, toPage, type KeysetPage, type Page, type PageArgs } from './connection';
import type { Context } from './context';
import { alignMany, defineLoader, intArray } from './loaders';
import { alsoColumns, type RowsAlsoRead } from './with-rows';

/**
 * One statement per page: `base` selects the filtered rows with a `pk` column; the page is the
 * rows after the cursor, and the total counts the whole filtered set. Pages are ordered by `pk`,
 * or by another unique integer column `orderKey` of the rows (tickets: urgent ones first).
 */
export async function fetchPage<T extends { pk: number }>(
  database: Database,
  base: SQL,
  page: KeysetPage,
  map: (row: T) => T = (row) => row,
  orderKey = 'pk',
  also: readonly (RowsAlsoRead | null | undefined)[] = [],
): Promise<Page<T>> {
  const k = sql`base.${sql.identifier(orderKey)}`;
  const after = page.afterKey === null ? sql`true` : sql`${k} > ${page.afterKey}`;
  // what the rows are also asked is read for the page's rows only (after the limit)
  const asked = also.filter((a): a is RowsAlsoRead => !!a);
  const rows = await database.preparedRows<T & { totalCount: number }>(sql`
    WITH base AS (${base}), total AS (SELECT count(*)::int AS "totalCount" FROM base)
    SELECT total."totalCount", page_row.*${alsoColumns(asked, sql`page_row`)}
    FROM total LEFT JOIN LATERAL (
      SELECT * FROM base WHERE ${after} ORDER BY ${k} LIMIT ${page.limit + 1}
    ) page_row ON true`);
  const total = rows[0]?.totalCount ?? 0;
  const found = rows.filter((r) => r.pk !== null);
  for (const a of asked) a.take(found);
  return toPage(found.map(map), page, total, orderKey);
}

/**
 * A page per parent for many parents in one statement: `query` selects rows with `pk` and the
 * parent's key in column `keyColumn`; each parent gets its own totalCount, cursor and page.
 * Options (a filter) that change the rows must show in `variant`.
 */
export function pageByKey<T extends { pk: number }, O = void>(
  keyColumn: string,
  query: (keys: string, ctx: Context, options: O) => SQL,
  map: (row: T) => T,
  variant: (options: O) => string = () => '',
  orderKey = 'pk',
): (ctx: Context, parent: number, args: PageArgs, options: O) => Promise<Page<T>> {
  const key = sql.identifier(keyColumn);
  const order = sql`b.${sql.identifier(orderKey)}`;
  const loader = defineLoader<number, Page<T>, { page: KeysetPage; options: O }>(
    async (ctx, keys, { page, options }) => {
      const after = page.afterKey === null ? sql`true` : sql`${order} > ${page.afterKey}`;
      const rows = await ctx.database.preparedRows<
        T & { groupKey: number; groupTotal: number }
      >(sql`
        WITH b AS (${query(intArray(keys), ctx, options)}),
          t AS (SELECT ${key} AS "groupKey", count(*)::int AS "groupTotal" FROM b GROUP BY 1)
        SELECT t."groupKey", t."groupTotal", p.*
        FROM t LEFT JOIN LATERAL (
          SELECT * FROM b WHERE b.${key} = t."groupKey" AND ${after} ORDER BY ${order} LIMIT ${page.limit + 1}
        ) p ON true`);
      return alignMany(keys, rows, (r) => r.groupKey).map((group) =>
        toPage(
          group.filter((r) => r.pk !== null).map(map),
          page,
          group[0]?.groupTotal ?? 0,
          orderKey,
        ),
      );
    },
    ({ page, options }) => `${page.limit}:${page.afterKey}:${variant(options)}`,
  );
  return (ctx, parent, args, options) => loader(ctx, { page: keyset(args), options }).load(parent);
}
