import { sql } from 'drizzle-orm';
import type { KeysetPage, Page, PageArgs } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import {
  checkLonLat,
  filterSql,
  pointSql,
  regionAndBelow,
  type PlaceFilter,
} from '../../graphql/filter';
import { toGlobalId } from '../../graphql/ids';
import { loadOne } from '../../graphql/loaders';
import { fetchPage, loadPage } from '../../graphql/page';
import type { Compound } from './compound.type';

export const compoundColumns = sql`c.id AS pk, c.code, c.name, c.community_id AS "communityPk",
  c.property_company_id AS "propertyCompanyPk", c.households, c.year_built AS "yearBuilt", c.tags,
  COALESCE((c.metadata->>'synthetic')::boolean, false) AS synthetic`;
export const compoundWithId = <T extends Compound>(c: T): T => ({
  ...c,
  id: toGlobalId('Compound', c.pk),
});

export async function listCompounds(
  ctx: Context,
  filter: PlaceFilter | undefined,
  page: KeysetPage,
): Promise<Page<Compound>> {
  const where = await filterSql(ctx.database, filter, {
    geometry: sql`c.boundary`,
    community: sql`c.community_id`,
    searchable: [sql`c.name`, sql`c.code`],
  });
  return fetchPage<Compound>(
    ctx.database,
    sql`SELECT ${compoundColumns} FROM compounds c WHERE ${where}`,
    page,
    compoundWithId,
  );
}

export const compoundById = (ctx: Context, pk: number) =>
  loadOne<Compound>(
    ctx,
    'compound:id',
    (keys) => sql`
    SELECT ${compoundColumns} FROM compounds c WHERE c.id = ANY(${keys}::int[])`,
    (c) => c.pk,
    compoundWithId,
  )(pk);

/** The compound whose boundary covers the point, if any. */
export async function compoundAt(ctx: Context, lon: number, lat: number): Promise<Compound | null> {
  checkLonLat(lon, lat);
  const rows = await ctx.database.rows<Compound>(sql`
    SELECT ${compoundColumns} FROM compounds c WHERE ST_Covers(c.boundary, ${pointSql(lon, lat)})
    ORDER BY c.id LIMIT 1`);
  return rows[0] ? compoundWithId(rows[0]) : null;
}

/** Compounds of a region and everything below it (a community's, a street's, the district's). */
export const compoundsOfRegion = (ctx: Context, regionPk: number, args: PageArgs) =>
  loadPage<Compound>(
    ctx,
    'compound:region',
    args,
    'regionPk',
    (keys) => sql`
    SELECT r.id AS "regionPk", ${compoundColumns}
    FROM regions r JOIN compounds c ON c.community_id IN ${regionAndBelow(sql`r.id`)}
    WHERE r.id = ANY(${keys}::int[])`,
    compoundWithId,
  )(regionPk);

export const compoundsOfPropertyCompany = (ctx: Context, pk: number, args: PageArgs) =>
  loadPage<Compound>(
    ctx,
    'compound:property',
    args,
    'propertyCompanyPk',
    (keys) => sql`
    SELECT ${compoundColumns} FROM compounds c WHERE c.property_company_id = ANY(${keys}::int[])`,
    compoundWithId,
  )(pk);

/** Spatial edge: compounds sharing area with a grid (touching edges do not count). */
export const compoundsOfGrid = (ctx: Context, gridPk: number, args: PageArgs) =>
  loadPage<Compound>(
    ctx,
    'compound:grid',
    args,
    'gridPk',
    (keys) => sql`
    SELECT g.id AS "gridPk", ${compoundColumns}
    FROM grids g JOIN compounds c ON ST_Intersects(g.boundary, c.boundary) AND NOT ST_Touches(g.boundary, c.boundary)
    WHERE g.id = ANY(${keys}::int[])`,
    compoundWithId,
  )(gridPk);
