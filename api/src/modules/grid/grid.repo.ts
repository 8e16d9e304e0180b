import { sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { prerendered } from '../../db/prerender';
import { compounds, grids, gridWorkers } from '../../db/schema';
import type { KeysetPage, Page } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { checkLonLat, filterSql, pointSql, type PlaceFilter } from '../../graphql/filter';
import type { GraphQLResolveInfo } from 'graphql';
import {
  boundaryWithRows,
  loadBoundary,
  type GeometryArgs,
  type Outline,
} from '../../graphql/geometry';
import { toGlobalId } from '../../graphql/ids';
import { manyByKey, oneByKey } from '../../graphql/loaders';
import { fetchPage } from '../../graphql/page';
import { rowsWith } from '../../graphql/with-rows';
import type { Grid, GridWorker } from './grid.type';

const g = alias(grids, 'g');
const c = alias(compounds, 'c');
const w = alias(gridWorkers, 'w');

// rendered once: every list and look-up of these rows holds it (db/prerender.ts)
const columns =
  prerendered(sql`${g.id} AS pk, ${g.code}, ${g.name}, ${g.communityId} AS "communityPk", ${g.parentId} AS "parentPk",
  ${g.workerId} AS "workerPk", ${g.kinds}, ${g.parentId} IS NOT NULL AS micro, ${g.version},
  ${g.retiredAt} AS "retiredAt"`);
const withId = <T extends Grid>(row: T): T => ({ ...row, id: toGlobalId('Grid', row.pk) });

const outline: Outline = { table: grids, id: grids.id, shape: grids.boundary };

/** The grids `filter` selects (micro: micro-grids only, or top-level only), as a statement's rows. */
export async function gridsWhere(
  database: Context['database'],
  filter: PlaceFilter | undefined,
  micro: boolean | undefined,
): Promise<SQL> {
  const where = await filterSql(database, filter, {
    geometry: sql`${g.boundary}`,
    community: sql`${g.communityId}`,
    searchable: [sql`${g.name}`, sql`${g.code}`],
    retiredAt: sql`${g.retiredAt}`,
  });
  const tier =
    micro === undefined
      ? sql``
      : micro
        ? sql`AND ${g.parentId} IS NOT NULL`
        : sql`AND ${g.parentId} IS NULL`;
  return sql`SELECT ${columns} FROM ${grids} ${g} WHERE ${where} ${tier}`;
}

/** The grids `filter` selects, a page of them (with their boundaries when `info` asks them). */
export async function listGrids(
  ctx: Context,
  filter: PlaceFilter | undefined,
  micro: boolean | undefined,
  page: KeysetPage,
  info?: GraphQLResolveInfo,
): Promise<Page<Grid>> {
  return fetchPage<Grid>(
    ctx.database,
    await gridsWhere(ctx.database, filter, micro),
    page,
    withId,
    'pk',
    info ? [boundaryWithRows(ctx, info, 'Grid', outline)] : [],
  );
}

/** A grid's boundary, for the GeoJSON field. */
export const gridBoundary = (ctx: Context, pk: number, args: GeometryArgs) =>
  loadBoundary(ctx, outline, pk, args);

export const gridById = oneByKey<Grid>(
  (keys) => sql`SELECT ${columns} FROM ${grids} ${g} WHERE ${g.id} = ANY(${keys}::int[])`,
  (row) => row.pk,
  withId,
);

/**
 * The grid covering a point, as a statement's row (none if none): a top-level grid, or with
 * micro the micro-grid if there is one. Asked for a top-level grid, never a micro-grid.
 */
export function gridAtSql(lon: number, lat: number, micro: boolean): SQL {
  checkLonLat(lon, lat);
  return sql`SELECT * FROM (SELECT ${columns} FROM ${grids} ${g}
      WHERE ST_Covers(${g.boundary}, ${pointSql(lon, lat)}) AND ${g.retiredAt} IS NULL
      ORDER BY (${g.parentId} IS NOT NULL) = ${micro}::boolean DESC, ${g.id} LIMIT 1) covering
    WHERE ${micro}::boolean OR NOT covering.micro`;
}

/** The grid covering a point: a top-level grid, or with micro the micro-grid if there is one. */
export async function gridAt(
  ctx: Context,
  lon: number,
  lat: number,
  micro: boolean,
  info?: GraphQLResolveInfo,
): Promise<Grid | null> {
  const query = gridAtSql(lon, lat, micro);
  const also = info && boundaryWithRows(ctx, info, 'Grid', outline);
  // a map's click: one text whatever the point, planned once per connection
  const rows = await rowsWith<Grid>(ctx.database, query, also);
  return rows[0] ? withId(rows[0]) : null;
}

/** A grid by key, as a statement's row (for answers written whole in SQL). */
export const gridRow = (key: SQL) =>
  sql`SELECT ${columns} FROM ${grids} ${g} WHERE ${g.id} = ${key}`;

export { outline as gridOutline };

export const microGridsOf = manyByKey<Grid>(
  (keys) => sql`
    SELECT ${columns} FROM ${grids} ${g} WHERE ${g.parentId} = ANY(${keys}::int[])
      AND ${g.retiredAt} IS NULL ORDER BY ${g.code}`,
  (row) => row.parentPk!,
  withId,
);

export const gridsOfCommunity = manyByKey<Grid>(
  (keys) => sql`
    SELECT ${columns} FROM ${grids} ${g} WHERE ${g.communityId} = ANY(${keys}::int[]) AND ${g.parentId} IS NULL
      AND ${g.retiredAt} IS NULL ORDER BY ${g.code}`,
  (row) => row.communityPk,
  withId,
);

/** Spatial edge: top-level grids sharing area with a compound. */
export const gridsOfCompound = manyByKey<Grid & { compoundPk: number }>(
  (keys) => sql`
    SELECT ${c.id} AS "compoundPk", ${columns}
    FROM ${compounds} ${c} JOIN ${grids} ${g} ON ${g.parentId} IS NULL AND ${g.retiredAt} IS NULL
      AND ST_Intersects(${g.boundary}, ${c.boundary}) AND NOT ST_Touches(${g.boundary}, ${c.boundary})
    WHERE ${c.id} = ANY(${keys}::int[]) ORDER BY ${g.code}`,
  (row) => row.compoundPk,
  withId,
);

const workerColumns = sql`${w.id} AS pk, ${w.code}, ${w.name}, ${w.gridId} AS "gridPk", ${w.isPartyMember} AS "isPartyMember",
  ${w.phone}`;
const workerWithId = (row: GridWorker): GridWorker => ({
  ...row,
  id: toGlobalId('GridWorker', row.pk),
});

export const workerById = oneByKey<GridWorker>(
  (keys) => sql`
    SELECT ${workerColumns} FROM ${gridWorkers} ${w} WHERE ${w.id} = ANY(${keys}::int[])`,
  (row) => row.pk,
  workerWithId,
);

export const workersOfGrid = manyByKey<GridWorker>(
  (keys) => sql`
    SELECT ${workerColumns} FROM ${gridWorkers} ${w} WHERE ${w.gridId} = ANY(${keys}::int[]) ORDER BY ${w.code}`,
  (row) => row.gridPk!,
  workerWithId,
);
