import { sql } from 'drizzle-orm';
import type { Context } from '../../graphql/context';
import { toGlobalId } from '../../graphql/ids';
import type { KeysetPage, Page, PageArgs } from '../../graphql/connection';
import { filterSql, type PlaceFilter } from '../../graphql/filter';
import { fetchPage } from '../../graphql/page';
import { loadOne } from '../../graphql/loaders';
import { loadPage } from '../../graphql/page';
import type { Building } from './building.type';

const columns = sql`b.id AS pk, b.compound_id AS "compoundPk", b.number, b.floors, b.households,
  json_build_array(ST_X(b.location), ST_Y(b.location)) AS "lonLat"`;
const withId = (b: Building): Building => ({ ...b, id: toGlobalId('Building', b.pk) });

export const buildingById = (ctx: Context, pk: number) =>
  loadOne<Building>(
    ctx,
    'building:id',
    (keys) => sql`
    SELECT ${columns} FROM buildings b WHERE b.id = ANY(${keys}::int[])`,
    (b) => b.pk,
    withId,
  )(pk);

export const buildingsOfCompound = (ctx: Context, compoundPk: number, args: PageArgs) =>
  loadPage<Building>(
    ctx,
    'building:compound',
    args,
    'compoundPk',
    (keys) => sql`
    SELECT ${columns} FROM buildings b WHERE b.compound_id = ANY(${keys}::int[])`,
    withId,
  )(compoundPk);

/** Buildings by place (bbox for the map's building layer, search by number), with the compound's
 * community standing in for regionId. */
export async function listBuildings(
  ctx: Context,
  filter: PlaceFilter | undefined,
  page: KeysetPage,
): Promise<Page<Building>> {
  const where = await filterSql(ctx.database, filter, {
    geometry: sql`b.location`,
    community: sql`(SELECT c.community_id FROM compounds c WHERE c.id = b.compound_id)`,
    searchable: [sql`b.number`],
  });
  return fetchPage<Building>(
    ctx.database,
    sql`SELECT ${columns} FROM buildings b WHERE ${where}`,
    page,
    withId,
  );
}
