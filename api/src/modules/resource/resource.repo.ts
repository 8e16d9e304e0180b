import { sql } from 'drizzle-orm';
import type { KeysetPage, Page } from '../../graphql/connection';
import type { Context } from '../../graphql/context';
import { badInput } from '../../errors';
import {
  checkLonLat,
  checkRadius,
  filterSql,
  pointSql,
  type PlaceFilter,
} from '../../graphql/filter';
import { toGlobalId } from '../../graphql/ids';
import { loadMany, loadOne } from '../../graphql/loaders';
import { fetchPage } from '../../graphql/page';
import type { NearbyResource, Resource, ResourceClaim, ResourceKind } from './resource.type';

const columns = sql`s.id AS pk, s.code, s.kind, s.name, s.community_id AS "communityPk",
  s.property_company_id AS "propertyCompanyPk", s.capabilities, s.capacity, s.availability,
  s.may_decline AS "mayDecline", json_build_array(ST_X(s.location), ST_Y(s.location)) AS "lonLat"`;
const withId = (r: Resource): Resource => ({ ...r, id: toGlobalId('Resource', r.pk) });

export interface ResourceQuery {
  filter?: PlaceFilter | undefined;
  kind?: ResourceKind | undefined;
  capability?: string | undefined;
}

const capabilitySql = (capability: string | undefined) => {
  if (capability === undefined) return sql`true`;
  if (!/^[a-z_]{2,40}$/.test(capability)) {
    throw badInput('capability', 'FORMAT', 'capability is a snake_case word such as elderly_care');
  }
  return sql`${capability} = ANY(s.capabilities)`;
};

export async function listResources(
  ctx: Context,
  q: ResourceQuery,
  page: KeysetPage,
): Promise<Page<Resource>> {
  const where = await filterSql(ctx.database, q.filter, {
    geometry: sql`s.location`,
    community: sql`s.community_id`,
    searchable: [sql`s.name`, sql`s.code`],
  });
  return fetchPage<Resource>(
    ctx.database,
    sql`
    SELECT ${columns} FROM resources s
    WHERE ${where} AND ${capabilitySql(q.capability)} ${q.kind ? sql`AND s.kind = ${q.kind}` : sql``}`,
    page,
    withId,
  );
}

/**
 * Resources within radius of a point, nearest first. The KNN operator (<->) walks the GiST index
 * in distance order; ST_DWithin on geography keeps only those within the radius in metres.
 */
export async function resourcesNear(
  ctx: Context,
  args: {
    lon: number;
    lat: number;
    radiusMeters: number;
    capability?: string | undefined;
    kind?: ResourceKind | undefined;
    first: number;
  },
): Promise<NearbyResource[]> {
  checkLonLat(args.lon, args.lat);
  checkRadius(args.radiusMeters, 'radiusMeters');
  if (!Number.isInteger(args.first) || args.first < 1 || args.first > 500) {
    throw badInput('first', 'OUT_OF_RANGE', 'first must be 1–500');
  }
  const here = pointSql(args.lon, args.lat);
  const rows = await ctx.database.rows<Resource & { distanceMeters: number }>(sql`
    SELECT ${columns}, ST_Distance(s.location::geography, ${here}::geography) AS "distanceMeters"
    FROM resources s
    WHERE ST_DWithin(s.location::geography, ${here}::geography, ${args.radiusMeters}::float8)
      AND ${capabilitySql(args.capability)} ${args.kind ? sql`AND s.kind = ${args.kind}` : sql``}
    ORDER BY s.location <-> ${here}, s.id
    LIMIT ${args.first}`);
  // <-> orders by planar degrees; re-sort by metres on the sphere for exact nearest-first.
  return rows
    .map(({ distanceMeters, ...resource }) => ({
      distanceMeters,
      resource: withId(resource as Resource),
    }))
    .sort((a, b) => a.distanceMeters - b.distanceMeters || a.resource.pk - b.resource.pk);
}

export const resourceById = (ctx: Context, pk: number) =>
  loadOne<Resource>(
    ctx,
    'resource:id',
    (keys) => sql`
    SELECT ${columns} FROM resources s WHERE s.id = ANY(${keys}::int[])`,
    (r) => r.pk,
    withId,
  )(pk);

const claimColumns = sql`k.id AS pk, k.resource_id AS "resourcePk", k.grid_id AS "gridPk",
  k.compound_id AS "compoundPk", k.claimed_at AS "claimedAt"`;
const claimWithId = (k: ResourceClaim): ResourceClaim => ({
  ...k,
  id: toGlobalId('ResourceClaim', k.pk),
});

export const claimById = (ctx: Context, pk: number) =>
  loadOne<ResourceClaim>(
    ctx,
    'claim:id',
    (keys) => sql`
    SELECT ${claimColumns} FROM resource_claims k WHERE k.id = ANY(${keys}::int[])`,
    (k) => k.pk,
    claimWithId,
  )(pk);

export const claimsOfResource = (ctx: Context, pk: number) =>
  loadMany<ResourceClaim>(
    ctx,
    'claim:resource',
    (keys) => sql`
    SELECT ${claimColumns} FROM resource_claims k WHERE k.resource_id = ANY(${keys}::int[]) ORDER BY k.id`,
    (k) => k.resourcePk,
    claimWithId,
  )(pk);

export const claimsOfGrid = (ctx: Context, pk: number) =>
  loadMany<ResourceClaim>(
    ctx,
    'claim:grid',
    (keys) => sql`
    SELECT ${claimColumns} FROM resource_claims k WHERE k.grid_id = ANY(${keys}::int[]) ORDER BY k.id`,
    (k) => k.gridPk!,
    claimWithId,
  )(pk);

export const claimsOfCompound = (ctx: Context, pk: number) =>
  loadMany<ResourceClaim>(
    ctx,
    'claim:compound',
    (keys) => sql`
    SELECT ${claimColumns} FROM resource_claims k WHERE k.compound_id = ANY(${keys}::int[]) ORDER BY k.id`,
    (k) => k.compoundPk!,
    claimWithId,
  )(pk);
