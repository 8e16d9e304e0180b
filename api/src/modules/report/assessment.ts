import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db';
import { badInput, notFound } from '../../errors';
import { regionAndBelow } from '../../graphql/filter';
import { t } from '../ticket/ticket-sql';
import { lastYearPeriod, parsePeriod, periodEnded, previousPeriod, type Period } from './period';
import { figuresSql, type FigureRow } from './report.sql';
import { figuresOf, type Figures } from './report.service';

// The monthly assessment (月度考评) of a street or community, in the shape sent upward: a cover,
// the indicator table with each formula, the rankings of the units below, the categories that
// grew and the tickets overdue at the month's end with their owners. Generated for a closed
// month it is kept as it was (assessment_reports, migration 0020); regenerating adds a version
// and says what changed.

/** Units with fewer closed tickets in the month are shown as 样本不足 and not ranked. */
export const MIN_CLOSED_FOR_RANKING = 5;
/** The overdue list shows the longest overdue first, up to this many (the figures count all). */
export const MAX_OVERDUE = 200;
/** What changed between versions, up to this many values. */
export const MAX_CHANGES = 200;
/** Kept versions listed: the latest ones. */
export const MAX_VERSIONS = 20;
export const TIE_BREAK =
  '按期办结率高者在前；相同时满意率高者在前；再相同时办结数多者在前；仍相同按单位代码升序。' +
  '办结数少于最低样本数的单位标为“样本不足”，不参加排名。';

export interface Indicator {
  key: string;
  name: string;
  formula: string;
  unit: string;
  current: number | null;
  previous: number | null;
  lastYear: number | null;
}

export interface RankedUnit {
  code: string;
  name: string;
  received: number;
  closed: number;
  resolutionRate: number | null;
  onTimeRate: number | null;
  satisfactionRate: number | null;
  /** null: not ranked (note says why) */
  rank: number | null;
  note: string | null;
}

export interface GrownCategory {
  code: string;
  name: string;
  received: number;
  previousReceived: number;
  change: number;
}

export interface OverdueTicket {
  code: string;
  category: string | null;
  compound: string | null;
  level: string;
  owner: string | null;
  resolveBy: string;
  hoursOverdue: number;
}

export interface Assessment {
  unit: { code: string; name: string; level: string };
  period: { label: string; from: string; to: string };
  generatedAt: string;
  minClosed: number;
  tieBreak: string;
  indicators: Indicator[];
  rankings: RankedUnit[];
  categoriesGrown: GrownCategory[];
  overdue: OverdueTicket[];
}

type Pick = (f: Figures) => number | null;
const INDICATORS: [string, string, string, string, Pick][] = [
  ['received', '受理量', '本月上报的工单数（含重复件）', '件', (f) => f.received],
  ['closed', '办结数', '本月归档办结的工单数（每件计一次）', '件', (f) => f.closed],
  [
    'resolutionRate',
    '办结率',
    '应结案且月末前办结数 ÷ (应结案数 − 缓办数)',
    '%',
    (f) => f.resolutionRate,
  ],
  [
    'onTimeRate',
    '按期办结率',
    '按期结案数 ÷ (应结案数 − 缓办数)；应结案数 = 办理时限在本月的工单（不含重复件、转办件）',
    '%',
    (f) => f.onTimeRate,
  ],
  ['reworkRate', '返工率', '核查不通过返工过的办结件 ÷ 办结数', '%', (f) => f.reworkRate],
  [
    'satisfactionRate',
    '满意率',
    '居民本人评价4–5分数 ÷ 居民本人评价数（工作人员回访另计）',
    '%',
    (f) => f.satisfactionRate,
  ],
  [
    'returnVisitSatisfactionRate',
    '回访满意率',
    '回访答复4–5分数 ÷ 回访数',
    '%',
    (f) => f.returnVisitSatisfactionRate,
  ],
  [
    'meanResponseHours',
    '平均响应时长',
    '本月受理工单的（受理时间 − 上报时间）平均值',
    '小时',
    (f) => f.meanResponseHours,
  ],
  [
    'meanResolutionHours',
    '平均办理时长',
    '本月办结工单的（办结时间 − 上报时间）平均值',
    '小时',
    (f) => f.meanResolutionHours,
  ],
  [
    'medianResolutionHours',
    '办理时长中位数',
    '本月办结工单的（办结时间 − 上报时间）中位数',
    '小时',
    (f) => f.medianResolutionHours,
  ],
  [
    'compoundShare',
    '院落办结占比',
    '在院落层级办结数 ÷ 办结数（小事不出院落）',
    '%',
    (f) => f.closedByLevel[0]!.share,
  ],
  [
    'escalations',
    '上报次数',
    '本月逐级上报（院落→社区→街道→部门）的次数',
    '次',
    (f) => f.escalations.reduce((n, e) => n + e.count, 0),
  ],
  ['reopened', '重新打开', '本月被居民重新打开的工单数', '件', (f) => f.reopened],
  ['duplicates', '重复件', '本月上报并判为重复件的工单数', '件', (f) => f.duplicates],
];

interface Unit {
  pk: number;
  code: string;
  name: string;
  level: string;
}

/** The units a region's assessment ranks: a district its streets, a street its communities,
 * a community its top-level grids. */
function unitsBelow(database: Database, region: Unit): Promise<Unit[]> {
  return region.level === 'COMMUNITY'
    ? database.rows<Unit>(sql`
      SELECT id AS pk, code, name, 'GRID' AS level FROM grids
      WHERE community_id = ${region.pk} AND parent_id IS NULL AND retired_at IS NULL ORDER BY code`)
    : database.rows<Unit>(sql`
      SELECT id AS pk, code, name, level FROM regions WHERE parent_id = ${region.pk} ORDER BY code`);
}

/** How a ticket `t` maps to the unit it is ranked in (unitsBelow). */
function unitOf(region: Unit): SQL {
  if (region.level === 'COMMUNITY') return sql`${t.gridId}`;
  return region.level === 'STREET'
    ? sql`${t.communityId}`
    : sql`(SELECT parent_id FROM regions WHERE id = ${t.communityId})`;
}

/** Rank units: enough closed tickets first, in the stated order (TIE_BREAK). Pure. */
export function rankUnits(
  units: Omit<RankedUnit, 'rank' | 'note'>[],
  minClosed: number,
): RankedUnit[] {
  const desc = (a: number | null, b: number | null) => (b ?? -1) - (a ?? -1);
  const eligible = units
    .filter((u) => u.closed >= minClosed)
    .sort(
      (a, b) =>
        desc(a.onTimeRate, b.onTimeRate) ||
        desc(a.satisfactionRate, b.satisfactionRate) ||
        b.closed - a.closed ||
        a.code.localeCompare(b.code),
    );
  return [
    ...eligible.map((u, i) => ({ ...u, rank: i + 1, note: null })),
    ...units
      .filter((u) => u.closed < minClosed)
      .sort((a, b) => a.code.localeCompare(b.code))
      .map((u) => ({ ...u, rank: null, note: '样本不足' })),
  ];
}

/** The assessment of a street, district or community for a month, computed now. */
export async function buildAssessment(
  database: Database,
  regionPk: number,
  month: string,
  scope: SQL,
  now: Date,
  minClosed = MIN_CLOSED_FOR_RANKING,
): Promise<Assessment> {
  const period = parsePeriod({ month }, 'month');
  const [region] = await database.rows<Unit>(
    sql`SELECT id AS pk, code, name, level FROM regions WHERE id = ${regionPk}`,
  );
  if (!region) throw notFound(`Region ${regionPk}`);
  const where = sql`${scope} AND ${t.communityId} IN ${regionAndBelow(regionPk)}`;
  const periods = [period, previousPeriod(period), lastYearPeriod(period)];
  // the indicator table and the rankings in one statement (the units' figures grouped in the
  // same scan); the rest is independent: on a server each part runs on a connection of its own
  const [units, rows, grown, overdue] = await Promise.all([
    unitsBelow(database, region),
    database.rows<FigureRow>(figuresSql(where, periods, unitOf(region))),
    categoriesGrown(database, where, period),
    overdueAt(database, where, period),
  ]);
  const [current, previous, lastYear] = periods.map((p, k) =>
    figuresOf(
      p,
      rows.find((row) => row.whole && row.k === k),
    ),
  ) as [Figures, Figures, Figures];
  const perUnit = units.map((u) => {
    const f = figuresOf(
      period,
      rows.find((row) => !row.whole && row.k === 0 && row.unit === String(u.pk)),
    );
    return {
      code: u.code,
      name: u.name,
      received: f.received,
      closed: f.closed,
      resolutionRate: f.resolutionRate,
      onTimeRate: f.onTimeRate,
      satisfactionRate: f.satisfactionRate,
    };
  });
  return {
    unit: { code: region.code, name: region.name, level: region.level },
    period: { label: period.label, from: period.from.toISOString(), to: period.to.toISOString() },
    generatedAt: now.toISOString(),
    minClosed,
    tieBreak: TIE_BREAK,
    indicators: INDICATORS.map(([key, name, formula, unit, pick]) => ({
      key,
      name,
      formula,
      unit,
      current: pick(current),
      previous: pick(previous),
      lastYear: pick(lastYear),
    })),
    rankings: rankUnits(perUnit, minClosed),
    categoriesGrown: grown,
    overdue,
  };
}

/** Categories with more tickets reported this month than the month before, most growth first. */
async function categoriesGrown(database: Database, where: SQL, period: Period) {
  const before = previousPeriod(period);
  return database.rows<GrownCategory>(sql`
    SELECT k.code, k.name_zh AS name, x.received, x."previousReceived", x.received - x."previousReceived" AS change
    FROM (
      SELECT ${t.categoryCode} AS code,
        count(*) FILTER (WHERE ${t.reportedAt} >= ${period.from.toISOString()}::timestamptz)::int AS received,
        count(*) FILTER (WHERE ${t.reportedAt} < ${period.from.toISOString()}::timestamptz)::int AS "previousReceived"
      FROM tickets ${t}
      WHERE ${where} AND ${t.reportedAt} >= ${before.from.toISOString()}::timestamptz
        AND ${t.reportedAt} < ${period.to.toISOString()}::timestamptz AND ${t.categoryCode} IS NOT NULL
      GROUP BY ${t.categoryCode}) x JOIN categories k ON k.code = x.code
    WHERE x.received > x."previousReceived"
    ORDER BY change DESC, k.code`);
}

/**
 * Tickets overdue at the month's end: past their resolve-by deadline then, not closed then (the
 * last close or reopen before the end was not a close), not rejected, transferred or suspended.
 */
async function overdueAt(database: Database, where: SQL, period: Period) {
  const end = sql`${period.to.toISOString()}::timestamptz`;
  // The deadline filters first, on every ticket (a seq scan), and the place and the viewer's
  // scope on the few that pass: given both at once the planner drove from the place's
  // communities into a bitmap of the whole scope, per community (171 ms against 21 on PGlite).
  return database.rows<OverdueTicket>(sql`
    WITH due AS MATERIALIZED (
      SELECT * FROM tickets ${t}
      WHERE ${t.resolveBy} < ${end} AND ${t.reportedAt} < ${end}
        AND ${t.status} NOT IN ('REJECTED', 'TRANSFERRED', 'SUSPENDED')
        -- closed now by a close before the end (closed_at: the last close, cleared by a
        -- reopen): closed then too, without reading its events (most of a year's tickets)
        AND NOT (${t.status} = 'CLOSED' AND ${t.closedAt} IS NOT NULL AND ${t.closedAt} < ${end}))
    SELECT ${t.code} AS code, k.name_zh AS category, c.name AS compound, ${t.level} AS level,
      ${t.owner} AS owner, to_char((${t.resolveBy} AT TIME ZONE 'UTC') + interval '8 hours', 'YYYY-MM-DD HH24:MI') AS "resolveBy",
      round((extract(epoch FROM ${end} - ${t.resolveBy}) / 3600)::numeric, 1)::float8 AS "hoursOverdue"
    FROM due ${t}
    LEFT JOIN categories k ON k.code = ${t.categoryCode}
    LEFT JOIN compounds c ON c.id = ${t.compoundId}
    WHERE ${where}
      AND COALESCE((SELECT e.type FROM ticket_events e WHERE e.ticket_id = ${t.id}
        AND e.type IN ('CLOSE', 'REOPEN') AND e.at < ${end} ORDER BY e.at DESC, e.id DESC LIMIT 1), '') <> 'CLOSE'
    ORDER BY ${t.resolveBy}, ${t.code} LIMIT ${MAX_OVERDUE}`);
}

// ---- Kept as submitted ----

export interface Change {
  path: string;
  before: string | null;
  after: string | null;
}

/** Leaf values of a JSON document by path (indicators and units keyed by their key/code). */
function leaves(value: unknown, path: string, out: Map<string, string>) {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const id =
        (item as { key?: string; code?: string } | null)?.key ??
        (item as { code?: string } | null)?.code;
      leaves(item, `${path}[${id ?? i}]`, out);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out);
  } else {
    out.set(path, value === null || value === undefined ? 'null' : String(value));
  }
}

/** What changed between two versions of a report (the time it was generated aside). Pure. */
export function changesBetween(before: Assessment, after: Assessment): Change[] {
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  leaves({ ...before, generatedAt: null }, '', a);
  leaves({ ...after, generatedAt: null }, '', b);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  return paths
    .filter((p) => a.get(p) !== b.get(p))
    .slice(0, MAX_CHANGES)
    .map((p) => ({ path: p, before: a.get(p) ?? null, after: b.get(p) ?? null }));
}

export interface StoredAssessment {
  version: number;
  generatedAt: Date;
  generatedBy: string;
  content: Assessment;
  changes: Change[];
}

/**
 * Generates the assessment of a closed month and keeps it as a new version; the answer says
 * what changed since the version before (nothing on the first).
 */
export async function generateAssessment(
  database: Database,
  regionPk: number,
  month: string,
  scope: SQL,
  now: Date,
  actor: string,
  minClosed?: number,
): Promise<StoredAssessment> {
  const period = parsePeriod({ month }, 'month');
  if (!periodEnded(period, now))
    throw badInput(
      'month',
      'NOT_CLOSED',
      `${month} has not ended yet: only a closed month is kept`,
    );
  const content = await buildAssessment(database, regionPk, month, scope, now, minClosed);
  return database.transaction(async (tx) => {
    // one version at a time per region and month: the unique key refuses a concurrent twin
    const [last] = await tx.rows<{ version: number; content: Assessment }>(sql`
      SELECT version, content FROM assessment_reports
      WHERE region_id = ${regionPk} AND month = ${month} ORDER BY version DESC LIMIT 1`);
    const [row] = await tx.rows<{ version: number; generatedAt: Date }>(sql`
      INSERT INTO assessment_reports (region_id, month, version, generated_at, generated_by, content)
      VALUES (${regionPk}, ${month}, ${(last?.version ?? 0) + 1}, ${now.toISOString()}, ${actor},
        ${JSON.stringify(content)}::jsonb)
      RETURNING version, generated_at AS "generatedAt"`);
    return {
      version: row!.version,
      generatedAt: new Date(row!.generatedAt),
      generatedBy: actor,
      content,
      changes: last ? changesBetween(last.content, content) : [],
    };
  });
}

/** The latest kept versions of a region's assessment for a month, oldest first, with changes. */
export async function storedAssessments(
  database: Database,
  regionPk: number,
  month: string,
): Promise<StoredAssessment[]> {
  parsePeriod({ month }, 'month');
  const rows = await database.rows<{
    version: number;
    generatedAt: Date;
    generatedBy: string;
    content: Assessment;
  }>(sql`
    SELECT version, generated_at AS "generatedAt", generated_by AS "generatedBy", content
    FROM assessment_reports WHERE region_id = ${regionPk} AND month = ${month}
    ORDER BY version DESC LIMIT ${MAX_VERSIONS + 1}`);
  // one more than shown: the first shown version's changes are against the one before it
  const ordered = rows.reverse();
  return ordered
    .map((row, i) => ({
      ...row,
      generatedAt: new Date(row.generatedAt),
      changes: i === 0 ? [] : changesBetween(ordered[i - 1]!.content, row.content),
    }))
    .slice(-MAX_VERSIONS);
}
