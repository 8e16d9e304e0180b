import { sql } from 'drizzle-orm';
import type { Context } from '../../graphql/context';
import { toGlobalId } from '../../graphql/ids';
import type { PageArgs } from '../../graphql/connection';
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
