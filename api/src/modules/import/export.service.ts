import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db';
import type { Availability } from '../../db/schema';
import { badInput, ErrorCode, YituError } from '../../errors';
import { maskName, maskPhone } from '../../auth/mask';
import type { Viewer } from '../../auth/viewer';
import type { ImportKind } from './fields';
import { excelJs } from '../../libraries';

// Export (a street hands its map on): the places and people of a region as GeoJSON or xlsx,
// written with the headers the importer reads (fields.ts), so an exported file imports again
// unchanged. Geometry comes from PostGIS in WGS84 at full precision (15 digits round-trip a
// double). Personal fields are masked unless a session may reveal them. Retired (撤销) places are
// left out, and claims on them: a map handed on is the live one, and imported again as the whole
// list (retireMissing) it brings nothing back.

export const EXPORT_KINDS = [
  'regions',
  'compounds',
  'grids',
  'buildings',
  'property-companies',
  'resources',
] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
export const EXPORT_FORMATS = ['geojson', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportRequest {
  kind: ExportKind;
  format: ExportFormat;
  /** Only the places of this region (and below); else the viewer's jurisdiction. */
  regionCode: string | null;
  now: Date;
}

export interface ExportFile {
  fileName: string;
  contentType: string;
  body: Buffer;
  rows: number;
  /** The headers whose values were masked (empty when none were, or none are personal). */
  masked: string[];
  /** Whether the file holds personal fields unmasked (the audit line says so). */
  revealed: boolean;
}

/** One column: its header (one the importer reads as `field`) and how a row's value is written. */
export interface ExportColumn {
  header: string;
  /** The importer's field for this header (fields.ts ALIASES), checked by a unit test. */
  field: string;
  value: (row: Row) => string | number | null;
  /** Masked unless the viewer may reveal personal data. */
  personal?: 'name' | 'phone';
}

type Row = Record<string, unknown>;

const text = (key: string) => (row: Row) => (row[key] == null ? null : String(row[key]));
const number = (key: string) => (row: Row) => (row[key] == null ? null : Number(row[key]));
const yesNo = (key: string) => (row: Row) => (row[key] == null ? null : row[key] ? '是' : '否');
// list() in fields.ts splits on 、 (and commas, spaces …)
const joined = (key: string) => (row: Row) => {
  const values = row[key] as string[] | null;
  return values && values.length > 0 ? values.join('、') : null;
};

const LEVEL_WORDS: Record<string, string> = { DISTRICT: '区县', STREET: '街道', COMMUNITY: '社区' };
// words RESOURCE_KIND_WORDS in fields.ts reads back as the same kind
export const RESOURCE_KIND_LABELS: Record<string, string> = {
  PARTY_MEMBER: '在职党员',
  VOLUNTEER_TEAM: '志愿服务队',
  SOCIAL_ORG: '社会组织',
  COMMUNITY_PARTNER: '社区合伙人',
  PROPERTY_COMPANY: '物业公司',
  LAW_ENFORCEMENT: '综合执法',
  DEPARTMENT: '职能部门',
};

const WEEKDAY_WORDS = ['', '一', '二', '三', '四', '五', '六', '日'];

/**
 * Availability as parseSchedule (fields.ts) reads it back to the same value: "全天", weekly
 * hours in their stored order (consecutive days with the same hours as one "周一至周五"), then
 * "每月8、18、28日".
 */
export function scheduleText(availability: Availability | null): string | null {
  if (!availability) return null;
  if (availability.always) return '全天';
  const parts: string[] = [];
  const weekly = availability.weekly ?? [];
  for (let i = 0; i < weekly.length;) {
    const [from, start, end] = weekly[i]!;
    let j = i + 1;
    while (
      j < weekly.length &&
      weekly[j]![0] === weekly[j - 1]![0] + 1 &&
      weekly[j]![1] === start &&
      weekly[j]![2] === end
    )
      j++;
    const to = weekly[j - 1]![0];
    parts.push(
      `周${WEEKDAY_WORDS[from]}${to > from ? `至周${WEEKDAY_WORDS[to]}` : ''} ${start}-${end}`,
    );
    i = j;
  }
  if (availability.monthlyDays?.length) parts.push(`每月${availability.monthlyDays.join('、')}日`);
  return parts.length > 0 ? parts.join('；') : null;
}

interface KindSpec {
  importKind: ImportKind;
  /** The sheet's (and the collection's) name. */
  label: string;
  shape: 'polygon' | 'point' | 'none';
  columns: ExportColumn[];
  /** The rows in `area`, each with the columns' keys and `shape` of its geometry column. */
  rows: (area: Area, shape: (column: SQL) => SQL) => SQL;
}

/**
 * The places an export covers: everything, or these regions and the communities among them
 * (`district`: a whole district is among them).
 */
type Area =
  | { all: true }
  | {
      all: false;
      regionPks: readonly number[];
      communityPks: readonly number[];
      district: boolean;
    };

const ids = (pks: readonly number[]) => `{${pks.map((k) => Math.trunc(k)).join(',')}}`;
const inRegions = (area: Area, column: SQL) =>
  area.all ? sql`true` : sql`${column} = ANY(${ids(area.regionPks)}::int[])`;
const inCommunities = (area: Area, column: SQL) =>
  area.all ? sql`true` : sql`${column} = ANY(${ids(area.communityPks)}::int[])`;

const CODE: ExportColumn = { header: '编码', field: 'code', value: text('code') };
const NAME: ExportColumn = { header: '名称', field: 'name', value: text('name') };
const COMMUNITY: ExportColumn = {
  header: '所属社区',
  field: 'community',
  value: text('community'),
};

const SPECS: Record<ExportKind, KindSpec> = {
  regions: {
    importKind: 'REGION',
    label: '区域',
    shape: 'polygon',
    columns: [
      CODE,
      NAME,
      { header: '级别', field: 'level', value: (row) => LEVEL_WORDS[String(row.level)] ?? null },
      { header: '上级编码', field: 'parent', value: text('parent') },
    ],
    rows: (area, shape) => sql`
      SELECT r.code, r.name, r.level, p.code AS parent, ${shape(sql`r.boundary`)}
      FROM regions r LEFT JOIN regions p ON p.id = r.parent_id
      WHERE ${inRegions(area, sql`r.id`)}
      ORDER BY r.level, r.code`,
  },
  compounds: {
    importKind: 'COMPOUND',
    label: '小区',
    shape: 'polygon',
    columns: [
      CODE,
      NAME,
      COMMUNITY,
      { header: '户数', field: 'households', value: number('households') },
      { header: '建成年份', field: 'yearBuilt', value: number('yearBuilt') },
      { header: '物业公司', field: 'propertyCompany', value: text('propertyCompany') },
      { header: '标签', field: 'tags', value: joined('tags') },
    ],
    rows: (area, shape) => sql`
      SELECT c.code, c.name, m.code AS community, c.households, c.year_built AS "yearBuilt",
        pc.code AS "propertyCompany", c.tags, ${shape(sql`c.boundary`)}
      FROM compounds c
      JOIN regions m ON m.id = c.community_id
      LEFT JOIN property_companies pc ON pc.id = c.property_company_id
      WHERE c.retired_at IS NULL AND ${inCommunities(area, sql`c.community_id`)}
      ORDER BY c.code`,
  },
  grids: {
    importKind: 'GRID',
    label: '网格',
    shape: 'polygon',
    columns: [
      CODE,
      NAME,
      COMMUNITY,
      { header: '上级网格', field: 'parent', value: text('parentGrid') },
      { header: '网格类型', field: 'kinds', value: joined('kinds') },
    ],
    // grids before their micro-grids, as a reader would draw them
    rows: (area, shape) => sql`
      SELECT g.code, g.name, m.code AS community, p.code AS "parentGrid", g.kinds, ${shape(sql`g.boundary`)}
      FROM grids g
      JOIN regions m ON m.id = g.community_id
      LEFT JOIN grids p ON p.id = g.parent_id
      WHERE g.retired_at IS NULL AND ${inCommunities(area, sql`g.community_id`)}
      ORDER BY g.parent_id IS NOT NULL, g.code`,
  },
  buildings: {
    importKind: 'BUILDING',
    label: '楼栋',
    shape: 'point',
    columns: [
      { header: '所属小区', field: 'compound', value: text('compound') },
      { header: '楼号', field: 'number', value: text('number') },
      { header: '层数', field: 'floors', value: number('floors') },
      { header: '户数', field: 'households', value: number('households') },
    ],
    rows: (area, shape) => sql`
      SELECT c.code AS compound, b.number, b.floors, b.households, ${shape(sql`b.location`)}
      FROM buildings b
      JOIN compounds c ON c.id = b.compound_id
      WHERE b.retired_at IS NULL AND ${inCommunities(area, sql`c.community_id`)}
      ORDER BY c.code, b.number`,
  },
  'property-companies': {
    importKind: 'PROPERTY_COMPANY',
    label: '物业公司',
    shape: 'none',
    columns: [
      CODE,
      NAME,
      { header: '电话', field: 'phone', value: text('phone') },
      { header: '红色物业', field: 'redProperty', value: yesNo('hasPartyBranch') },
    ],
    // a company has no place of its own: those serving a compound of the area, and those serving
    // none with the whole district
    rows: (area) => sql`
      SELECT p.code, p.name, p.phone, p.has_party_branch AS "hasPartyBranch"
      FROM property_companies p
      WHERE ${
        area.all
          ? sql`true`
          : sql`(EXISTS (SELECT 1 FROM compounds c WHERE c.property_company_id = p.id AND c.retired_at IS NULL
              AND ${inCommunities(area, sql`c.community_id`)})
            OR (${area.district ? sql`true` : sql`false`} AND NOT EXISTS (SELECT 1 FROM compounds c
              WHERE c.property_company_id = p.id AND c.retired_at IS NULL)))`
      }
      ORDER BY p.code`,
  },
  resources: {
    importKind: 'RESOURCE',
    label: '资源',
    shape: 'point',
    columns: [
      CODE,
      NAME,
      {
        header: '类型',
        field: 'resourceKind',
        value: (row) => RESOURCE_KIND_LABELS[String(row.kind)] ?? null,
      },
      COMMUNITY,
      { header: '服务能力', field: 'capabilities', value: joined('capabilities') },
      { header: '容量', field: 'capacity', value: number('capacity') },
      {
        header: '服务时间',
        field: 'schedule',
        value: (row) => scheduleText(row.availability as Availability | null),
      },
      { header: '可拒单', field: 'mayDecline', value: yesNo('mayDecline') },
      { header: '联系人', field: 'contactName', value: text('contactName'), personal: 'name' },
      { header: '联系电话', field: 'phone', value: text('contactPhone'), personal: 'phone' },
      { header: '认领责任区', field: 'claims', value: joined('claims') },
    ],
    // a resource shared by a street (no community) belongs to the area it stands in
    rows: (area, shape) => sql`
      SELECT s.code, s.name, s.kind, m.code AS community, s.capabilities, s.capacity, s.availability,
        s.may_decline AS "mayDecline", s.contact_name AS "contactName", s.contact_phone AS "contactPhone",
        ARRAY(SELECT coalesce(g.code, k.code) FROM resource_claims rc
          LEFT JOIN grids g ON g.id = rc.grid_id LEFT JOIN compounds k ON k.id = rc.compound_id
          WHERE rc.resource_id = s.id AND g.retired_at IS NULL AND k.retired_at IS NULL ORDER BY 1) AS claims,
        ${shape(sql`s.location`)}
      FROM resources s
      LEFT JOIN regions m ON m.id = s.community_id
      WHERE s.retired_at IS NULL AND ${
        area.all
          ? sql`true`
          : sql`(${inCommunities(area, sql`s.community_id`)} OR (s.community_id IS NULL AND EXISTS (
              SELECT 1 FROM regions a WHERE ${inRegions(area, sql`a.id`)} AND ST_Intersects(a.boundary, s.location))))`
      }
      ORDER BY s.code`,
  },
};

/** The columns of a kind, for tests that check each header reads back as its field. */
export const exportColumns = (kind: ExportKind) => ({
  importKind: SPECS[kind].importKind,
  columns: SPECS[kind].columns,
});

/** The geometry as the format carries it: GeoJSON, WKT, or 经度/纬度 columns. */
function shapeOf(spec: KindSpec, format: ExportFormat): (column: SQL) => SQL {
  if (spec.shape === 'none') return () => sql`NULL AS geometry`;
  if (format === 'geojson') return (column) => sql`ST_AsGeoJSON(${column}, 15)::json AS geometry`;
  return spec.shape === 'point'
    ? (column) => sql`ST_X(${column}) AS lon, ST_Y(${column}) AS lat`
    : (column) => sql`ST_AsText(${column}) AS wkt`;
}

/**
 * The regions the viewer holds: its own region and those below it, its communities, and the
 * communities of its grids (a grid worker reads the places of its community).
 */
async function jurisdictionPks(database: Database, viewer: Viewer): Promise<number[]> {
  const own = viewer.account?.regionPk ?? null;
  const rows = await database.rows<{ id: number }>(sql`
    SELECT r.id FROM regions r
    WHERE r.id = ${own} OR r.parent_id = ${own}
      OR r.parent_id IN (SELECT id FROM regions WHERE parent_id = ${own})
      OR r.id = ANY(${ids(viewer.jurisdiction.communityPks)}::int[])
      OR r.id IN (SELECT community_id FROM grids WHERE id = ANY(${ids(viewer.jurisdiction.gridPks)}::int[]))`);
  return rows.map((r) => Number(r.id));
}

/** The export's area: the region asked for (within the jurisdiction), else the jurisdiction. */
async function areaOf(
  database: Database,
  viewer: Viewer,
  regionCode: string | null,
): Promise<Area> {
  let held: number[] | null = null;
  if (!viewer.jurisdiction.all) held = await jurisdictionPks(database, viewer);
  let regionPks: number[];
  if (regionCode !== null) {
    const [region] = await database.rows<{ id: number }>(
      sql`SELECT id FROM regions WHERE code = ${regionCode}`,
    );
    if (!region) throw badInput('region', 'UNKNOWN_REGION', `no region has the code ${regionCode}`);
    if (held && !held.includes(Number(region.id)))
      throw new YituError(
        ErrorCode.FORBIDDEN,
        `region ${regionCode} is outside your jurisdiction`,
        'region',
        'OUTSIDE_JURISDICTION',
      );
    const below = await database.rows<{ id: number }>(sql`
      SELECT r.id FROM regions r WHERE r.id = ${region.id} OR r.parent_id = ${region.id}
        OR r.parent_id IN (SELECT id FROM regions WHERE parent_id = ${region.id})`);
    regionPks = below.map((r) => Number(r.id));
  } else if (held) regionPks = held;
  else return { all: true };
  const levels = await database.rows<{ id: number; level: string }>(sql`
    SELECT id, level FROM regions WHERE id = ANY(${ids(regionPks)}::int[])`);
  return {
    all: false,
    regionPks,
    communityPks: levels.filter((r) => r.level === 'COMMUNITY').map((r) => Number(r.id)),
    district: levels.some((r) => r.level === 'DISTRICT'),
  };
}

/** An xlsx cell holds at most this many characters (Excel's limit). */
const XLSX_CELL_CHARS = 32_767;

/**
 * Writes one export. BAD_USER_INPUT for an unknown region (or a shape too long for an xlsx
 * cell), FORBIDDEN for a region outside the viewer's jurisdiction.
 */
export async function exportPlaces(
  database: Database,
  viewer: Viewer,
  request: ExportRequest,
): Promise<ExportFile> {
  const spec = SPECS[request.kind];
  const area = await areaOf(database, viewer, request.regionCode);
  const rows = await database.rows<Row>(spec.rows(area, shapeOf(spec, request.format)));
  // tokens never see personal fields, whatever their account may (README: third parties)
  const revealed = viewer.via === 'session' && viewer.permissions.has('personal:reveal');
  const masked = revealed ? [] : spec.columns.filter((c) => c.personal).map((c) => c.header);
  const valueOf = (column: ExportColumn, row: Row) => {
    const value = column.value(row);
    if (revealed || !column.personal || value === null) return value;
    return column.personal === 'phone' ? maskPhone(String(value)) : maskName(String(value));
  };
  const about = {
    kind: request.kind,
    region: request.regionCode,
    exportedAt: request.now.toISOString(),
    rows: rows.length,
    crs: 'WGS84',
    masked,
    ...(masked.length > 0
      ? {
          note: `${masked.join('、')}已遮蔽：导出者无查看个人信息权限（或通过 API 令牌导出）。masked: the exporter may not see personal data`,
        }
      : {}),
  };
  const base = `yitu-${request.kind}${request.regionCode ? `-${request.regionCode}` : ''}`;
  if (request.format === 'geojson') {
    const collection = {
      type: 'FeatureCollection',
      name: spec.label,
      yitu: about,
      features: rows.map((row) => ({
        type: 'Feature',
        geometry: row.geometry ?? null,
        properties: Object.fromEntries(spec.columns.map((c) => [c.header, valueOf(c, row)])),
      })),
    };
    return {
      fileName: `${base}.geojson`,
      contentType: 'application/geo+json; charset=utf-8',
      body: Buffer.from(JSON.stringify(collection)),
      rows: rows.length,
      masked,
      revealed: revealed && spec.columns.some((c) => c.personal),
    };
  }

  const workbook = new (await excelJs()).Workbook();
  workbook.creator = 'Yitu';
  workbook.created = request.now;
  // the data first: the importer reads the first sheet with anything on it
  const sheet = workbook.addWorksheet(spec.label, { views: [{ state: 'frozen', ySplit: 1 }] });
  const shapeColumns =
    spec.shape === 'point'
      ? [
          { header: '经度', value: number('lon') },
          { header: '纬度', value: number('lat') },
        ]
      : spec.shape === 'polygon'
        ? [{ header: 'WKT', value: text('wkt') }]
        : [];
  const headers = [...spec.columns.map((c) => c.header), ...shapeColumns.map((c) => c.header)];
  sheet.addRow(headers).font = { bold: true };
  for (const row of rows) {
    const values = [
      ...spec.columns.map((c) => valueOf(c, row)),
      ...shapeColumns.map((c) => c.value(row)),
    ];
    const long = values.findIndex((v) => typeof v === 'string' && v.length > XLSX_CELL_CHARS);
    if (long >= 0)
      throw badInput(
        'format',
        'CELL_TOO_LONG',
        `${String(row.code ?? '')}: its ${headers[long]} is ${(values[long] as string).length} characters, more than an xlsx cell holds (${XLSX_CELL_CHARS}): export GeoJSON`,
      );
    sheet.addRow(values);
  }
  sheet.columns.forEach((column, i) => {
    column.width = Math.min(40, Math.max(8, headers[i]!.length * 2 + 4));
  });
  const notes = workbook.addWorksheet('说明');
  notes.addRows([
    ['导出内容', spec.label],
    ['区域', request.regionCode ?? '全部（按权限范围）'],
    ['导出时间', about.exportedAt],
    ['行数', rows.length],
    ['坐标系', 'WGS84'],
    ['已遮蔽字段', masked.length > 0 ? masked.join('、') : '无'],
    ...(about.note ? [['说明', about.note]] : []),
  ]);
  notes.getColumn(1).width = 14;
  notes.getColumn(2).width = 60;
  return {
    fileName: `${base}.xlsx`,
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    body: Buffer.from(await workbook.xlsx.writeBuffer()),
    rows: rows.length,
    masked,
    revealed: revealed && spec.columns.some((c) => c.personal),
  };
}
