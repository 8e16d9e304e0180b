import { sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { resourceClaims, resources } from '../../db/schema';
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
import { loadBoundary, type GeometryArgs } from '../../graphql/geometry';
import { toGlobalId } from '../../graphql/ids';
import { manyByKey, oneByKey } from '../../graphql/loaders';
import { fetchPage } from '../../graphql/page';
import type { NearbyResource, Resource, ResourceClaim, ResourceKind } from './resource.type';

const s = alias(resources, 's');
const k = alias(resourceClaims, 'k');

const columns = sql`${s.id} AS pk, ${s.code}, ${s.kind}, ${s.name}, ${s.communityId} AS "communityPk",
  ${s.propertyCompanyId} AS "propertyCompanyPk", ${s.capabilities}, ${s.capacity}, ${s.availability},
  ${s.mayDecline} AS "mayDecline", json_build_array(ST_X(${s.location}), ST_Y(${s.location})) AS "lonLat",
  ${s.version}, ${s.retiredAt} AS "retiredAt", ${s.pendingSince} IS NULL AS approved`;
const withId = (row: Resource): Resource => ({ ...row, id: toGlobalId('Resource', row.pk) });

export interface ResourceQuery {
  filter?: PlaceFilter | undefined;
  kind?: ResourceKind | undefined;
  capability?: string | undefined;
  approved?: boolean | undefined;
}

const capabilitySql = (capability: string | undefined) => {
  if (capability === undefined) return sql`true`;
  if (!/^[a-z_]{2,40}$/.test(capability)) {
    throw badInput('capability', 'FORMAT', 'capability is a snake_case word such as elderly_care');
  }
  return sql`${capability} = ANY(${s.capabilities})`;
};

export async function listResources(
  ctx: Context,
  q: ResourceQuery,
  page: KeysetPage,
): Promise<Page<Resource>> {
  const where = await filterSql(ctx.database, q.filter, {
    geometry: sql`${s.location}`,
    community: sql`${s.communityId}`,
    searchable: [sql`${s.name}`, sql`${s.code}`],
    retiredAt: sql`${s.retiredAt}`,
  });
  return fetchPage<Resource>(
    ctx.database,
    sql`
    SELECT ${columns} FROM ${resources} ${s}
    WHERE ${where} AND ${capabilitySql(q.capability)} ${q.kind ? sql`AND ${s.kind} = ${q.kind}` : sql``}
      ${q.approved === undefined || q.approved === null ? sql`` : q.approved ? sql`AND ${s.pendingSince} IS NULL` : sql`AND ${s.pendingSince} IS NOT NULL`}`,
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
    SELECT ${columns}, ST_Distance(${s.location}::geography, ${here}::geography) AS "distanceMeters"
    FROM ${resources} ${s}
    WHERE ST_DWithin(${s.location}::geography, ${here}::geography, ${args.radiusMeters}::float8)
      AND ${s.retiredAt} IS NULL
      AND ${capabilitySql(args.capability)} ${args.kind ? sql`AND ${s.kind} = ${args.kind}` : sql``}
    ORDER BY ${s.location} <-> ${here}, ${s.id}
    LIMIT ${args.first}`);
  // <-> orders by planar degrees; re-sort by metres on the sphere for exact nearest-first.
  return rows
    .map(({ distanceMeters, ...resource }) => ({
      distanceMeters,
      resource: withId(resource as Resource),
    }))
    .sort((a, b) => a.distanceMeters - b.distanceMeters || a.resource.pk - b.resource.pk);
}

/** A resource's service area (null for none), for the GeoJSON field. */
export const serviceAreaOf = (ctx: Context, pk: number, args: GeometryArgs) =>
  loadBoundary(ctx, { table: resources, id: resources.id, shape: resources.serviceArea }, pk, args);

export const resourceById = oneByKey<Resource>(
  (keys) => sql`
    SELECT ${columns} FROM ${resources} ${s} WHERE ${s.id} = ANY(${keys}::int[])`,
  (row) => row.pk,
  withId,
);

const claimColumns = sql`${k.id} AS pk, ${k.resourceId} AS "resourcePk", ${k.gridId} AS "gridPk",
  ${k.compoundId} AS "compoundPk", ${k.claimedAt} AS "claimedAt"`;
const claimWithId = (row: ResourceClaim): ResourceClaim => ({
  ...row,
  id: toGlobalId('ResourceClaim', row.pk),
});

export const claimById = oneByKey<ResourceClaim>(
  (keys) => sql`
    SELECT ${claimColumns} FROM ${resourceClaims} ${k} WHERE ${k.id} = ANY(${keys}::int[])`,
  (row) => row.pk,
  claimWithId,
);

// A claim stays while its resource or zone is retired (撤销), for the day it comes back, but is
// listed only between live ones: a grid's claims name who serves it now.
export const claimsOfResource = manyByKey<ResourceClaim>(
  (keys) => sql`
    SELECT ${claimColumns} FROM ${resourceClaims} ${k} WHERE ${k.resourceId} = ANY(${keys}::int[])
      AND NOT EXISTS (SELECT 1 FROM grids g WHERE g.id = ${k.gridId} AND g.retired_at IS NOT NULL)
      AND NOT EXISTS (SELECT 1 FROM compounds c WHERE c.id = ${k.compoundId} AND c.retired_at IS NOT NULL)
    ORDER BY ${k.id}`,
  (row) => row.resourcePk,
  claimWithId,
);

export const claimsOfGrid = manyByKey<ResourceClaim>(
  (keys) => sql`
    SELECT ${claimColumns} FROM ${resourceClaims} ${k} WHERE ${k.gridId} = ANY(${keys}::int[])
      AND EXISTS (SELECT 1 FROM resources s WHERE s.id = ${k.resourceId} AND s.retired_at IS NULL)
    ORDER BY ${k.id}`,
  (row) => row.gridPk!,
  claimWithId,
);

export const claimsOfCompound = manyByKey<ResourceClaim>(
  (keys) => sql`
    SELECT ${claimColumns} FROM ${resourceClaims} ${k} WHERE ${k.compoundId} = ANY(${keys}::int[])
      AND EXISTS (SELECT 1 FROM resources s WHERE s.id = ${k.resourceId} AND s.retired_at IS NULL)
    ORDER BY ${k.id}`,
  (row) => row.compoundPk!,
  claimWithId,
);
