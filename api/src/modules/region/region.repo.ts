import { sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { regions } from '../../db/schema';
import type { KeysetPage, Page } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { filterSql, type PlaceFilter } from '../../graphql/filter';
import { loadBoundary, type GeometryArgs } from '../../graphql/geometry';
import { toGlobalId } from '../../graphql/ids';
import { manyByKey, oneByKey } from '../../graphql/loaders';
import { fetchPage } from '../../graphql/page';
import type { Region, RegionLevel } from './region.type';

const r = alias(regions, 'r');

const columns = sql`${r.id} AS pk, ${r.code}, ${r.name}, ${r.level}, ${r.parentId} AS "parentPk",
  COALESCE((${r.metadata}->>'synthetic')::boolean, false) AS synthetic`;
const withId = (row: Region): Region => ({ ...row, id: toGlobalId('Region', row.pk) });

export async function listRegions(
  ctx: Context,
  filter: PlaceFilter | undefined,
  level: RegionLevel | undefined,
  page: KeysetPage,
): Promise<Page<Region>> {
  const where = await filterSql(ctx.database, filter, {
    geometry: sql`${r.boundary}`,
    regionSelf: sql`${r.id}`,
    searchable: [sql`${r.name}`, sql`${r.code}`],
  });
  const byLevel = level ? sql`AND ${r.level} = ${level}` : sql``;
  return fetchPage<Region>(
    ctx.database,
    sql`SELECT ${columns} FROM ${regions} ${r} WHERE ${where} ${byLevel}`,
    page,
    withId,
  );
}

/** A region's boundary, for the GeoJSON field. */
export const regionBoundary = (ctx: Context, pk: number, args: GeometryArgs) =>
  loadBoundary(ctx, { table: regions, id: regions.id, shape: regions.boundary }, pk, args);

export const regionById = oneByKey<Region>(
  (keys) => sql`SELECT ${columns} FROM ${regions} ${r} WHERE ${r.id} = ANY(${keys}::int[])`,
  (row) => row.pk,
  withId,
);

export const regionChildren = manyByKey<Region>(
  (keys) => sql`
    SELECT ${columns} FROM ${regions} ${r} WHERE ${r.parentId} = ANY(${keys}::int[]) ORDER BY ${r.code}`,
  (row) => row.parentPk!,
  withId,
);
