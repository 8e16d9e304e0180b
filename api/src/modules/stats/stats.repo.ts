import { sql, type SQL } from 'drizzle-orm';
import type { Context } from '../../graphql/context';
import { alignOne, intArray, loadMany } from '../../graphql/loaders';
import { regionAndBelow } from '../../graphql/filter';
import { openTicket, overdueTicket } from '../ticket/ticket-sql';
import type { CategoryFigures, PlaceStats } from './stats.type';

// Staff return visits 回访 of the group's tickets (apart from the residents' own ratings): one
// look-up per group (array_agg belongs to the outer query), not one per ticket.
const returnVisits = (which: SQL) => sql`
  (SELECT count(*) FROM ticket_events v
   WHERE v.type = 'RETURN_VISIT' AND v.ticket_id = ANY(array_agg(t.id)) AND ${which})`;

// The figures over a set of tickets `t`, grouped by `key`. One formula for every kind of place,
// judged at the product's clock (what is overdue, what was due).
const figures = (now: Date) => sql`
  count(t.id)::int AS "totalTickets",
  count(t.id) FILTER (WHERE ${openTicket})::int AS "openTickets",
  count(t.id) FILTER (WHERE ${overdueTicket(now)})::int AS "overdueTickets",
  count(t.id) FILTER (WHERE t.status = 'CLOSED')::int AS "closedTickets",
  count(t.id) FILTER (WHERE t.status = 'SUSPENDED')::int AS "suspendedTickets",
  (count(t.id) FILTER (WHERE t.status = 'CLOSED'))::float8
    / NULLIF(count(t.id) FILTER (WHERE t.status <> 'SUSPENDED' AND t.status NOT IN ('REJECTED', 'TRANSFERRED')
                                  AND (t.status = 'CLOSED' OR t.resolve_by < ${now.toISOString()}::timestamptz)), 0) AS "resolutionRate",
  (count(t.id) FILTER (WHERE t.status = 'CLOSED' AND t.resolved_at <= t.resolve_by))::float8
    / NULLIF(count(t.id) FILTER (WHERE t.status = 'CLOSED'), 0) AS "onTimeRate",
  (count(t.id) FILTER (WHERE t.satisfaction >= 4))::float8
    / NULLIF(count(t.satisfaction), 0) AS "satisfactionRate",
  ${returnVisits(sql`true`)}::int AS "returnVisits",
  ${returnVisits(sql`(v.data->>'rating')::int >= 4`)}::float8
    / NULLIF(${returnVisits(sql`true`)}, 0) AS "returnVisitSatisfactionRate",
  (count(t.id) FILTER (WHERE t.status = 'CLOSED' AND EXISTS (
     SELECT 1 FROM ticket_events r WHERE r.ticket_id = t.id AND r.type IN ('VERIFY_FAIL'))))::float8
    / NULLIF(count(t.id) FILTER (WHERE t.status = 'CLOSED'), 0) AS "reworkRate",
  (avg(extract(epoch FROM t.accepted_at - t.reported_at)) / 3600)::float8 AS "meanResponseHours",
  (avg(extract(epoch FROM t.resolved_at - t.reported_at)) / 3600)::float8 AS "meanResolutionHours"`;

type Row = PlaceStats & { key: number };
const empty = (): PlaceStats => ({
  totalTickets: 0,
  openTickets: 0,
  overdueTickets: 0,
  closedTickets: 0,
  suspendedTickets: 0,
  resolutionRate: null,
  onTimeRate: null,
  satisfactionRate: null,
  returnVisits: 0,
  returnVisitSatisfactionRate: null,
  reworkRate: null,
  meanResponseHours: null,
  meanResolutionHours: null,
});

function statsLoader(ctx: Context, name: string, query: (keys: string) => SQL) {
  return ctx.loaders.get<number, PlaceStats>(`stats:${name}`, async (keys) => {
    const rows = await ctx.database.rows<Row>(query(intArray(keys)));
    return alignOne(keys, rows, (r) => r.key).map((r) => (r ? { ...r } : empty()));
  });
}

export const compoundStats = (ctx: Context, pk: number) =>
  statsLoader(
    ctx,
    'compound',
    (keys) => sql`
    SELECT c.id AS key, ${figures(ctx.now())}
    FROM compounds c LEFT JOIN tickets t ON t.compound_id = c.id
    WHERE c.id = ANY(${keys}::int[]) GROUP BY c.id`,
  ).load(pk);

export const gridStats = (ctx: Context, pk: number) =>
  // Tickets record their top-level grid; a micro-grid's tickets are those its shape covers.
  statsLoader(
    ctx,
    'grid',
    (keys) => sql`
    SELECT g.id AS key, ${figures(ctx.now())}
    FROM grids g LEFT JOIN tickets t ON t.grid_id = g.id
    WHERE g.id = ANY(${keys}::int[]) AND g.parent_id IS NULL GROUP BY g.id
    UNION ALL
    SELECT g.id AS key, ${figures(ctx.now())}
    FROM grids g LEFT JOIN tickets t ON ST_Covers(g.boundary, t.location)
    WHERE g.id = ANY(${keys}::int[]) AND g.parent_id IS NOT NULL GROUP BY g.id`,
  ).load(pk);

export const regionStats = (ctx: Context, pk: number) =>
  statsLoader(
    ctx,
    'region',
    (keys) => sql`
    SELECT r.id AS key, ${figures(ctx.now())}
    FROM regions r
    LEFT JOIN tickets t ON t.community_id IN ${regionAndBelow(sql`r.id`)}
    WHERE r.id = ANY(${keys}::int[]) GROUP BY r.id`,
  ).load(pk);

/** Figures per category for the tickets of regions (and everything below them), batched. */
export const figuresByCategory = (ctx: Context, regionPk: number) =>
  loadMany<PlaceStats & { key: number; categoryCode: string; categoryName: string }>(
    ctx,
    'stats:category',
    (keys) => sql`
      SELECT r.id AS key, c.code AS "categoryCode", c.name_zh AS "categoryName", ${figures(ctx.now())}
      FROM regions r CROSS JOIN categories c
      LEFT JOIN tickets t ON t.category_code = c.code AND t.community_id IN ${regionAndBelow(sql`r.id`)}
      WHERE r.id = ANY(${keys}::int[])
      GROUP BY r.id, c.code, c.name_zh ORDER BY r.id, c.code`,
    (row) => row.key,
    (row) => row,
  )(regionPk).then((rows): CategoryFigures[] =>
    rows.map(({ key: _key, categoryCode, categoryName, ...stats }) => ({
      categoryCode,
      categoryName,
      stats,
    })),
  );

/** A resource's record: the tickets it was dispatched to and did not decline. */
export const resourceStats = (ctx: Context, pk: number) =>
  statsLoader(
    ctx,
    'resource',
    (keys) => sql`
    SELECT r.id AS key, ${figures(ctx.now())}
    FROM resources r
    LEFT JOIN ticket_assignments a ON a.resource_id = r.id AND a.status <> 'DECLINED'
    LEFT JOIN tickets t ON t.id = a.ticket_id
    WHERE r.id = ANY(${keys}::int[]) GROUP BY r.id`,
  ).load(pk);
