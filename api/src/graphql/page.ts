import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db';
import { toPage, type KeysetPage, type Page } from './connection';

/**
 * One statement per page: `base` selects the filtered rows with a `pk` column; the page is the
 * rows after the cursor, and the total counts the whole filtered set.
 */
export async function fetchPage<T extends { pk: number }>(
  database: Database,
  base: SQL,
  page: KeysetPage,
  map: (row: T) => T = (row) => row,
): Promise<Page<T>> {
  const after = page.afterKey === null ? sql`true` : sql`base.pk > ${page.afterKey}`;
  const rows = await database.rows<T & { totalCount: number }>(sql`
    WITH base AS (${base}), total AS (SELECT count(*)::int AS "totalCount" FROM base)
    SELECT total."totalCount", p.*
    FROM total LEFT JOIN LATERAL (
      SELECT * FROM base WHERE ${after} ORDER BY base.pk LIMIT ${page.limit + 1}
    ) p ON true`);
  const total = rows[0]?.totalCount ?? 0;
  return toPage(rows.filter((r) => r.pk !== null).map(map), page, total);
}
