import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db';
import { badInput, notFound } from '../../errors';
import { regionAndBelow } from '../../graphql/filter';
import { t } from '../ticket/ticket-sql';
import { lastYearPeriod, previousPeriod, type Period } from './period';
import {
  categoriesSql,
  CHANNELS,
  figuresSql,
  heatSql,
  LEVELS,
  RESOLUTION_BUCKETS,
  type CategoryRow,
  type FigureRow,
  type HeatRow,
} from './report.sql';

// Period reports over places. No GraphQL here: the resolver decodes ids and hands the viewer's
// scope (auth/policy.ts ticketScope) in; this module only counts.

export const PLACE_KINDS = ['Region', 'Compound', 'Grid', 'PropertyCompany', 'Resource'] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];

export interface Place {
  kind: PlaceKind;
  pk: number;
  name: string;
  /** Region level, for regions. */
  level: string | null;
  /** The communities whose tickets the place holds (regions, compounds, grids); null: any. */
  communityPks: number[] | null;
  /** A grid's own id, for grid workers' jurisdiction. */
  gridPk: number | null;
  /** The tickets of the place, as a condition on tickets `t`. */
  where: SQL;
}

/** A place by kind and key, with what the policy and the statement need; NOT_FOUND if none. */
export async function placeOf(database: Database, kind: PlaceKind, pk: number): Promise<Place> {
  const one = async <T>(query: SQL) => {
    const [row] = await database.rows<T>(query);
    if (!row) throw notFound(`${kind} ${pk}`);
    return row;
  };
  switch (kind) {
    case 'Region': {
      const row = await one<{ name: string; level: string; communityPks: number[] }>(sql`
        SELECT name, level, ARRAY(SELECT id FROM regions WHERE level = 'COMMUNITY'
          AND id IN ${regionAndBelow(pk)} ORDER BY id) AS "communityPks"
        FROM regions WHERE id = ${pk}`);
      return {
        kind,
        pk,
        name: row.name,
        level: row.level,
        communityPks: row.communityPks.map(Number),
        gridPk: null,
        where: sql`${t.communityId} IN ${regionAndBelow(pk)}`,
      };
    }
    case 'Compound': {
      const row = await one<{ name: string; communityPk: number }>(
        sql`SELECT name, community_id AS "communityPk" FROM compounds WHERE id = ${pk}`,
      );
      return {
        kind,
        pk,
        name: row.name,
        level: null,
        communityPks: [row.communityPk],
        gridPk: null,
        where: sql`${t.compoundId} = ${pk}`,
      };
    }
    case 'Grid': {
      const row = await one<{ name: string; communityPk: number; micro: boolean }>(sql`
        SELECT name, community_id AS "communityPk", parent_id IS NOT NULL AS micro FROM grids WHERE id = ${pk}`);
      // tickets record their top-level grid; a micro-grid's are those its shape covers
      const where = row.micro
        ? sql`ST_Covers((SELECT boundary FROM grids WHERE id = ${pk}), ${t.location})`
        : sql`${t.gridId} = ${pk}`;
      return {
        kind,
        pk,
        name: row.name,
        level: null,
        communityPks: [row.communityPk],
        gridPk: pk,
        where,
      };
    }
    case 'PropertyCompany': {
      const row = await one<{ name: string }>(
        sql`SELECT name FROM property_companies WHERE id = ${pk}`,
      );
      return {
        kind,
        pk,
        name: row.name,
        level: null,
        communityPks: null,
        gridPk: null,
        where: sql`${t.compoundId} IN (SELECT id FROM compounds WHERE property_company_id = ${pk})`,
      };
    }
    case 'Resource': {
      // a department (职能部门) is a resource of kind DEPARTMENT: its tickets are those sent to it
      const row = await one<{ name: string }>(sql`SELECT name FROM resources WHERE id = ${pk}`);
      return {
        kind,
        pk,
        name: row.name,
        level: null,
        communityPks: null,
        gridPk: null,
        where: sql`${t.id} IN (SELECT ticket_id FROM ticket_assignments WHERE resource_id = ${pk} AND status <> 'DECLINED')`,
      };
    }
  }
}

/** A category's condition and name; BAD_USER_INPUT for an unknown code. */
export async function categoryOf(database: Database, code: string) {
  const [row] = await database.rows<{ name: string }>(
    sql`SELECT name_zh AS name FROM categories WHERE code = ${code}`,
  );
  if (!row) throw badInput('categoryCode', 'UNKNOWN_CATEGORY', `no category ${code}`);
  return { name: row.name, where: sql`${t.categoryCode} = ${code}` };
}

/**
 * The tickets a report counts: those in the viewer's `scope`, of the place and the category
 * asked (either may be absent), and the words that name them ("东园社区 · 设施维修").
 */
export async function countedTickets(
  database: Database,
  scope: SQL,
  place: Place | null,
  categoryCode: string | null | undefined,
): Promise<{ where: SQL; subject: string }> {
  const category = categoryCode ? await categoryOf(database, categoryCode) : null;
  return {
    where: sql.join(
      [scope, place?.where, category?.where].filter((c) => c !== undefined),
      sql` AND `,
    ),
    subject: [place?.name ?? '全部', category?.name].filter(Boolean).join(' · '),
  };
}

const camel = (s: string) => s[0] + s.slice(1).toLowerCase();

const ZERO: Omit<FigureRow, 'k' | 'whole' | 'unit'> = {
  received: 0,
  accepted: 0,
  dispatched: 0,
  resolved: 0,
  verified: 0,
  closed: 0,
  due: 0,
  suspendedDue: 0,
  closedDue: 0,
  closedOnTime: 0,
  resolutionRate: null,
  onTimeRate: null,
  reworked: 0,
  reworkRate: null,
  residentRatings: 0,
  residentSatisfied: 0,
  satisfactionRate: null,
  returnVisits: 0,
  returnVisitsSatisfied: 0,
  returnVisitSatisfactionRate: null,
  meanResponseHours: null,
  medianResponseHours: null,
  meanResolutionHours: null,
  medianResolutionHours: null,
  escalatedToCommunity: 0,
  escalatedToStreet: 0,
  escalatedToDepartment: 0,
  closedAtCompound: 0,
  closedAtCommunity: 0,
  closedAtStreet: 0,
  closedAtDepartment: 0,
  reopened: 0,
  duplicates: 0,
  channelQr: 0,
  channelPatrol: 0,
  channelHotline: 0,
  channelStaff: 0,
  ...Object.fromEntries(RESOLUTION_BUCKETS.map((_, i) => [`closedWithin${i}`, 0])),
};

export interface Figures {
  period: { label: string; from: Date; to: Date };
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
  resolutionHistogram: { fromHours: number; toHours: number | null; count: number }[];
  escalations: { level: string; count: number; share: number | null }[];
  closedByLevel: { level: string; count: number; share: number | null }[];
  reopened: number;
  duplicates: number;
  byChannel: { channel: string; count: number }[];
}

/** A statement's row (or none: nothing counted) as the figures of a period. */
export function figuresOf(period: Period, found: FigureRow | undefined): Figures {
  const row = { ...ZERO, ...found };
  const num = (v: number | string | null) => (v === null ? null : Number(v));
  const record = row as unknown as Record<string, number>;
  return {
    period: { label: period.label, from: period.from, to: period.to },
    received: row.received,
    accepted: row.accepted,
    dispatched: row.dispatched,
    resolved: row.resolved,
    verified: row.verified,
    closed: row.closed,
    due: row.due,
    suspendedDue: row.suspendedDue,
    closedDue: row.closedDue,
    closedOnTime: row.closedOnTime,
    resolutionRate: num(row.resolutionRate),
    onTimeRate: num(row.onTimeRate),
    reworked: row.reworked,
    reworkRate: num(row.reworkRate),
    residentRatings: row.residentRatings,
    residentSatisfied: row.residentSatisfied,
    satisfactionRate: num(row.satisfactionRate),
    returnVisits: row.returnVisits,
    returnVisitsSatisfied: row.returnVisitsSatisfied,
    returnVisitSatisfactionRate: num(row.returnVisitSatisfactionRate),
    meanResponseHours: num(row.meanResponseHours),
    medianResponseHours: num(row.medianResponseHours),
    meanResolutionHours: num(row.meanResolutionHours),
    medianResolutionHours: num(row.medianResolutionHours),
    resolutionHistogram: RESOLUTION_BUCKETS.map(([fromHours, toHours], i) => ({
      fromHours,
      toHours,
      count: record[`closedWithin${i}`]!,
    })),
    escalations: LEVELS.slice(1).map((level) => ({
      level,
      count: record[`escalatedTo${camel(level)}`]!,
      share: null,
    })),
    closedByLevel: LEVELS.map((level) => {
      const count = record[`closedAt${camel(level)}`]!;
      return { level, count, share: row.closed === 0 ? null : count / row.closed };
    }),
    reopened: row.reopened,
    duplicates: row.duplicates,
    byChannel: CHANNELS.map((channel) => ({ channel, count: record[`channel${camel(channel)}`]! })),
  };
}

export interface PeriodReportData {
  subject: string;
  current: Figures;
  previous: Figures;
  lastYear: Figures;
  /** What was counted, for the by-category breakdown (asked for apart). */
  counted: { where: SQL; periods: Period[] };
}

/** The figures of the tickets where `where` holds over a period, the one before, and a year ago. */
export async function periodReport(
  database: Database,
  subject: string,
  where: SQL,
  period: Period,
): Promise<PeriodReportData> {
  const periods = [period, previousPeriod(period), lastYearPeriod(period)];
  const rows = await database.rows<FigureRow>(figuresSql(where, periods));
  const [current, previous, lastYear] = periods.map((p, k) =>
    figuresOf(
      p,
      rows.find((row) => row.whole && row.k === k),
    ),
  ) as [Figures, Figures, Figures];
  return { subject, current, previous, lastYear, counted: { where, periods } };
}

export interface CategoryFigures {
  code: string | null;
  name: string;
  current: number;
  previous: number;
  lastYear: number;
}

/** A report's tickets received by category, in its period, the one before and a year ago. */
export async function categoryBreakdown(
  database: Database,
  counted: PeriodReportData['counted'],
): Promise<CategoryFigures[]> {
  const rows = await database.rows<CategoryRow>(categoriesSql(counted.where, counted.periods));
  return rows.map((r) => ({
    code: r.code,
    name: r.name ?? '未分类',
    current: Number(r.counts[0]),
    previous: Number(r.counts[1]),
    lastYear: Number(r.counts[2]),
  }));
}

export const HEAT_CELL_METERS = { min: 20, max: 5000, default: 150 } as const;

/** The tickets reported in a period where `where` holds, as heat-map cells (PostGIS counts). */
export async function ticketHeat(
  database: Database,
  where: SQL,
  period: Period,
  cellMeters: number = HEAT_CELL_METERS.default,
): Promise<{ cellMeters: number; total: number; max: number; cells: HeatRow[] }> {
  if (
    !Number.isInteger(cellMeters) ||
    cellMeters < HEAT_CELL_METERS.min ||
    cellMeters > HEAT_CELL_METERS.max
  )
    throw badInput(
      'cellMeters',
      'OUT_OF_RANGE',
      `cellMeters must be ${HEAT_CELL_METERS.min}–${HEAT_CELL_METERS.max}, got ${cellMeters}`,
    );
  const rows = await database.rows<HeatRow & { total: number }>(heatSql(where, period, cellMeters));
  const cells = rows.map((c) => ({
    lon: Number(c.lon),
    lat: Number(c.lat),
    count: Number(c.count),
  }));
  return {
    cellMeters,
    total: rows[0] ? Number(rows[0].total) : 0,
    max: cells.reduce((n, c) => Math.max(n, c.count), 0),
    cells,
  };
}
