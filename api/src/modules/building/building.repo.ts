import { sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { buildings, compounds } from '../../db/schema';
import type { Context } from '../../graphql/context';
import { toGlobalId } from '../../graphql/ids';
import type { KeysetPage, Page } from '../../graphql/connection';
import { filterSql, type PlaceFilter } from '../../graphql/filter';
import { fetchPage, pageByKey } from '../../graphql/page';
import { oneByKey } from '../../graphql/loaders';
import type { Building } from './building.type';

const b = alias(buildings, 'b');
const c = alias(compounds, 'c');

const columns = sql`${b.id} AS pk, ${b.compoundId} AS "compoundPk", ${b.number}, ${b.floors}, ${b.households},
  json_build_array(ST_X(${b.location}), ST_Y(${b.location})) AS "lonLat", ${b.version},
  ${b.retiredAt} AS "retiredAt"`;
const withId = (row: Building): Building => ({ ...row, id: toGlobalId('Building', row.pk) });

export const buildingById = oneByKey<Building>(
  (keys) => sql`
    SELECT ${columns} FROM ${buildings} ${b} WHERE ${b.id} = ANY(${keys}::int[])`,
  (row) => row.pk,
  withId,
);

export const buildingsOfCompound = pageByKey<Building>(
  'compoundPk',
  (keys) => sql`
    SELECT ${columns} FROM ${buildings} ${b} WHERE ${b.compoundId} = ANY(${keys}::int[])
      AND ${b.retiredAt} IS NULL`,
  withId,
);

/** Buildings by place (bbox for the map's building layer, search by number), with the compound's
 * community standing in for regionId. */
export async function listBuildings(
  ctx: Context,
  filter: PlaceFilter | undefined,
  page: KeysetPage,
): Promise<Page<Building>> {
  const where = await filterSql(ctx.database, filter, {
    geometry: sql`${b.location}`,
    community: sql`(SELECT ${c.communityId} FROM ${compounds} ${c} WHERE ${c.id} = ${b.compoundId})`,
    searchable: [sql`${b.number}`],
    retiredAt: sql`${b.retiredAt}`,
  });
  return fetchPage<Building>(
    ctx.database,
    sql`SELECT ${columns} FROM ${buildings} ${b} WHERE ${where}`,
    page,
    withId,
  );
}
