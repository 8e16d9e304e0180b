import { sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Database } from '../../db';
import { categories, resourceClaims, resources, ticketAssignments, tickets } from '../../db/schema';
import { intArray } from '../../graphql/loaders';
import type { ResourceKind } from '../resource/resource.type';

// Matching in one SQL statement: for each ticket, a small pool of candidates found through the
// indexes, nearest first by the GiST KNN operator: the nearest eligible resources, the nearest
// available now, the nearest with every capability the category needs, those whose service area
// covers the ticket, and everyone who claimed its grid or compound. Every component and the
// score are computed for the pool only; nothing scans all resources. A resource outside the pool
// is farther than all of the first three kinds and gets no zone points, so it can only outrank
// them on record and load; the benchmark counts how often the pool's top 10 equals the top 10 of
// scoring every capable resource.

// `t` is the tickets matched: the CTE below keeps their columns under their own names, with the
// category's capabilities as `needs`; `c`, `r`, `p0` and `p` are computed, not tables.
const t = alias(tickets, 't');
const u = alias(tickets, 'u');
const cat = alias(categories, 'c');
const s = alias(resources, 's');
const a = alias(ticketAssignments, 'a');
const k = alias(resourceClaims, 'k');
const x = alias(ticketAssignments, 'x');

/**
 * Points out of 100. Being available now is a tier of its own (50): every resource that can
 * start now outranks every one that cannot; within a tier the other components decide.
 */
export const WEIGHTS = {
  availableNow: 50,
  capability: 15, // × share of the category's capabilities the resource has
  distance: 12, // × 1 / (1 + metres / 1000): 12 at the door, 6 at 1 km, 4 at 2 km
  claimedZone: 8, // 认领责任区: it claimed the ticket's grid or compound
  serviceArea: 4, // its service area covers the ticket (when it did not claim the zone)
  load: 7, // × free share of capacity
  record: 8, // × (on-time rate + satisfaction) / 2, neutral (half) below MIN_RECORD_SAMPLE
} as const;

/** Finished tickets a resource needs before its record counts. */
export const MIN_RECORD_SAMPLE = 5;

/** Ticket statuses in which a dispatched resource still holds the ticket (its load). */
export const HOLDING_STATUSES = sql`('DISPATCHED', 'IN_PROGRESS', 'SUSPENDED')`;

/**
 * A resource that may be sent work: not retired, and approved (a party member's 双报到
 * registration waits for staff with pending_since set). `r` is an alias of resources.
 */
export const dispatchable = (r: typeof s) =>
  sql`${r.retiredAt} IS NULL AND ${r.pendingSince} IS NULL`;

/** Open tickets a resource holds now: offered or taken, on tickets still being handled. */
export const loadOf = (resource: SQL) => sql`(
  SELECT count(*)::int FROM ${ticketAssignments} ${a} JOIN ${tickets} ${u} ON ${u.id} = ${a.ticketId}
  WHERE ${a.resourceId} = ${resource} AND ${a.status} IN ('OFFERED', 'ACCEPTED')
    AND ${u.status} IN ${HOLDING_STATUSES})`;

/**
 * Why a resource may not be sent to a ticket again, by its earlier assignment's status, or NULL:
 * it declined it (DECLINED_BEFORE), or it already holds it in this round (ALREADY_ASSIGNED). A
 * ticket back at ACCEPTED (after all declined, or a reopen) starts a new round, in which earlier
 * holders may be sent again. Matching leaves the barred out; checkDispatch names the reason.
 */
export const barredReason = (assignmentStatus: SQL, ticketStatus: SQL) => sql`CASE
  WHEN ${assignmentStatus} = 'DECLINED' THEN 'DECLINED_BEFORE'
  WHEN ${assignmentStatus} IN ('OFFERED', 'ACCEPTED') AND ${ticketStatus} <> 'ACCEPTED' THEN 'ALREADY_ASSIGNED'
  END`;

/** Whether barredReason bars a resource from a ticket. */
export const barredFromTicket = (ticket: SQL, ticketStatus: SQL, resource: SQL) => sql`EXISTS (
  SELECT 1 FROM ${ticketAssignments} ${x} WHERE ${x.ticketId} = ${ticket} AND ${x.resourceId} = ${resource}
    AND ${barredReason(sql`${x.status}`, ticketStatus)} IS NOT NULL)`;

export interface MatchOptions {
  now: Date;
  /** Candidates per ticket, 1–50. */
  first: number;
  kind?: ResourceKind | undefined;
  availableNow?: boolean | undefined;
  maxDistanceMeters?: number | undefined;
  /**
   * Score every eligible resource instead of the index-found pool: the benchmark's baseline for
   * what the pool saves. Same answers when the pool holds the best candidates.
   */
  exhaustive?: boolean | undefined;
}

export interface MatchRow {
  ticketPk: number;
  resourcePk: number;
  score: number;
  /** null when the ticket has no category yet (fit unknown). */
  capabilityFit: number | null;
  matchedCapabilities: string[];
  distanceMeters: number;
  inClaimedZone: boolean;
  inServiceArea: boolean;
  load: number;
  capacity: number;
  availableNow: boolean;
  nextAvailableAt: Date | null;
  recordSample: number;
  onTimeRate: number | null;
  satisfaction: number | null;
  /** Whether the record counted (sample ≥ MIN_RECORD_SAMPLE). */
  recordCounts: boolean;
  points: {
    availability: number;
    capability: number;
    distance: number;
    zone: number;
    load: number;
    record: number;
  };
}

/**
 * Ranked candidates for each ticket, best first: capable (shares at least one of the category's
 * capabilities), under capacity, not declined or already on the ticket, and within the filters.
 */
export async function matchTickets(
  database: Database,
  ticketPks: number[],
  o: MatchOptions,
): Promise<MatchRow[]> {
  if (ticketPks.length === 0) return [];
  return database.rows<MatchRow>(matchSql(ticketPks, o));
}

/** The one statement behind matchTickets (exported for EXPLAIN in the benchmark). */
export function matchSql(ticketPks: number[], o: MatchOptions): SQL {
  const now = sql`${o.now.toISOString()}::timestamptz`;
  const pool = Math.max(2 * o.first, 20);
  const eligible = sql`
    ${dispatchable(s)}
    AND (cardinality(t.needs) = 0 OR ${s.capabilities} && t.needs)
    ${o.kind ? sql`AND ${s.kind} = ${o.kind}` : sql``}
    ${
      o.maxDistanceMeters !== undefined
        ? sql`AND ST_DWithin(${s.location}::geography, ${t.location}::geography, ${o.maxDistanceMeters}::float8)`
        : sql``
    }
    ${o.availableNow ? sql`AND yitu_available_at(${s.availability}, ${now})` : sql``}
    AND NOT ${barredFromTicket(sql`${t.id}`, sql`${t.status}`, sql`${s.id}`)}
    AND ${loadOf(sql`${s.id}`)} < ${s.capacity}`;
  const W = WEIGHTS;
  return sql`
    WITH t AS (
      SELECT ${t.id}, ${t.status}, ${t.location}, ${t.gridId}, ${t.compoundId}, COALESCE(${cat.capabilities}, '{}'::text[]) AS needs
      FROM ${tickets} ${t} LEFT JOIN ${categories} ${cat} ON ${cat.code} = ${t.categoryCode}
      WHERE ${t.id} = ANY(${intArray(ticketPks)}::int[])
    )
    SELECT ${t.id} AS "ticketPk", m.* FROM t CROSS JOIN LATERAL (
      SELECT ${s.id} AS "resourcePk", round(p.total::numeric, 2)::float8 AS score,
        c.fit AS "capabilityFit", c.matched AS "matchedCapabilities", c.distance AS "distanceMeters",
        c.claimed AS "inClaimedZone", c.in_area AS "inServiceArea", c.load, ${s.capacity},
        c.next_at = ${now} AS "availableNow", c.next_at AS "nextAvailableAt",
        r.n AS "recordSample", r.on_time AS "onTimeRate", r.sat AS "satisfaction",
        r.n >= ${MIN_RECORD_SAMPLE} AS "recordCounts",
        json_build_object('availability', p.availability, 'capability', round(p.capability::numeric, 2),
          'distance', round(p.distance::numeric, 2), 'zone', p.zone, 'load', round(p.load::numeric, 2),
          'record', round(p.record::numeric, 2)) AS points
      FROM (${
        o.exhaustive
          ? sql`SELECT ${s.id} FROM ${resources} ${s} WHERE ${eligible}`
          : sql`
        (SELECT ${s.id} FROM ${resources} ${s} WHERE ${eligible}
         ORDER BY ${s.location} <-> ${t.location} LIMIT ${pool})
        UNION
        (SELECT ${s.id} FROM ${resources} ${s} WHERE ${eligible}
           AND yitu_available_at(${s.availability}, ${now})
         ORDER BY ${s.location} <-> ${t.location} LIMIT ${pool})
        UNION
        (SELECT ${s.id} FROM ${resources} ${s} WHERE ${eligible} AND cardinality(t.needs) > 1
           -- Beyond ~3 km (0.03°) the distance points lost outweigh the full fit's gain; the box
           -- lets the planner combine the GIN (capabilities) and GiST (location) indexes.
           AND ${s.capabilities} @> t.needs AND ${s.location} && ST_Expand(${t.location}, 0.03)
         ORDER BY ${s.location} <-> ${t.location} LIMIT ${pool})
        UNION
        (SELECT ${s.id} FROM ${resources} ${s} WHERE ${eligible} AND ST_Covers(${s.serviceArea}, ${t.location})
         ORDER BY ${s.location} <-> ${t.location} LIMIT ${pool})
        UNION
        (SELECT ${s.id} FROM ${resourceClaims} ${k} JOIN ${resources} ${s} ON ${s.id} = ${k.resourceId}
         WHERE (${k.gridId} = ${t.gridId} OR ${k.compoundId} = ${t.compoundId}) AND ${eligible})`
      }) pool
      JOIN ${resources} ${s} ON ${s.id} = pool.id
      CROSS JOIN LATERAL (SELECT
        CASE WHEN cardinality(t.needs) = 0 THEN NULL
          ELSE (SELECT count(*) FROM unnest(t.needs) n WHERE n = ANY(${s.capabilities}))::float8 / cardinality(t.needs)
        END AS fit,
        ARRAY(SELECT n FROM unnest(t.needs) n WHERE n = ANY(${s.capabilities}) ORDER BY n) AS matched,
        ST_Distance(${s.location}::geography, ${t.location}::geography) AS distance,
        EXISTS (SELECT 1 FROM ${resourceClaims} ${k} WHERE ${k.resourceId} = ${s.id}
          AND (${k.gridId} = ${t.gridId} OR ${k.compoundId} = ${t.compoundId})) AS claimed,
        COALESCE(ST_Covers(${s.serviceArea}, ${t.location}), false) AS in_area,
        ${loadOf(sql`${s.id}`)} AS load,
        CASE WHEN yitu_available_at(${s.availability}, ${now}) THEN ${now}
          ELSE yitu_next_available(${s.availability}, ${now}) END AS next_at
      ) c
      CROSS JOIN LATERAL (
        SELECT count(*)::int AS n,
          avg(CASE WHEN ${u.resolveBy} IS NULL THEN NULL WHEN ${u.resolvedAt} <= ${u.resolveBy} THEN 1.0 ELSE 0.0 END)::float8 AS on_time,
          avg(${u.satisfaction})::float8 AS sat
        FROM ${ticketAssignments} ${a} JOIN ${tickets} ${u} ON ${u.id} = ${a.ticketId}
        WHERE ${a.resourceId} = ${s.id} AND ${a.status} IN ('ACCEPTED', 'RELEASED') AND ${u.resolvedAt} IS NOT NULL
      ) r
      CROSS JOIN LATERAL (SELECT
        CASE WHEN c.next_at = ${now} THEN ${W.availableNow} ELSE 0 END AS availability,
        ${W.capability}::float8 * COALESCE(c.fit, 0) AS capability,
        ${W.distance}::float8 / (1 + c.distance / 1000) AS distance,
        CASE WHEN c.claimed THEN ${W.claimedZone} WHEN c.in_area THEN ${W.serviceArea} ELSE 0 END AS zone,
        ${W.load}::float8 * (1 - c.load::float8 / greatest(${s.capacity}, 1)) AS load,
        ${W.record}::float8 * CASE WHEN r.n < ${MIN_RECORD_SAMPLE} THEN 0.5
          ELSE (COALESCE(r.on_time, 0.5) + COALESCE((r.sat - 1) / 4, COALESCE(r.on_time, 0.5))) / 2 END AS record
      ) p0
      CROSS JOIN LATERAL (SELECT p0.*,
        p0.availability + p0.capability + p0.distance + p0.zone + p0.load + p0.record AS total) p
      ORDER BY p.total DESC, c.next_at NULLS LAST, c.distance, ${s.id}
      LIMIT ${o.first}
    ) m
    ORDER BY ${t.id}, m.score DESC, m."nextAvailableAt" NULLS LAST, m."distanceMeters", m."resourcePk"`;
}
