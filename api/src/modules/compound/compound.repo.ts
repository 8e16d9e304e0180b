import { sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { prerendered } from '../../db/prerender';
import { compounds, grids, regions, vulnerableHouseholds } from '../../db/schema';
import type { KeysetPage, Page } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import {
  checkLonLat,
  filterSql,
  pointSql,
  regionAndBelow,
  type PlaceFilter,
} from '../../graphql/filter';
import type { GraphQLResolveInfo } from 'graphql';
import {
  boundaryWithRows,
  loadBoundary,
  type GeometryArgs,
  type Outline,
} from '../../graphql/geometry';
import { toGlobalId } from '../../graphql/ids';
import { manyByKey, oneByKey } from '../../graphql/loaders';
import { compoundStats } from '../stats/stats.repo';
import { regionById } from '../region/region.repo';
import { fetchPage, pageByKey } from '../../graphql/page';
import { rowsWith } from '../../graphql/with-rows';
import { propertyCompanyById } from '../property/property.repo';
import type { Compound } from './compound.type';
import type { VulnerableHousehold } from './household.type';

const c = alias(compounds, 'c');
const r = alias(regions, 'r');
const g = alias(grids, 'g');
const h = alias(vulnerableHouseholds, 'h');

// rendered once: every list and look-up of these rows holds it (db/prerender.ts)
const columns =
  prerendered(sql`${c.id} AS pk, ${c.code}, ${c.name}, ${c.communityId} AS "communityPk",
  ${c.propertyCompanyId} AS "propertyCompanyPk", ${c.households}, ${c.yearBuilt} AS "yearBuilt", ${c.tags},
  COALESCE((${c.metadata}->>'synthetic')::boolean, false) AS synthetic, ${c.version},
  ${c.retiredAt} AS "retiredAt"`);
const withId = <T extends Compound>(row: T): T => ({
  ...row,
  id: toGlobalId('Compound', row.pk),
});

const outline: Outline = { table: compounds, id: compounds.id, shape: compounds.boundary };

/** The compounds `filter` selects, as a statement's rows (the columns above, `pk` their key). */
export async function compoundsWhere(
  database: Context['database'],
  filter: PlaceFilter | undefined,
): Promise<SQL> {
  const where = await filterSql(database, filter, {
    geometry: sql`${c.boundary}`,
    community: sql`${c.communityId}`,
    searchable: [sql`${c.name}`, sql`${c.code}`],
    retiredAt: sql`${c.retiredAt}`,
  });
  return sql`SELECT ${columns} FROM ${compounds} ${c} WHERE ${where}`;
}

/** The compounds `filter` selects, a page of them (with their boundaries when `info` asks them). */
export async function listCompounds(
  ctx: Context,
  filter: PlaceFilter | undefined,
  page: KeysetPage,
  info?: GraphQLResolveInfo,
): Promise<Page<Compound>> {
  return fetchPage<Compound>(
    ctx.database,
    await compoundsWhere(ctx.database, filter),
    page,
    withId,
    'pk',
    info
      ? [
          boundaryWithRows(ctx, info, 'Compound', outline),
          compoundStats.withRows(ctx, info),
          regionById.withRows(ctx, info, 'community', 'communityPk'),
          propertyCompanyById.withRows(ctx, info, 'propertyCompany', 'propertyCompanyPk'),
        ]
      : [],
  );
}

/** A compound's boundary, for the GeoJSON field. */
export const compoundBoundary = (ctx: Context, pk: number, args: GeometryArgs) =>
  loadBoundary(ctx, outline, pk, args);

export const compoundById = oneByKey<Compound>(
  (keys) => sql`
    SELECT ${columns} FROM ${compounds} ${c} WHERE ${c.id} = ANY(${keys}::int[])`,
  (row) => row.pk,
  withId,
);

/** The live compound behind a QR code (its code), if any: a retired compound's poster leads nowhere. */
export async function compoundByCode(ctx: Context, code: string): Promise<Compound | null> {
  const [row] = await ctx.database.rows<Compound>(
    sql`SELECT ${columns} FROM ${compounds} ${c}
      WHERE ${c.code} = ${code.trim().slice(0, 40)} AND ${c.retiredAt} IS NULL`,
  );
  return row ? withId(row) : null;
}

/** The live compound whose boundary covers the point, as a statement's row (none if none). */
export function compoundAtSql(lon: number, lat: number): SQL {
  checkLonLat(lon, lat);
  return sql`SELECT ${columns} FROM ${compounds} ${c} WHERE ST_Covers(${c.boundary}, ${pointSql(lon, lat)})
      AND ${c.retiredAt} IS NULL ORDER BY ${c.id} LIMIT 1`;
}

/** The live compound whose boundary covers the point, if any. */
export async function compoundAt(
  ctx: Context,
  lon: number,
  lat: number,
  info?: GraphQLResolveInfo,
): Promise<Compound | null> {
  const query = compoundAtSql(lon, lat);
  const also = info && boundaryWithRows(ctx, info, 'Compound', outline);
  // a map's click: one text whatever the point, planned once per connection
  const rows = await rowsWith<Compound>(ctx.database, query, also);
  return rows[0] ? withId(rows[0]) : null;
}

/** A compound by key, as a statement's row (for answers written whole in SQL). */
export const compoundRow = (key: SQL) =>
  sql`SELECT ${columns} FROM ${compounds} ${c} WHERE ${c.id} = ${key}`;

export { outline as compoundOutline };

/** Compounds of a region and everything below it (a community's, a street's, the district's). */
export const compoundsOfRegion = pageByKey<Compound>(
  'regionPk',
  (keys) => sql`
    SELECT ${r.id} AS "regionPk", ${columns}
    FROM ${regions} ${r} JOIN ${compounds} ${c} ON ${c.communityId} IN ${regionAndBelow(sql`${r.id}`)}
    WHERE ${r.id} = ANY(${keys}::int[]) AND ${c.retiredAt} IS NULL`,
  withId,
);

export const compoundsOfPropertyCompany = pageByKey<Compound>(
  'propertyCompanyPk',
  (keys) => sql`
    SELECT ${columns} FROM ${compounds} ${c} WHERE ${c.propertyCompanyId} = ANY(${keys}::int[])
      AND ${c.retiredAt} IS NULL`,
  withId,
);

/** Spatial edge: compounds sharing area with a grid (touching edges do not count). */
export const compoundsOfGrid = pageByKey<Compound>(
  'gridPk',
  (keys) => sql`
    SELECT ${g.id} AS "gridPk", ${columns}
    FROM ${grids} ${g} JOIN ${compounds} ${c} ON ST_Intersects(${g.boundary}, ${c.boundary}) AND NOT ST_Touches(${g.boundary}, ${c.boundary})
    WHERE ${g.id} = ANY(${keys}::int[]) AND ${c.retiredAt} IS NULL`,
  withId,
);

/** A compound's vulnerable households (personal data: the caller has checked who asks). */
export const householdsOfCompound = manyByKey<VulnerableHousehold>(
  (keys) => sql`
    SELECT ${h.compoundId} AS "compoundPk", ${h.unit}, ${h.tags}, ${h.contactName} AS "contactName",
      ${h.contactPhone} AS "contactPhone", ${h.note}
    FROM ${vulnerableHouseholds} ${h} WHERE ${h.compoundId} = ANY(${keys}::int[]) ORDER BY ${h.id}`,
  (row) => row.compoundPk,
  (row) => row,
);
