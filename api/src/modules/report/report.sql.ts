import { sql, type SQL } from 'drizzle-orm';
import { t } from '../ticket/ticket-sql';
import type { Period } from './period';

// The figures of a set of tickets over periods, in ONE statement: every formula below is the
// one the GraphQL descriptions (report.type.ts) and the monthly assessment state. Periods are
// [from, to) on Beijing time (period.ts). What happened when is read from ticket_events (a close,
// a rating, a return visit, an escalation, a reopen, a suspension, a failed verification: each
// an event with its time), what a ticket is from its row (reported_at, accepted_at, resolve_by,
// resolved_at = its last resolution, level = where it stands, channel, duplicate_of_id).
//
//   received 受理量        tickets reported in the period (duplicates included)
//   accepted 受理           tickets accepted (accepted_at) in the period
//   dispatched 派单         tickets dispatched (a DISPATCH event) in the period, each once
//   resolved 处置           tickets resolved (a RESOLVE event) in the period, each once
//   verified 核查           tickets that passed verification (VERIFY_PASS) in the period, each once
//   closed 办结数          tickets closed (a CLOSE event) in the period, each once
//   due 应结案数            tickets whose resolve-by deadline falls in the period, not rejected as
//                          duplicates and not transferred out
//   suspendedDue 缓办数     due tickets suspended (缓办, a SUSPEND event) before the period's end
//   closedDue              due tickets not suspended, closed before the period's end
//   closedOnTime 按期结案数 closedDue tickets resolved (resolved_at) by their resolve-by deadline
//   办结率 resolutionRate   = closedDue ÷ (due − suspendedDue)
//   按期办结率 onTimeRate   = closedOnTime ÷ (due − suspendedDue)
//   返工率 reworkRate       = closed tickets that failed verification (VERIFY_FAIL) before the
//                            period's end ÷ closed
//   满意率 satisfactionRate = residents' own ratings (FEEDBACK) of 4–5 given in the period ÷ those
//                            ratings; staff return visits (RETURN_VISIT) are counted apart:
//   回访满意率              = return visits in the period answered 4–5 ÷ return visits
//   response hours          accepted_at − reported_at of the tickets accepted in the period
//   resolution hours        resolved_at − reported_at of the tickets closed in the period
//                           (calendar hours, mean and median)
//   escalations             ESCALATE events in the period, by the level reached
//   resolution histogram   the same hours of the tickets closed in the period, counted in the
//                           buckets of RESOLUTION_BUCKETS (hours, from included, to excluded)
//   closed at a level       tickets closed in the period by the level they stand at
//                           (小事不出院落: compound / community / street / department) ÷ closed
//   reopened                tickets reopened (REOPEN) in the period
//   duplicates              tickets reported in the period and rejected as duplicates
//   by channel              tickets reported in the period through QR / PATROL / HOTLINE / STAFF

export const CHANNELS = ['QR', 'PATROL', 'HOTLINE', 'STAFF'] as const;
export const LEVELS = ['COMPOUND', 'COMMUNITY', 'STREET', 'DEPARTMENT'] as const;
/** Time-to-close buckets in hours, [from, to): ≤1 day, 1–3, 3–5, 5–7, 7–10 days, 10 days on. */
export const RESOLUTION_BUCKETS: readonly [number, number | null][] = [
  [0, 24],
  [24, 72],
  [72, 120],
  [120, 168],
  [168, 240],
  [240, null],
];

/**
 * One row per period (k: its index in `periods`) for the whole set (`whole`), and with a unit
 * expression one more per period and unit (`unit` as text; null for tickets without one).
 */
export interface FigureRow {
  k: number;
  whole: boolean;
  unit: string | null;
  received: number;
  accepted: number;
  dispatched: number;
  resolved: number;
  verified: number;
  closed: number;
  due: number;
  suspendedDue: number;
  closedDue: number;
  closedOnTime: number;
  resolutionRate: number | null;
  onTimeRate: number | null;
  reworked: number;
  reworkRate: number | null;
  residentRatings: number;
  residentSatisfied: number;
  satisfactionRate: number | null;
  returnVisits: number;
  returnVisitsSatisfied: number;
  returnVisitSatisfactionRate: number | null;
  meanResponseHours: number | null;
  medianResponseHours: number | null;
  meanResolutionHours: number | null;
  medianResolutionHours: number | null;
  escalatedToCommunity: number;
  escalatedToStreet: number;
  escalatedToDepartment: number;
  closedAtCompound: number;
  closedAtCommunity: number;
  closedAtStreet: number;
  closedAtDepartment: number;
  reopened: number;
  duplicates: number;
  channelQr: number;
  channelPatrol: number;
  channelHotline: number;
  channelStaff: number;
  /** Tickets closed in the period per RESOLUTION_BUCKETS bucket: closedWithin0, closedWithin1… */
  [bucket: `closedWithin${number}`]: number;
}

const camel = (s: string) => s[0] + s.slice(1).toLowerCase();
const hours = (a: SQL, b: SQL) => sql`extract(epoch FROM ${a} - ${b}) / 3600`;
const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/**
 * The statement: tickets `t` where `where` holds (the place, the category, the viewer's scope),
 * over each period; with `unit` (an expression over `t`: the street, community or grid a ticket
 * counts for) also per unit, in the same scan (GROUPING SETS), so an assessment's indicator
 * table and its rankings read the tickets and their events once.
 */
export function figuresSql(where: SQL, periods: readonly Period[], unit?: SQL): SQL {
  const end = new Date(Math.max(...periods.map((p) => p.to.getTime())));
  const values = sql.join(
    periods.map((p, i) => sql`(${i}::int, ${ts(p.from)}, ${ts(p.to)})`),
    sql`, `,
  );
  const fromFacts = sql`(t.suspended_at IS NULL OR t.suspended_at >= p.u)`;
  const due = sql`t.resolve_by >= p.f AND t.resolve_by < p.u AND t.duplicate_of_id IS NULL AND t.status <> 'TRANSFERRED'`;
  const closedDue = sql`${due} AND ${fromFacts} AND t.first_closed_at < p.u`;
  const received = sql`t.reported_at >= p.f`;
  const accepted = sql`t.accepted_at >= p.f AND t.accepted_at < p.u`;
  const rate = (num: string, den: SQL) => sql`(${sql.identifier(num)}::float8 / NULLIF(${den}, 0))`;
  // the whole set's rows and, with a unit, each unit's; joined on (k, whole, ukey), where ukey
  // is never null (a ticket without a unit is in the '' unit) so the full joins below match
  const groups = unit ? sql`GROUPING SETS ((p.k), (p.k, t.unit))` : sql`p.k`;
  const keys = unit
    ? sql`p.k, GROUPING(t.unit) = 1 AS whole, COALESCE(t.unit::text, '') AS ukey`
    : sql`p.k, true AS whole, '' AS ukey`;
  return sql`
    WITH periods (k, f, u) AS (VALUES ${values}),
    tk AS (
      SELECT ${t.id} AS id, ${unit ?? sql`NULL`} AS unit, ${t.reportedAt} AS reported_at, ${t.acceptedAt} AS accepted_at,
        ${t.resolvedAt} AS resolved_at, ${t.resolveBy} AS resolve_by, ${t.level} AS level,
        ${t.channel} AS channel, ${t.duplicateOfId} AS duplicate_of_id, ${t.status} AS status
      FROM tickets ${t} WHERE ${where} AND ${t.reportedAt} < ${ts(end)}),
    ev AS (
      SELECT e.ticket_id, e.type, e.at, e.data FROM ticket_events e
      WHERE e.ticket_id IN (SELECT id FROM tk) AND e.at < ${ts(end)}
        AND e.type IN ('SUSPEND', 'VERIFY_FAIL', 'CLOSE', 'FEEDBACK', 'RETURN_VISIT', 'ESCALATE', 'REOPEN',
          'DISPATCH', 'RESOLVE', 'VERIFY_PASS')),
    facts AS (
      SELECT tk.*, x.suspended_at, x.reworked_at, x.first_closed_at
      FROM tk LEFT JOIN (
        SELECT ticket_id, min(at) FILTER (WHERE type = 'SUSPEND') AS suspended_at,
          min(at) FILTER (WHERE type = 'VERIFY_FAIL') AS reworked_at,
          min(at) FILTER (WHERE type = 'CLOSE') AS first_closed_at
        FROM ev GROUP BY ticket_id) x ON x.ticket_id = tk.id),
    by_ticket AS (
      SELECT ${keys},
        count(*) FILTER (WHERE ${received})::int AS received,
        count(*) FILTER (WHERE ${accepted})::int AS accepted,
        count(*) FILTER (WHERE ${due})::int AS due,
        count(*) FILTER (WHERE ${due} AND NOT ${fromFacts})::int AS "suspendedDue",
        count(*) FILTER (WHERE ${closedDue})::int AS "closedDue",
        count(*) FILTER (WHERE ${closedDue} AND t.resolved_at <= t.resolve_by)::int AS "closedOnTime",
        avg(${hours(sql`t.accepted_at`, sql`t.reported_at`)}) FILTER (WHERE ${accepted})::float8 AS "meanResponseHours",
        percentile_cont(0.5) WITHIN GROUP (ORDER BY ${hours(sql`t.accepted_at`, sql`t.reported_at`)})
          FILTER (WHERE ${accepted})::float8 AS "medianResponseHours",
        count(*) FILTER (WHERE ${received} AND t.duplicate_of_id IS NOT NULL)::int AS duplicates,
        ${sql.join(
          CHANNELS.map(
            (c) =>
              sql`count(*) FILTER (WHERE ${received} AND t.channel = ${c})::int AS ${sql.identifier(`channel${camel(c)}`)}`,
          ),
          sql`, `,
        )}
      FROM periods p JOIN facts t ON t.reported_at < p.u
      GROUP BY ${groups}),
    closes AS (
      SELECT DISTINCT p.k, p.u, e.ticket_id FROM ev e JOIN periods p ON e.at >= p.f AND e.at < p.u
      WHERE e.type = 'CLOSE'),
    by_close AS (
      SELECT ${keys}, count(*)::int AS closed,
        count(*) FILTER (WHERE t.reworked_at < p.u)::int AS reworked,
        ${sql.join(
          LEVELS.map(
            (l) =>
              sql`count(*) FILTER (WHERE t.level = ${l})::int AS ${sql.identifier(`closedAt${camel(l)}`)}`,
          ),
          sql`, `,
        )},
        ${sql.join(
          RESOLUTION_BUCKETS.map(([from, to], i) => {
            const h = hours(sql`t.resolved_at`, sql`t.reported_at`);
            const upTo = to === null ? sql`` : sql` AND ${h} < ${sql.raw(String(to))}`;
            return sql`count(*) FILTER (WHERE ${h} >= ${sql.raw(String(from))}${upTo})::int AS ${sql.identifier(`closedWithin${i}`)}`;
          }),
          sql`, `,
        )},
        avg(${hours(sql`t.resolved_at`, sql`t.reported_at`)})::float8 AS "meanResolutionHours",
        percentile_cont(0.5) WITHIN GROUP (ORDER BY ${hours(sql`t.resolved_at`, sql`t.reported_at`)})::float8
          AS "medianResolutionHours"
      FROM closes p JOIN facts t ON t.id = p.ticket_id
      GROUP BY ${groups}),
    by_event AS (
      SELECT ${keys},
        count(*) FILTER (WHERE e.type = 'FEEDBACK')::int AS "residentRatings",
        count(*) FILTER (WHERE e.type = 'FEEDBACK' AND (e.data->>'rating')::int >= 4)::int AS "residentSatisfied",
        count(*) FILTER (WHERE e.type = 'RETURN_VISIT')::int AS "returnVisits",
        count(*) FILTER (WHERE e.type = 'RETURN_VISIT' AND (e.data->>'rating')::int >= 4)::int AS "returnVisitsSatisfied",
        ${sql.join(
          LEVELS.slice(1).map(
            (l) =>
              sql`count(*) FILTER (WHERE e.type = 'ESCALATE' AND e.data->>'toLevel' = ${l})::int AS ${sql.identifier(`escalatedTo${camel(l)}`)}`,
          ),
          sql`, `,
        )},
        count(DISTINCT e.ticket_id) FILTER (WHERE e.type = 'REOPEN')::int AS reopened,
        count(DISTINCT e.ticket_id) FILTER (WHERE e.type = 'DISPATCH')::int AS dispatched,
        count(DISTINCT e.ticket_id) FILTER (WHERE e.type = 'RESOLVE')::int AS resolved,
        count(DISTINCT e.ticket_id) FILTER (WHERE e.type = 'VERIFY_PASS')::int AS verified
      FROM periods p JOIN ev e ON e.at >= p.f AND e.at < p.u JOIN tk t ON t.id = e.ticket_id
      GROUP BY ${groups}),
    joined AS (
      SELECT k, whole, CASE WHEN whole OR ukey = '' THEN NULL ELSE ukey END AS unit, ${sql.join(
        [
          'received',
          'accepted',
          'due',
          'suspendedDue',
          'closedDue',
          'closedOnTime',
          'duplicates',
          ...CHANNELS.map((c) => `channel${camel(c)}`),
          'closed',
          'reworked',
          ...LEVELS.map((l) => `closedAt${camel(l)}`),
          'residentRatings',
          'residentSatisfied',
          'returnVisits',
          'returnVisitsSatisfied',
          ...LEVELS.slice(1).map((l) => `escalatedTo${camel(l)}`),
          'reopened',
          'dispatched',
          'resolved',
          'verified',
          ...RESOLUTION_BUCKETS.map((_, i) => `closedWithin${i}`),
        ].map((n) => sql`COALESCE(${sql.identifier(n)}, 0) AS ${sql.identifier(n)}`),
        sql`, `,
      )}, "meanResponseHours", "medianResponseHours", "meanResolutionHours", "medianResolutionHours"
      FROM by_ticket FULL JOIN by_close USING (k, whole, ukey) FULL JOIN by_event USING (k, whole, ukey))
    SELECT *,
      ${rate('closedDue', sql`due - "suspendedDue"`)} AS "resolutionRate",
      ${rate('closedOnTime', sql`due - "suspendedDue"`)} AS "onTimeRate",
      ${rate('reworked', sql`closed`)} AS "reworkRate",
      ${rate('residentSatisfied', sql`"residentRatings"`)} AS "satisfactionRate",
      ${rate('returnVisitsSatisfied', sql`"returnVisits"`)} AS "returnVisitSatisfactionRate"
    FROM joined ORDER BY k, whole DESC, unit`;
}

/** One category's tickets reported in each period (k: its index in `periods`); code null: 未分类. */
export interface CategoryRow {
  code: string | null;
  name: string | null;
  counts: number[];
}

/**
 * Tickets reported in each period by category (duplicates included, as `received`), most in the
 * first period first: the by-category breakdown of a report, in one statement.
 */
export function categoriesSql(where: SQL, periods: readonly Period[]): SQL {
  const values = sql.join(
    periods.map((p, i) => sql`(${i}::int, ${ts(p.from)}, ${ts(p.to)})`),
    sql`, `,
  );
  return sql`
    WITH periods (k, f, u) AS (VALUES ${values})
    SELECT ${t.categoryCode} AS code, c.name_zh AS name,
      ARRAY[${sql.join(
        periods.map((_, i) => sql`count(*) FILTER (WHERE p.k = ${sql.raw(String(i))})::int`),
        sql`, `,
      )}] AS counts
    FROM periods p JOIN tickets ${t} ON ${t.reportedAt} >= p.f AND ${t.reportedAt} < p.u
    LEFT JOIN categories c ON c.code = ${t.categoryCode}
    WHERE ${where}
    GROUP BY ${t.categoryCode}, c.name_zh
    ORDER BY 3 DESC, 1 NULLS LAST`;
}

/** One cell of the heat map: where its tickets are (their centroid, WGS84) and how many. */
export interface HeatRow {
  lon: number;
  lat: number;
  count: number;
}

/** Cells a heat map returns at most (the densest). */
export const MAX_HEAT_CELLS = 5000;

/**
 * The tickets reported in a period where `where` holds, gathered by PostGIS into square cells
 * of `cellMeters` Web Mercator metres (ST_SnapToGrid): each cell's centroid and count.
 */
export function heatSql(where: SQL, period: Period, cellMeters: number): SQL {
  return sql`
    SELECT ST_X(c)::float8 AS lon, ST_Y(c)::float8 AS lat, n AS count,
      -- every ticket of the period, also those in cells past the limit
      (sum(n) OVER ())::int AS total FROM (
      SELECT ST_Centroid(ST_Collect(${t.location})) AS c, count(*)::int AS n
      FROM tickets ${t}
      WHERE ${where} AND ${t.reportedAt} >= ${ts(period.from)} AND ${t.reportedAt} < ${ts(period.to)}
      GROUP BY ST_SnapToGrid(ST_Transform(${t.location}, 3857), ${sql.raw(String(cellMeters))}::float8)
    ) cells
    ORDER BY n DESC, lon, lat
    LIMIT ${MAX_HEAT_CELLS}`;
}
