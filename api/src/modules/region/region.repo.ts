import { sql } from 'drizzle-orm';
import type { KeysetPage, Page } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { filterSql, type PlaceFilter } from '../../graphql/filter';
import { toGlobalId } from '../../graphql/ids';
import { loadMany, loadOne } from '../../graphql/loaders';
import { fetchPage } from '../../graphql/page';
import type { Region, RegionLevel } from './region.type';

const columns = sql`r.id AS pk, r.code, r.name, r.level, r.parent_id AS "parentPk",
  COALESCE((r.metadata->>'synthetic')::boolean, false) AS synthetic`;
const withId = (r: Region): Region => ({ ...r, id: toGlobalId('Region', r.pk) });

export async function listRegions(
  ctx: Context,
  filter: PlaceFilter | undefined,
  level: RegionLevel | undefined,
  page: KeysetPage,
): Promise<Page<Region>> {
  const where = await filterSql(ctx.database, filter, {
    geometry: sql`r.boundary`,
    regionSelf: sql`r.id`,
    searchable: [sql`r.name`, sql`r.code`],
  });
  const byLevel = level ? sql`AND r.level = ${level}` : sql``;
  return fetchPage<Region>(
    ctx.database,
    sql`SELECT ${columns} FROM regions r WHERE ${where} ${byLevel}`,
    page,
    withId,
  );
}

export const regionById = (ctx: Context, pk: number) =>
  loadOne<Region>(
    ctx,
    'region:id',
    (keys) => sql`SELECT ${columns} FROM regions r WHERE r.id = ANY(${keys}::int[])`,
    (r) => r.pk,
    withId,
  )(pk);

export const regionChildren = (ctx: Context, pk: number) =>
  loadMany<Region>(
    ctx,
    'region:children',
    (keys) => sql`
    SELECT ${columns} FROM regions r WHERE r.parent_id = ANY(${keys}::int[]) ORDER BY r.code`,
    (r) => r.parentPk!,
    withId,
  )(pk);
