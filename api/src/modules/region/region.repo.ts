import { sql, type SQL } from 'drizzle-orm';
import { relatedWithRows } from '../../graphql/with-rows';
import { alias } from 'drizzle-orm/pg-core';
import { prerendered } from '../../db/prerender';
import { regions } from '../../db/schema';
import type { KeysetPage, Page } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { filterSql, type PlaceFilter } from '../../graphql/filter';
import type { GraphQLResolveInfo } from 'graphql';
import {
  boundaryWithRows,
  loadBoundary,
  type GeometryArgs,
  type Outline,
} from '../../graphql/geometry';
import { toGlobalId } from '../../graphql/ids';
import { alignOne, defineLoader, intArray, manyByKey } from '../../graphql/loaders';
import { regionStats } from '../stats/stats.repo';
import { fetchPage } from '../../graphql/page';
import type { Region, RegionLevel } from './region.type';

const r = alias(regions, 'r');

// rendered once: every list and look-up of these rows holds it (db/prerender.ts)
const columns =
  prerendered(sql`${r.id} AS pk, ${r.code}, ${r.name}, ${r.level}, ${r.parentId} AS "parentPk",
  COALESCE((${r.metadata}->>'synthetic')::boolean, false) AS synthetic`);
const withId = (row: Region): Region => ({ ...row, id: toGlobalId('Region', row.pk) });

const outline: Outline = { table: regions, id: regions.id, shape: regions.boundary };

/** The regions `filter` selects (of one level, if given), as a statement's rows. */
export async function regionsWhere(
  database: Context['database'],
  filter: PlaceFilter | undefined,
  level: RegionLevel | undefined,
): Promise<SQL> {
  const where = await filterSql(database, filter, {
    geometry: sql`${r.boundary}`,
    regionSelf: sql`${r.id}`,
    searchable: [sql`${r.name}`, sql`${r.code}`],
  });
  const byLevel = level ? sql`AND ${r.level} = ${level}` : sql``;
  return sql`SELECT ${columns} FROM ${regions} ${r} WHERE ${where} ${byLevel}`;
}

/** The regions `filter` selects, a page of them (with their boundaries when `info` asks them). */
export async function listRegions(
  ctx: Context,
  filter: PlaceFilter | undefined,
  level: RegionLevel | undefined,
  page: KeysetPage,
  info?: GraphQLResolveInfo,
): Promise<Page<Region>> {
  return fetchPage<Region>(
    ctx.database,
    await regionsWhere(ctx.database, filter, level),
    page,
    withId,
    'pk',
    info ? [boundaryWithRows(ctx, info, 'Region', outline), regionStats.withRows(ctx, info)] : [],
  );
}

/** A region by key, as a statement's row (for answers written whole in SQL). */
export const regionRow = (key: SQL) =>
  sql`SELECT ${columns} FROM ${regions} ${r} WHERE ${r.id} = ${key}`;

export { outline as regionOutline };

/** A region's boundary, for the GeoJSON field. */
export const regionBoundary = (ctx: Context, pk: number, args: GeometryArgs) =>
  loadBoundary(ctx, outline, pk, args);

// A region comes with the regions above it (a community with its street and district, a few
// rows): a list of compounds → community → parent is one statement, not one per level.
const andAbove = (keys: string | SQL) => sql`
    WITH RECURSIVE up AS (
      SELECT id, parent_id FROM ${regions} WHERE id = ANY(${keys}::int[])
      UNION SELECT p.id, p.parent_id FROM ${regions} p JOIN up ON p.id = up.parent_id)
    SELECT ${columns} FROM ${regions} ${r} WHERE ${r.id} IN (SELECT id FROM up)`;
const regionsAndAbove = defineLoader<number, Region | null>(async (ctx, keys) => {
  const found = (await ctx.database.preparedRows<Region>(andAbove(intArray(keys)))).map(withId);
  const loader = regionsAndAbove(ctx);
  for (const region of found) loader.prime(region.pk, region);
  return alignOne(keys, found, (row) => row.pk);
});

export const regionById = Object.assign(
  (ctx: Context, pk: number) => regionsAndAbove(ctx).load(pk),
  {
    /** A list's rows' region (`field`, by their column `foreignKey`) and those above it, read with them. */
    withRows: (ctx: Context, info: GraphQLResolveInfo, field: string, foreignKey: string) =>
      relatedWithRows<Region[]>(
        info,
        field,
        foreignKey,
        (key) => sql`SELECT json_agg(a) AS chain FROM (${andAbove(sql`ARRAY[${key}]`)}) a`,
        (_key, found) => {
          const loader = regionsAndAbove(ctx);
          for (const region of (found as unknown as { chain: Region[] | null } | null)?.chain ?? [])
            loader.prime(region.pk, withId(region));
        },
      ),
  },
);

export const regionChildren = manyByKey<Region>(
  (keys) => sql`
    SELECT ${columns} FROM ${regions} ${r} WHERE ${r.parentId} = ANY(${keys}::int[]) ORDER BY ${r.code}`,
  (row) => row.parentPk!,
  withId,
);
