import { sql } from 'drizzle-orm';
import type { KeysetPage, Page } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { checkLonLat, filterSql, pointSql, type PlaceFilter } from '../../graphql/filter';
import { toGlobalId } from '../../graphql/ids';
import { loadMany, loadOne } from '../../graphql/loaders';
import { fetchPage } from '../../graphql/page';
import type { Grid, GridWorker } from './grid.type';

const columns = sql`g.id AS pk, g.code, g.name, g.community_id AS "communityPk", g.parent_id AS "parentPk",
  g.worker_id AS "workerPk", g.kinds, g.parent_id IS NOT NULL AS micro`;
const withId = <T extends Grid>(g: T): T => ({ ...g, id: toGlobalId('Grid', g.pk) });

export async function listGrids(
  ctx: Context,
  filter: PlaceFilter | undefined,
  micro: boolean | undefined,
  page: KeysetPage,
): Promise<Page<Grid>> {
  const where = await filterSql(ctx.database, filter, {
    geometry: sql`g.boundary`,
    community: sql`g.community_id`,
    searchable: [sql`g.name`, sql`g.code`],
  });
  const tier =
    micro === undefined
      ? sql``
      : micro
        ? sql`AND g.parent_id IS NOT NULL`
        : sql`AND g.parent_id IS NULL`;
  return fetchPage<Grid>(
    ctx.database,
    sql`SELECT ${columns} FROM grids g WHERE ${where} ${tier}`,
    page,
    withId,
  );
}

export const gridById = (ctx: Context, pk: number) =>
  loadOne<Grid>(
    ctx,
    'grid:id',
    (keys) => sql`SELECT ${columns} FROM grids g WHERE g.id = ANY(${keys}::int[])`,
    (g) => g.pk,
    withId,
  )(pk);

/** The grid covering a point: a top-level grid, or with micro the micro-grid if there is one. */
export async function gridAt(
  ctx: Context,
  lon: number,
  lat: number,
  micro: boolean,
): Promise<Grid | null> {
  checkLonLat(lon, lat);
  const rows = await ctx.database.rows<Grid>(sql`
    SELECT ${columns} FROM grids g WHERE ST_Covers(g.boundary, ${pointSql(lon, lat)})
    ORDER BY (g.parent_id IS NOT NULL) = ${micro} DESC, g.id LIMIT 1`);
  const grid = rows[0];
  // Asked for a top-level grid: never answer with a micro-grid.
  if (!grid || (!micro && grid.micro)) return null;
  return withId(grid);
}

export const microGridsOf = (ctx: Context, pk: number) =>
  loadMany<Grid>(
    ctx,
    'grid:children',
    (keys) => sql`
    SELECT ${columns} FROM grids g WHERE g.parent_id = ANY(${keys}::int[]) ORDER BY g.code`,
    (g) => g.parentPk!,
    withId,
  )(pk);

export const gridsOfCommunity = (ctx: Context, pk: number) =>
  loadMany<Grid>(
    ctx,
    'grid:community',
    (keys) => sql`
    SELECT ${columns} FROM grids g WHERE g.community_id = ANY(${keys}::int[]) AND g.parent_id IS NULL ORDER BY g.code`,
    (g) => g.communityPk,
    withId,
  )(pk);

/** Spatial edge: top-level grids sharing area with a compound. */
export const gridsOfCompound = (ctx: Context, compoundPk: number) =>
  loadMany<Grid & { compoundPk: number }>(
    ctx,
    'grid:compound',
    (keys) => sql`
    SELECT c.id AS "compoundPk", ${columns}
    FROM compounds c JOIN grids g ON g.parent_id IS NULL
      AND ST_Intersects(g.boundary, c.boundary) AND NOT ST_Touches(g.boundary, c.boundary)
    WHERE c.id = ANY(${keys}::int[]) ORDER BY g.code`,
    (g) => g.compoundPk,
    withId,
  )(compoundPk);

const workerColumns = sql`w.id AS pk, w.code, w.name, w.grid_id AS "gridPk", w.is_party_member AS "isPartyMember",
  w.phone`;
const workerWithId = (w: GridWorker): GridWorker => ({ ...w, id: toGlobalId('GridWorker', w.pk) });

export const workerById = (ctx: Context, pk: number) =>
  loadOne<GridWorker>(
    ctx,
    'worker:id',
    (keys) => sql`
    SELECT ${workerColumns} FROM grid_workers w WHERE w.id = ANY(${keys}::int[])`,
    (w) => w.pk,
    workerWithId,
  )(pk);

export const workersOfGrid = (ctx: Context, gridPk: number) =>
  loadMany<GridWorker>(
    ctx,
    'worker:grid',
    (keys) => sql`
    SELECT ${workerColumns} FROM grid_workers w WHERE w.grid_id = ANY(${keys}::int[]) ORDER BY w.code`,
    (w) => w.gridPk!,
    workerWithId,
  )(gridPk);
