import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database } from '../../db';
import { buildings, categories, compounds, tickets } from '../../db/schema';
import { badInput, ErrorCode, YituError } from '../../errors';
import { ticketScope } from '../../auth/policy';
import type { Viewer } from '../../auth/viewer';
import { openTicket, t } from '../ticket/ticket-sql';
import { LEVEL_ZH, STATUS_ZH, TICKET_STATUSES, type TicketStatus } from '../ticket/ticket-status';
import { reportTicket } from '../ticket/ticket.service';
import type { WorkingCalendar } from '../ticket/working-calendar';
import type { Open311Record } from './open311.format';
import { chinaTime, MAX_IDS, personName, type RequestQuery } from './open311.params';

// GeoReport v2 over the product's own rules: categories are its services, tickets its service
// requests. A request is filed by ticket.service's reportTicket (placement, deadlines, event,
// live notice) and read within the viewer's ticketScope; no personal field is ever selected.
// Who may call which method is the policy's (OPEN311_RULES); the HTTP side is http/open311.ts.

const LEVEL_EN: Record<string, string> = {
  COMPOUND: 'Compound',
  COMMUNITY: 'Community',
  STREET: 'Street',
  DEPARTMENT: 'Department',
};

const RESOURCE_KIND: Record<string, [string, string]> = {
  PARTY_MEMBER: ['党员', 'Party member'],
  VOLUNTEER_TEAM: ['志愿服务队', 'Volunteer team'],
  SOCIAL_ORG: ['社会组织', 'Social organisation'],
  COMMUNITY_PARTNER: ['社区合伙人', 'Community partner'],
  PROPERTY_COMPANY: ['物业', 'Property company'],
  LAW_ENFORCEMENT: ['综合执法', 'Law enforcement'],
  DEPARTMENT: ['职能部门', 'Department'],
};

/** Our status, Chinese then English, for status_notes (GeoReport knows only open and closed). */
const STATUS_EN: Record<TicketStatus, string> = {
  REPORTED: 'Awaiting acceptance',
  ACCEPTED: 'Accepted',
  DISPATCHED: 'Dispatched',
  IN_PROGRESS: 'In progress',
  SUSPENDED: 'Suspended',
  RESOLVED: 'Resolved, awaiting verification',
  VERIFIED: 'Verified',
  FEEDBACK: 'Rated by the resident',
  CLOSED: 'Closed',
  REJECTED: 'Closed as a duplicate',
  TRANSFERRED: 'Transferred outside the community’s remit',
};
export const STATUS_NOTES = Object.fromEntries(
  TICKET_STATUSES.map((s) => [s, `${STATUS_ZH[s]} ${STATUS_EN[s]}`]),
) as Record<TicketStatus, string>;

const both = ([zh, en]: [string, string]) => `${zh} ${en}`;
const levelBoth = (level: string) => both([LEVEL_ZH[level] ?? level, LEVEL_EN[level] ?? level]);

const notice = (resolveHours: number | null) =>
  resolveHours === null
    ? '已收到，分类后告知办结时限 Received; the deadline follows once it is classified'
    : `${resolveHours} 个工作小时内办结 To be resolved within ${resolveHours} working hours`;

// ---- services (categories) ----

interface CategoryRow {
  code: string;
  nameZh: string;
  nameEn: string;
  level: string;
  resolveHours: number;
  examples: string[];
}

async function categoryRows(database: Database, code?: string): Promise<CategoryRow[]> {
  return database.rows<CategoryRow>(sql`
    SELECT code, name_zh AS "nameZh", name_en AS "nameEn", level, resolve_hours AS "resolveHours",
      examples
    FROM ${categories} WHERE ${code === undefined ? sql`true` : sql`code = ${code}`}
    ORDER BY code`);
}

/** GET services: every category, grouped by the level that settles it. */
export async function listServices(database: Database): Promise<Open311Record[]> {
  return (await categoryRows(database)).map((c) => ({
    service_code: c.code,
    service_name: `${c.nameZh} ${c.nameEn}`,
    description: `${c.nameZh}（${c.examples.join('、')}）。${notice(c.resolveHours)}`,
    // no category asks extra questions (yet): a client need not fetch a definition
    metadata: false,
    type: 'realtime',
    keywords: c.examples.join(', '),
    group: levelBoth(c.level),
  }));
}

/**
 * GET services/{code}: a category's extra questions as GeoReport attributes. None has any
 * today, so the list is empty (and POST requests refuses attribute[…]).
 */
export async function serviceDefinition(
  database: Database,
  code: string,
): Promise<Open311Record | null> {
  const [category] = await categoryRows(database, code.slice(0, 100));
  return category ? { service_code: category.code, attributes: [] } : null;
}

// ---- POST requests ----

export interface Open311Report {
  serviceCode: string;
  lat: number | null;
  long: number | null;
  /** A compound code, or a building's "<compound code>/<number>". */
  addressId: string | null;
  description: string;
  mediaUrl: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  email: string | null;
}

/** Where the report is: the compound and building an address_id names, or the one at lat/long. */
async function placeOf(
  database: Database,
  report: Open311Report,
): Promise<{ compoundCode: string; buildingNumber: string | null }> {
  if (report.addressId !== null) {
    const slash = report.addressId.indexOf('/');
    const compoundCode = slash < 0 ? report.addressId : report.addressId.slice(0, slash);
    const number = slash < 0 ? null : report.addressId.slice(slash + 1);
    const [found] = await database.rows<{ building: string | null }>(sql`
      SELECT (SELECT b.number FROM ${buildings} b WHERE b.compound_id = c.id
          AND b.number = ${number} AND b.retired_at IS NULL) AS building
      FROM ${compounds} c WHERE c.code = ${compoundCode} AND c.retired_at IS NULL`);
    if (!found || (number !== null && found.building === null))
      throw badInput(
        'address_id',
        'UNKNOWN_ADDRESS',
        `no compound or building has the code ${report.addressId.slice(0, 100)}`,
      );
    return { compoundCode, buildingNumber: number };
  }
  const [found] = await database.rows<{ code: string }>(sql`
    SELECT code FROM ${compounds}
    WHERE ST_Covers(boundary, ST_SetSRID(ST_MakePoint(${report.long}::float8, ${report.lat}::float8), 4326))
      AND retired_at IS NULL
    ORDER BY id LIMIT 1`);
  if (!found)
    throw badInput('lat', 'OUTSIDE_COMPOUNDS', 'lat/long is not inside any compound served here');
  return { compoundCode: found.code, buildingNumber: null };
}

/**
 * POST requests: one ticket through reportTicket, as the QR page files one, on the OPEN311
 * channel. `actor` is the token's name in the event log. Answers the ticket's code and notice.
 */
export async function createRequest(
  database: Database,
  report: Open311Report,
  actor: string,
  now: Date,
  calendar: WorkingCalendar,
  /** Writes the change's audit line in its transaction: the ticket and its line, or neither. */
  audit: (tx: Database, ticketId: number) => Promise<void>,
): Promise<Open311Record> {
  const [category] = await categoryRows(database, report.serviceCode);
  if (!category)
    throw badInput(
      'service_code',
      'UNKNOWN_SERVICE',
      `no service ${report.serviceCode.slice(0, 100)}`,
    );
  if (report.lat !== null && report.long !== null) {
    if (!(report.lat >= -90 && report.lat <= 90))
      throw badInput('lat', 'OUT_OF_RANGE', 'lat must be -90..90');
    if (!(report.long >= -180 && report.long <= 180))
      throw badInput('long', 'OUT_OF_RANGE', 'long must be -180..180');
  }
  // the checks read outside the change: its transaction holds the writes only
  const place = await placeOf(database, report);
  const code = await database.transaction(async (tx) => {
    const reported = await reportTicket(
      tx,
      {
        compoundCode: place.compoundCode,
        buildingNumber: place.buildingNumber,
        lon: report.long,
        lat: report.lat,
        categoryCode: category.code,
        description: report.description,
        reporterName: personName(report.firstName, report.lastName),
        reporterPhone: report.phone?.trim() || null,
        reporterEmail: report.email?.trim() || null,
        mediaUrl: report.mediaUrl,
        channel: 'OPEN311',
        // GeoReport has no idempotency key: every POST is a new report
        idempotencyKey: `open311-${crypto.randomUUID()}`,
        actor,
      },
      now,
      calendar,
    );
    await audit(tx, reported.ticketId);
    const [row] = await tx.rows<{ code: string }>(
      sql`SELECT code FROM ${tickets} WHERE id = ${reported.ticketId}`,
    );
    return row!.code;
  });
  return {
    service_request_id: code,
    service_notice: notice(category.resolveHours),
    account_id: null,
  };
}

// ---- GET requests ----

interface RequestRow {
  code: string;
  status: TicketStatus;
  level: string;
  categoryCode: string | null;
  nameZh: string | null;
  nameEn: string | null;
  resolveHours: number | null;
  description: string;
  reportedAt: string;
  updatedAt: string;
  resolveBy: string | null;
  compoundName: string | null;
  compoundCode: string | null;
  buildingNumber: string | null;
  lon: number;
  lat: number;
  mediaUrl: string | null;
  kinds: string[];
}

// the public columns only: reporter name, phone and email are never selected here
const requestColumns = sql`${t.code}, ${t.status}, ${t.level}, ${t.categoryCode} AS "categoryCode",
  k.name_zh AS "nameZh", k.name_en AS "nameEn", k.resolve_hours AS "resolveHours", ${t.description},
  ${t.reportedAt} AS "reportedAt", ${t.updatedAt} AS "updatedAt", ${t.resolveBy} AS "resolveBy",
  c.name AS "compoundName", c.code AS "compoundCode", b.number AS "buildingNumber",
  ST_X(${t.location}) AS lon, ST_Y(${t.location}) AS lat, ${t.mediaUrl} AS "mediaUrl",
  ARRAY(SELECT DISTINCT r.kind::text FROM ticket_assignments a JOIN resources r ON r.id = a.resource_id
    WHERE a.ticket_id = ${t.id} AND a.status IN ('OFFERED', 'ACCEPTED') ORDER BY 1) AS kinds`;
const requestJoins = sql`LEFT JOIN ${categories} k ON k.code = ${t.categoryCode}
  LEFT JOIN ${compounds} c ON c.id = ${t.compoundId}
  LEFT JOIN ${buildings} b ON b.id = ${t.buildingId}`;

const textArray = (values: string[]) => `{${values.map((v) => `"${v}"`).join(',')}}`;

function toRecord(row: RequestRow): Open311Record {
  const closed = ['CLOSED', 'REJECTED', 'TRANSFERRED'].includes(row.status);
  const agency =
    row.kinds.length > 0
      ? row.kinds.map((k) => both(RESOURCE_KIND[k] ?? [k, k])).join('; ')
      : levelBoth(row.level);
  return {
    service_request_id: row.code,
    status: closed ? 'closed' : 'open',
    status_notes: STATUS_NOTES[row.status],
    service_name: row.nameZh === null ? null : `${row.nameZh} ${row.nameEn}`,
    service_code: row.categoryCode,
    description: row.description,
    agency_responsible: agency,
    service_notice: notice(row.resolveHours),
    requested_datetime: chinaTime(row.reportedAt),
    updated_datetime: chinaTime(row.updatedAt),
    expected_datetime: chinaTime(row.resolveBy),
    address:
      row.compoundName === null
        ? null
        : row.buildingNumber === null
          ? row.compoundName
          : `${row.compoundName} ${row.buildingNumber}号楼`,
    address_id:
      row.compoundCode === null
        ? null
        : row.buildingNumber === null
          ? row.compoundCode
          : `${row.compoundCode}/${row.buildingNumber}`,
    lat: Number(row.lat),
    long: Number(row.lon),
    media_url: row.mediaUrl,
  };
}

/** GET requests: the viewer's tickets (its ticketScope) that match, newest first. */
export async function listRequests(
  database: Database,
  viewer: Viewer,
  q: RequestQuery,
  now: Date,
): Promise<Open311Record[]> {
  // the spec: ids given, the other filters give way
  const where = q.ids
    ? sql`${t.code} = ANY(${textArray(q.ids)}::text[])`
    : sql.join(
        [
          sql`${t.reportedAt} >= ${q.start.toISOString()}::timestamptz`,
          sql`${t.reportedAt} <= ${q.end.toISOString()}::timestamptz`,
          q.serviceCodes
            ? sql`${t.categoryCode} = ANY(${textArray(q.serviceCodes)}::text[])`
            : sql`true`,
          q.statuses && q.statuses.length === 1
            ? q.statuses[0] === 'open'
              ? openTicket
              : sql`NOT ${openTicket}`
            : sql`true`,
        ],
        sql` AND `,
      );
  const rows = await database.rows<RequestRow>(sql`
    SELECT ${requestColumns} FROM ${tickets} ${t} ${requestJoins}
    WHERE ${where} AND ${ticketScope(viewer, now)}
    ORDER BY ${t.reportedAt} DESC, ${t.id} DESC
    LIMIT ${q.ids ? MAX_IDS : q.limit} OFFSET ${q.ids ? 0 : q.offset}`);
  return rows.map(toRecord);
}

/** GET requests/{id}: NOT_FOUND for no such ticket, FORBIDDEN for one outside the scope. */
export async function oneRequest(
  database: Database,
  viewer: Viewer,
  id: string,
  now: Date,
): Promise<Open311Record> {
  if (!/^[\w-]{1,40}$/.test(id))
    throw new YituError(ErrorCode.NOT_FOUND, `no request ${id.slice(0, 40)}`);
  const [row] = await database.rows<RequestRow & { readable: boolean }>(sql`
    SELECT ${requestColumns}, ${ticketScope(viewer, now)} AS readable
    FROM ${tickets} ${t} ${requestJoins} WHERE ${t.code} = ${id}`);
  if (!row) throw new YituError(ErrorCode.NOT_FOUND, `no request ${id}`);
  if (!row.readable)
    throw new YituError(
      ErrorCode.FORBIDDEN,
      'this request is outside your jurisdiction',
      undefined,
      'OUTSIDE_JURISDICTION',
    );
  return toRecord(row);
}
