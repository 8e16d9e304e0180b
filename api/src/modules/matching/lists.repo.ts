import { sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { categories, regions, resources, tickets } from '../../db/schema';
import type { Context } from '../../graphql/context';
import { regionAndBelow } from '../../graphql/filter';
import { intArray } from '../../graphql/loaders';
import { t } from '../ticket/ticket-sql';
import { dispatchable, loadOf } from './match.sql';

// 三清单 per community: demand (需求清单), resources (资源清单), services (服务清单) and the gap.
// A resource serves the community it is registered in, or, with no community, every community
// whose interior point its service area covers (law enforcement: a street; departments: the
// district). A resource serving several communities counts in each with its share of capacity,
// so a district department's 200 places are not counted 21 times.

export interface CategoryBalance {
  categoryCode: string;
  openTickets: number;
  last90Days: number;
  resourceCount: number;
  capacity: number;
  freeCapacity: number;
  /** openTickets − freeCapacity: above 0 is a shortfall. */
  gap: number;
}

export interface ServiceOffer {
  capability: string;
  resourceCount: number;
  capacity: number;
}

export interface CommunityLists {
  communityPk: number;
  balances: CategoryBalance[];
  services: ServiceOffer[];
}

// `c` is a community; sv, demand and supply (its `s` included) are computed, not tables
const c = alias(regions, 'c');
const s = alias(resources, 's');
const k = alias(categories, 'k');

const serving = sql`
  sv AS (
    SELECT community, id, capabilities, capacity, load,
      1.0 / count(*) OVER (PARTITION BY id) AS share
    FROM (
      SELECT ${c.id} AS community, ${s.id}, ${s.capabilities}, ${s.capacity}, ${loadOf(sql`${s.id}`)} AS load
      FROM ${regions} ${c} JOIN ${resources} ${s} ON ${s.communityId} = ${c.id} AND ${dispatchable(s)}
      WHERE ${c.level} = 'COMMUNITY'
      UNION ALL
      SELECT ${c.id}, ${s.id}, ${s.capabilities}, ${s.capacity}, ${loadOf(sql`${s.id}`)}
      FROM ${regions} ${c} JOIN ${resources} ${s}
        ON ${s.communityId} IS NULL AND ${dispatchable(s)} AND ST_Covers(${s.serviceArea}, ST_PointOnSurface(${c.boundary}))
      WHERE ${c.level} = 'COMMUNITY'
    ) x
  )`;

/** The lists of the given communities (all communities under `underRegionPk`, or these pks). */
export async function communityLists(
  ctx: Context,
  scope: { underRegionPk?: number; communityPks?: readonly number[] },
): Promise<CommunityLists[]> {
  const communities = scope.communityPks
    ? sql`${c.id} = ANY(${intArray(scope.communityPks)}::int[])`
    : scope.underRegionPk !== undefined
      ? sql`${c.id} IN ${regionAndBelow(scope.underRegionPk)}`
      : sql`true`;
  const since = new Date(ctx.now().getTime() - 90 * 86_400_000).toISOString();
  const balances = await ctx.database.rows<CategoryBalance & { communityPk: number }>(sql`
    WITH ${serving},
    demand AS (
      SELECT ${t.communityId} AS community, ${t.categoryCode} AS category,
        count(*) FILTER (WHERE ${t.status} NOT IN ('CLOSED', 'REJECTED', 'TRANSFERRED', 'RESOLVED', 'VERIFIED', 'FEEDBACK'))::int AS open,
        count(*) FILTER (WHERE ${t.reportedAt} >= ${since}::timestamptz)::int AS last90
      FROM ${tickets} ${t} WHERE ${t.categoryCode} IS NOT NULL GROUP BY 1, 2
    ),
    supply AS (
      SELECT sv.community, ${k.code} AS category, count(*)::int AS resources,
        sum(sv.capacity * sv.share)::float8 AS capacity,
        sum(greatest(sv.capacity - sv.load, 0) * sv.share)::float8 AS free
      FROM sv JOIN ${categories} ${k} ON sv.capabilities && ${k.capabilities} GROUP BY 1, 2
    )
    SELECT ${c.id} AS "communityPk", ${k.code} AS "categoryCode",
      COALESCE(d.open, 0) AS "openTickets", COALESCE(d.last90, 0) AS "last90Days",
      COALESCE(s.resources, 0) AS "resourceCount",
      round(COALESCE(s.capacity, 0)::numeric, 1)::float8 AS capacity,
      round(COALESCE(s.free, 0)::numeric, 1)::float8 AS "freeCapacity",
      round((COALESCE(d.open, 0) - COALESCE(s.free, 0))::numeric, 1)::float8 AS gap
    FROM ${regions} ${c} CROSS JOIN ${categories} ${k}
    LEFT JOIN demand d ON d.community = ${c.id} AND d.category = ${k.code}
    LEFT JOIN supply s ON s.community = ${c.id} AND s.category = ${k.code}
    WHERE ${c.level} = 'COMMUNITY' AND ${communities}
    ORDER BY ${c.code}, gap DESC, ${k.code}`);
  const services = await ctx.database.rows<ServiceOffer & { communityPk: number }>(sql`
    WITH ${serving}
    SELECT sv.community AS "communityPk", cap AS capability, count(*)::int AS "resourceCount",
      round(sum(sv.capacity * sv.share)::numeric, 1)::float8 AS capacity
    FROM sv CROSS JOIN LATERAL unnest(sv.capabilities) AS cap
    JOIN ${regions} ${c} ON ${c.id} = sv.community
    WHERE ${communities}
    GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2`);
  const byCommunity = new Map<number, CommunityLists>();
  for (const { communityPk, ...balance } of balances) {
    const lists = byCommunity.get(communityPk) ?? { communityPk, balances: [], services: [] };
    lists.balances.push(balance);
    byCommunity.set(communityPk, lists);
  }
  for (const { communityPk, ...offer } of services)
    byCommunity.get(communityPk)?.services.push(offer);
  return [...byCommunity.values()];
}
