import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database } from '../../db';
import { badInput, ErrorCode, YituError } from '../../errors';
import { checkDispatch, writeAssignments } from '../matching/assignments';
import { CLASSIFIABLE, decide, LADDER, type Level, type TicketAction } from './ticket-machine';
import type { TicketStatus } from './ticket-status';
import { URGENT_RESPOND_HOURS, urgentReport } from './emergency';
import { addWorkingHours, localDate, type WorkingCalendar } from './working-calendar';

// The ticket rules over the database: every change is one transaction that updates the ticket
// under a version check and appends its event. No GraphQL here.

const DEFAULT_RESPOND_HOURS = 4; // before a category is known: answer within half a day

export interface ReportInput {
  /** The QR poster's compound; a patrol may leave it out and give its GPS point instead. */
  compoundCode?: string | null;
  /** Required but for OPEN311 reports, where the outside tool may leave them out. */
  reporterName: string | null;
  reporterPhone: string | null;
  /** OPEN311: the reporter's email, kept as personal data like the phone. */
  reporterEmail?: string | null;
  /** OPEN311: a picture the outside tool keeps at a public http(s) URL (never fetched here). */
  mediaUrl?: string | null;
  description: string;
  buildingNumber?: string | null;
  lon?: number | null;
  lat?: number | null;
  categoryCode?: string | null;
  /** Keys of photos uploaded beforehand (POST /uploads/photos), up to 9. */
  photoKeys?: string[] | null;
  channel: 'QR' | 'PATROL' | 'HOTLINE' | 'STAFF' | 'OPEN311';
  /** PATROL: the grid worker who found it, checked by patrolGrid first; kept in the event. */
  gridWorkerCode?: string | null;
  idempotencyKey: string;
  /** Who reported: the resident (QR) or the grid worker on patrol. */
  actor: string;
}

export interface Reported {
  ticketId: number;
  followToken: string;
  /** False when this was a retry answered with the first result. */
  created: boolean;
}

const HOUR_MS = 3_600_000;

const PHONE = /^(1\d{10}|0\d{2,3}-?\d{7,8})$/;
// a plausible address, not a proof of one: nothing is ever sent to it
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@.]{2,}$/;

function validateReport(input: ReportInput) {
  // the QR page and staff ask the reporter; an outside tool may not know who reported
  const optional = input.channel === 'OPEN311';
  const name = input.reporterName?.trim() ?? '';
  if ((name.length < 1 && !(optional && input.reporterName == null)) || name.length > 50)
    throw badInput('reporterName', 'LENGTH', 'name must be 1–50 characters');
  if (
    !(optional && input.reporterPhone == null) &&
    !PHONE.test(input.reporterPhone?.trim() ?? '')
  ) {
    throw badInput(
      'reporterPhone',
      'FORMAT',
      'phone must be a mainland mobile (11 digits) or a landline',
    );
  }
  if (input.reporterEmail != null && !EMAIL.test(input.reporterEmail.trim()))
    throw badInput('reporterEmail', 'FORMAT', 'email must look like name@example.com');
  if (
    input.mediaUrl != null &&
    !(/^https?:\/\/[^\s]+$/.test(input.mediaUrl) && input.mediaUrl.length <= 1000)
  )
    throw badInput(
      'mediaUrl',
      'FORMAT',
      'media URL must be an http(s) URL of at most 1,000 characters',
    );
  const description = input.description.trim();
  if (description.length === 0)
    throw badInput('description', 'EMPTY', 'description must not be empty');
  if (input.description.length > 4000)
    throw badInput('description', 'TOO_LONG', 'description is at most 4,000 characters');
  if ((input.lon == null) !== (input.lat == null))
    throw badInput('lon', 'PAIR', 'give both lon and lat, or neither');
  if (input.lon != null && !(input.lon >= -180 && input.lon <= 180))
    throw badInput('lon', 'OUT_OF_RANGE', 'lon must be -180..180');
  if (input.lat != null && !(input.lat >= -90 && input.lat <= 90))
    throw badInput('lat', 'OUT_OF_RANGE', 'lat must be -90..90');
  if (!/^[\w-]{8,100}$/.test(input.idempotencyKey)) {
    throw badInput(
      'idempotencyKey',
      'FORMAT',
      'idempotencyKey must be 8–100 letters, digits, _ or -',
    );
  }
}

function requestHash(input: ReportInput): string {
  const { idempotencyKey: _key, actor: _actor, ...payload } = input;
  const canonical = JSON.stringify(Object.entries(payload).sort(([a], [b]) => a.localeCompare(b)));
  return crypto.createHash('sha256').update(canonical).digest('hex');
}

interface Placement {
  lon: number;
  lat: number;
  compoundId: number;
  communityId: number;
  gridId: number | null;
  buildingId: number | null;
}

/** Where the report is: its point, else its building, else its compound's centre; PostGIS finds
 * the compound, the grid and the nearest building of that compound. */
async function place(tx: Database, input: ReportInput): Promise<Placement> {
  if (!input.compoundCode) return snapToCompound(tx, input);
  const [qr] = await tx.rows<{ id: number; retired: boolean }>(
    sql`SELECT id, retired_at IS NOT NULL AS retired FROM compounds WHERE code = ${input.compoundCode}`,
  );
  if (!qr)
    throw badInput(
      'compoundCode',
      'UNKNOWN_COMPOUND',
      `no compound has the code ${input.compoundCode}`,
    );
  // an old poster still on a wall: say so rather than file against a place nobody keeps
  if (qr.retired)
    throw badInput(
      'compoundCode',
      'RETIRED_COMPOUND',
      `compound ${input.compoundCode} has been retired (撤销): report from the compound's new poster`,
    );
  let point;
  if (input.lon != null && input.lat != null) {
    point = sql`ST_SetSRID(ST_MakePoint(${input.lon}::float8, ${input.lat}::float8), 4326)`;
  } else if (input.buildingNumber) {
    const [b] = await tx.rows<{ id: number }>(
      sql`SELECT id FROM buildings WHERE compound_id = ${qr.id} AND number = ${input.buildingNumber}
        AND retired_at IS NULL`,
    );
    if (!b)
      throw badInput(
        'buildingNumber',
        'UNKNOWN_BUILDING',
        `building ${input.buildingNumber} is not in this compound`,
      );
    point = sql`(SELECT location FROM buildings WHERE id = ${b.id})`;
  } else {
    point = sql`(SELECT ST_PointOnSurface(boundary) FROM compounds WHERE id = ${qr.id})`;
  }
  const [found] = await tx.rows<Placement>(sql`
    WITH p AS (SELECT ${point} AS g)
    SELECT ST_X(p.g) AS lon, ST_Y(p.g) AS lat, c.id AS "compoundId", c.community_id AS "communityId",
      (SELECT g.id FROM grids g WHERE g.parent_id IS NULL AND g.retired_at IS NULL
         AND ST_Covers(g.boundary, p.g) ORDER BY g.id LIMIT 1) AS "gridId",
      (SELECT b.id FROM buildings b WHERE b.compound_id = c.id AND b.retired_at IS NULL
         AND ST_DWithin(b.location::geography, p.g::geography, 60) ORDER BY b.location <-> p.g LIMIT 1) AS "buildingId"
    FROM p JOIN compounds c ON ST_Covers(c.boundary, p.g) AND c.retired_at IS NULL
    ORDER BY (c.id = ${qr.id}) DESC, c.id LIMIT 1`);
  if (!found) throw badInput('lon', 'OUTSIDE_COMPOUNDS', 'the point is not inside any compound');
  return found;
}

/** How far a phone's GPS point may fall outside a compound and still be taken as in it: a fix in
 * a lane or on the road beside the gate is 10–50 m off (buildings block the sky). */
export const SNAP_METERS = 100;

/** A patrol without a compound code: PostGIS takes the compound its GPS point lies in, else the
 * nearest within SNAP_METERS (the point moved onto that compound's edge), then its grid and the
 * nearest building within 60 m, as for a QR report. */
async function snapToCompound(tx: Database, input: ReportInput): Promise<Placement> {
  if (input.lon == null || input.lat == null)
    throw badInput(
      'compoundCode',
      'REQUIRED',
      'give the compound code or the GPS point (lon, lat)',
    );
  const [found] = await tx.rows<Placement>(sql`
    WITH gps AS (SELECT ST_SetSRID(ST_MakePoint(${input.lon}::float8, ${input.lat}::float8), 4326) AS g),
    near AS (
      SELECT c.id, c.community_id, c.boundary
      FROM compounds c, gps
      WHERE c.retired_at IS NULL AND ST_DWithin(c.boundary::geography, gps.g::geography, ${SNAP_METERS})
      ORDER BY ST_Distance(c.boundary::geography, gps.g::geography), c.id LIMIT 1),
    p AS (
      SELECT near.id, near.community_id,
        CASE WHEN ST_Covers(near.boundary, gps.g) THEN gps.g
          ELSE ST_ClosestPoint(near.boundary, gps.g) END AS g
      FROM near, gps)
    SELECT ST_X(p.g) AS lon, ST_Y(p.g) AS lat, p.id AS "compoundId", p.community_id AS "communityId",
      (SELECT g.id FROM grids g WHERE g.parent_id IS NULL AND g.retired_at IS NULL
         AND ST_DWithin(g.boundary, p.g, 1e-9) ORDER BY g.id LIMIT 1) AS "gridId",
      (SELECT b.id FROM buildings b WHERE b.compound_id = p.id AND b.retired_at IS NULL
         AND ST_DWithin(b.location::geography, p.g::geography, 60) ORDER BY b.location <-> p.g LIMIT 1) AS "buildingId"
    FROM p`);
  if (!found)
    throw badInput(
      'lon',
      'OUTSIDE_COMPOUNDS',
      `the point is not within ${SNAP_METERS} m of any compound`,
    );
  return found;
}

/** Collect (收集): a resident's QR report or a grid worker's patrol photo report. Idempotent. */
export async function reportTicket(
  database: Database,
  input: ReportInput,
  now: Date,
  calendar: WorkingCalendar,
): Promise<Reported> {
  validateReport(input);
  const hash = requestHash(input);
  const existing = async (tx: Database) => {
    const [row] = await tx.rows<{ id: number; followToken: string; requestHash: string }>(sql`
      SELECT id, follow_token AS "followToken", request_hash AS "requestHash"
      FROM tickets WHERE idempotency_key = ${input.idempotencyKey}`);
    if (!row) return null;
    if (row.requestHash !== hash) {
      throw badInput(
        'idempotencyKey',
        'IDEMPOTENCY_KEY_REUSED',
        'this idempotencyKey was used for a different report',
      );
    }
    return { ticketId: row.id, followToken: row.followToken, created: false };
  };
  const first = await existing(database);
  if (first) return first;
  return database.transaction(async (tx) => {
    const at = await place(tx, input);
    let level: Level = 'COMMUNITY';
    let respondHours = DEFAULT_RESPOND_HOURS;
    let resolveHours: number | null = null;
    let categoryNumber: string | null = null;
    if (input.categoryCode) {
      ({
        level,
        respondHours,
        resolveHours,
        emergencyNumber: categoryNumber,
      } = await categoryRules(tx, input.categoryCode));
    }
    const urgent = urgentReport(input.description, categoryNumber);
    const followToken = crypto.randomBytes(18).toString('base64url');
    // urgent: an hour on the clock, whatever the working calendar says
    const respondBy = urgent
      ? new Date(now.getTime() + URGENT_RESPOND_HOURS * HOUR_MS)
      : addWorkingHours(calendar, now, respondHours);
    const resolveBy = resolveHours === null ? null : addWorkingHours(calendar, now, resolveHours);
    const local = localDate(now).replaceAll('-', '');
    const inserted = await tx.rows<{ id: number }>(sql`
      INSERT INTO tickets (code, category_code, status, level, location, compound_id, grid_id, building_id,
        community_id, description, reporter_name, reporter_phone, reporter_email, media_url, channel,
        idempotency_key, request_hash, follow_token, reported_at, respond_by, resolve_by, version, updated_at,
        emergency_kind, emergency_number)
      VALUES ('T' || ${local} || '-' || lpad(nextval('ticket_code_seq')::text, 6, '0'), ${input.categoryCode ?? null},
        'REPORTED', ${level}, ST_SetSRID(ST_MakePoint(${at.lon}::float8, ${at.lat}::float8), 4326),
        ${at.compoundId}, ${at.gridId}, ${at.buildingId}, ${at.communityId}, ${input.description.trim()},
        ${input.reporterName?.trim() ?? null}, ${input.reporterPhone?.trim() ?? null},
        ${input.reporterEmail?.trim() ?? null}, ${input.mediaUrl ?? null}, ${input.channel}, ${input.idempotencyKey},
        ${hash}, ${followToken}, ${now.toISOString()}, ${respondBy.toISOString()}, ${resolveBy?.toISOString() ?? null}, 1,
        ${now.toISOString()}, ${urgent?.kind ?? null}, ${urgent?.number ?? null})
      ON CONFLICT (idempotency_key) DO NOTHING
      RETURNING id`);
    if (inserted.length === 0) {
      // A concurrent retry with the same key committed first: answer with its ticket.
      const again = await existing(tx);
      if (!again) throw new YituError(ErrorCode.CONFLICT, 'report is being processed; retry');
      return again;
    }
    const ticketId = inserted[0]!.id;
    await attachPhotos(tx, ticketId, input.photoKeys ?? []);
    await tx.db.execute(sql`
      INSERT INTO ticket_events (ticket_id, type, from_status, to_status, actor, data, at)
      VALUES (${ticketId}, 'REPORTED', NULL, 'REPORTED', ${input.actor},
        ${JSON.stringify({
          channel: input.channel,
          ...(input.compoundCode ? { qrCompound: input.compoundCode } : { snapped: true }),
          ...(input.gridWorkerCode ? { gridWorker: input.gridWorkerCode } : {}),
          // the command centre's live feed shows it at once (the event is NOTIFYed like any)
          ...(urgent ? { urgent: true, emergencyKind: urgent.kind, call: urgent.number } : {}),
        })}::jsonb, ${now.toISOString()})`);
    return { ticketId, followToken, created: true };
  });
}

/** The grid a patrolling grid worker works, by the worker's code; null if there is none. */
export interface ActionRequest {
  ticketId: number;
  expectedVersion: number;
  action: TicketAction;
  /** How the credential is named in the event (account:…, token:…, resident, system). */
  actor: string;
  /** The person behind it (account:<username>, also for their tokens): the handler rule's
   * identity; the actor when not given. */
  person?: string;
  reason?: string | null;
  rating?: number | null;
  duplicateOfId?: number | null;
  /** DISPATCH: the resources sent (one or more). */
  resourceIds?: number[] | null;
  /** RESOLVE (and others): photos of the result, uploaded first. */
  photoKeys?: string[] | null;
  now?: Date;
}

/** Apply one action: decided by the state machine, written under the version check. */
export async function actOnTicket(database: Database, request: ActionRequest): Promise<number> {
  const now = request.now ?? new Date();
  // the API sets the actor from the session (account:…, token:…) or 'resident' for a private
  // link; direct callers (seed, jobs, tests) must name theirs the same way
  if (!/^(resident|system)$|^[a-z_]+:.{1,80}$/.test(request.actor)) {
    throw badInput('actor', 'FORMAT', 'actor is kind:identity (account:…, resource:…) or resident');
  }
  return database.transaction(async (tx) => {
    const [ticket] = await tx.rows<{
      status: TicketStatus;
      level: Level;
      suspendedFrom: TicketStatus | null;
      resolvedBy: string | null;
      closedAt: Date | null;
      rated: boolean;
      version: number;
    }>(sql`
      SELECT status, level, suspended_from AS "suspendedFrom", resolved_by AS "resolvedBy",
        closed_at AS "closedAt", satisfaction IS NOT NULL AS rated, version
      FROM tickets WHERE id = ${request.ticketId}`);
    if (!ticket) throw new YituError(ErrorCode.NOT_FOUND, 'ticket not found');
    if (ticket.version !== request.expectedVersion) {
      throw new YituError(
        ErrorCode.CONFLICT,
        `ticket changed (version ${ticket.version}, you had ${request.expectedVersion}); reload and retry`,
      );
    }
    const person = request.person ?? request.actor;
    const decision = decide(
      { ...ticket, closedAt: ticket.closedAt ? new Date(ticket.closedAt) : null },
      request.action,
      { actor: person, reason: request.reason ?? null, rating: request.rating ?? null, now },
    );
    if (!decision.ok) {
      throw decision.code === 'BAD_TRANSITION'
        ? new YituError(ErrorCode.BAD_TRANSITION, decision.message, 'action', 'NOT_ALLOWED')
        : badInput(
            request.action === 'FEEDBACK' ? 'rating' : 'reason',
            'REQUIRED',
            decision.message,
          );
    }
    if (request.action === 'REJECT_DUPLICATE') {
      if (!request.duplicateOfId || request.duplicateOfId === request.ticketId) {
        throw badInput('duplicateOfId', 'REQUIRED', 'name the original ticket this one duplicates');
      }
      const [original] = await tx.rows<{ id: number }>(
        sql`SELECT id FROM tickets WHERE id = ${request.duplicateOfId}`,
      );
      if (!original)
        throw badInput('duplicateOfId', 'UNKNOWN_TICKET', 'the original ticket does not exist');
    }
    // DISPATCH: lock and check the resources (capability, capacity, earlier declines) first.
    const sent =
      request.action === 'DISPATCH'
        ? await checkDispatch(tx, request.ticketId, ticket.status, request.resourceIds ?? [])
        : [];
    const at = now.toISOString();
    const a = request.action;
    const updated = await tx.rows<{ version: number }>(sql`
      UPDATE tickets SET
        status = ${decision.to}, level = ${decision.level}, version = version + 1, updated_at = ${at},
        owner = ${a === 'ACCEPT' ? sql`COALESCE(owner, ${request.actor})` : sql`owner`},
        accepted_at = ${a === 'ACCEPT' ? sql`COALESCE(accepted_at, ${at})` : sql`accepted_at`},
        resolved_by = ${a === 'RESOLVE' ? sql`${person}` : sql`resolved_by`},
        resolved_at = ${a === 'RESOLVE' ? sql`${at}` : sql`resolved_at`},
        suspended_from = ${a === 'SUSPEND' ? sql`status` : a === 'RESUME' ? sql`NULL` : sql`suspended_from`},
        satisfaction = ${a === 'FEEDBACK' ? sql`${request.rating}` : sql`satisfaction`},
        closed_at = ${a === 'CLOSE' ? sql`${at}` : a === 'REOPEN' ? sql`NULL` : sql`closed_at`},
        duplicate_of_id = ${a === 'REJECT_DUPLICATE' ? sql`${request.duplicateOfId}` : sql`duplicate_of_id`}
      WHERE id = ${request.ticketId} AND version = ${request.expectedVersion}
      RETURNING version`);
    if (updated.length === 0) {
      // Another change committed between our read and our write: the loser gets CONFLICT.
      throw new YituError(
        ErrorCode.CONFLICT,
        'ticket changed while you acted on it; reload and retry',
      );
    }
    await attachPhotos(tx, request.ticketId, request.photoKeys ?? []);
    if (a === 'DISPATCH') {
      await writeAssignments(tx, request.ticketId, ticket.status, sent, request.actor, now);
    }
    await tx.db.execute(sql`
      INSERT INTO ticket_events (ticket_id, type, from_status, to_status, actor, reason, data, at)
      VALUES (${request.ticketId}, ${a}, ${ticket.status}, ${decision.to}, ${request.actor}, ${request.reason ?? null},
        ${JSON.stringify({
          ...(decision.level !== ticket.level
            ? { fromLevel: ticket.level, toLevel: decision.level }
            : {}),
          ...(a === 'FEEDBACK' ? { rating: request.rating } : {}),
          ...(a === 'REJECT_DUPLICATE' ? { duplicateOfId: request.duplicateOfId } : {}),
          ...(a === 'DISPATCH' ? { resources: sent.map((r) => r.code) } : {}),
          ...(request.photoKeys?.length ? { photos: request.photoKeys } : {}),
        })}::jsonb, ${at})`);
    return updated[0]!.version;
  });
}

export interface ReturnVisit {
  ticketId: number;
  /** The credential (event actor) and the person who made the call or visit. */
  actor: string;
  person: string;
  channel: 'PHONE' | 'VISIT';
  rating: number;
  note?: string | null;
  now?: Date;
}

const VISITABLE: TicketStatus[] = ['VERIFIED', 'FEEDBACK', 'CLOSED'];

/**
 * Return visit 回访: staff ask the resident by phone or in person and record who asked, how,
 * and the answer. It is an event of its own: the ticket's status, version and the resident's own
 * rating (satisfaction, through their link) stay as they are, and statistics count it apart.
 */
export async function recordReturnVisit(database: Database, visit: ReturnVisit): Promise<void> {
  if (!Number.isInteger(visit.rating) || visit.rating < 1 || visit.rating > 5)
    throw badInput('rating', 'OUT_OF_RANGE', 'rating must be an integer 1–5');
  if ((visit.note?.length ?? 0) > 500)
    throw badInput('note', 'TOO_LONG', 'note is at most 500 characters');
  const now = visit.now ?? new Date();
  const [ticket] = await database.rows<{ status: TicketStatus }>(
    sql`SELECT status FROM tickets WHERE id = ${visit.ticketId}`,
  );
  if (!ticket) throw new YituError(ErrorCode.NOT_FOUND, 'ticket not found');
  if (!VISITABLE.includes(ticket.status))
    throw new YituError(
      ErrorCode.BAD_TRANSITION,
      `a return visit follows verified work; the ticket is ${ticket.status}`,
      'action',
      'NOT_ALLOWED',
    );
  await database.rows(sql`
    INSERT INTO ticket_events (ticket_id, type, from_status, to_status, actor, reason, data, at)
    VALUES (${visit.ticketId}, 'RETURN_VISIT', ${ticket.status}, ${ticket.status}, ${visit.actor},
      ${visit.note?.trim() || null},
      ${JSON.stringify({ channel: visit.channel, rating: visit.rating, by: visit.person })}::jsonb,
      ${now.toISOString()})`);
}

export interface ClassifyRequest {
  ticketId: number;
  expectedVersion: number;
  categoryCode: string;
  actor: string;
  now?: Date;
  /** The calendar the deadlines are counted on. */
  calendar: WorkingCalendar;
}

/**
 * Classify (分类): staff confirm or change the category. The ticket takes the category's level
 * (never below where it already is: a classification does not undo an escalation) and its
 * deadlines, counted in working hours from the report.
 */
export async function classifyTicket(database: Database, request: ClassifyRequest): Promise<void> {
  const now = request.now ?? new Date();
  await database.transaction(async (tx) => {
    const [ticket] = await tx.rows<{
      status: TicketStatus;
      level: Level;
      version: number;
      reportedAt: Date;
      categoryCode: string | null;
      emergencyKind: string | null;
    }>(sql`
      SELECT status, level, version, reported_at AS "reportedAt", category_code AS "categoryCode",
        emergency_kind AS "emergencyKind"
      FROM tickets WHERE id = ${request.ticketId}`);
    if (!ticket) throw new YituError(ErrorCode.NOT_FOUND, 'ticket not found');
    if (ticket.version !== request.expectedVersion) {
      throw new YituError(
        ErrorCode.CONFLICT,
        `ticket changed (version ${ticket.version}); reload and retry`,
      );
    }
    if (!CLASSIFIABLE.includes(ticket.status)) {
      throw new YituError(
        ErrorCode.BAD_TRANSITION,
        `a ${ticket.status} ticket cannot be reclassified`,
        'action',
        'NOT_ALLOWED',
      );
    }
    const category = await categoryRules(tx, request.categoryCode);
    const level = LADDER[Math.max(LADDER.indexOf(category.level), LADDER.indexOf(ticket.level))]!;
    const reported = new Date(ticket.reportedAt);
    // an urgent ticket keeps its hour; an emergency category makes an ordinary one urgent
    const urgent = ticket.emergencyKind !== null || category.emergencyNumber !== null;
    const respondBy = (
      urgent
        ? new Date(reported.getTime() + URGENT_RESPOND_HOURS * HOUR_MS)
        : addWorkingHours(request.calendar, reported, category.respondHours)
    ).toISOString();
    const resolveBy = addWorkingHours(
      request.calendar,
      reported,
      category.resolveHours,
    ).toISOString();
    const updated = await tx.rows<{ id: number }>(sql`
      UPDATE tickets SET category_code = ${request.categoryCode}, level = ${level}, respond_by = ${respondBy},
        resolve_by = ${resolveBy}, version = version + 1, updated_at = ${now.toISOString()},
        emergency_kind = COALESCE(emergency_kind, ${category.emergencyNumber === null ? null : 'CATEGORY'}),
        emergency_number = COALESCE(emergency_number, ${category.emergencyNumber})
      WHERE id = ${request.ticketId} AND version = ${request.expectedVersion} RETURNING id`);
    if (updated.length === 0)
      throw new YituError(
        ErrorCode.CONFLICT,
        'ticket changed while you classified it; reload and retry',
      );
    await tx.db.execute(sql`
      INSERT INTO ticket_events (ticket_id, type, from_status, to_status, actor, data, at)
      VALUES (${request.ticketId}, 'CLASSIFY', ${ticket.status}, ${ticket.status}, ${request.actor},
        ${JSON.stringify({ from: ticket.categoryCode, to: request.categoryCode, level })}::jsonb, ${now.toISOString()})`);
  });
}

/**
 * The ticket behind a resident's private follow link, or NOT_FOUND: their own report's link, or
 * the link of a resident who followed it instead of filing (附议, `follower`). A ticket marked as
 * a duplicate names its original, which the link may read too.
 */
export async function ticketIdByFollowToken(
  database: Database,
  token: string,
): Promise<{
  id: number;
  version: number;
  reporterName: string;
  follower: boolean;
  duplicateOfId: number | null;
}> {
  const [row] = /^[\w-]{16,64}$/.test(token)
    ? await database.rows<{
        id: number;
        version: number;
        reporterName: string;
        follower: boolean;
        duplicateOfId: number | null;
      }>(sql`
        SELECT id, version, reporter_name AS "reporterName", false AS follower,
          duplicate_of_id AS "duplicateOfId"
        FROM tickets WHERE follow_token = ${token}
        UNION ALL
        SELECT t.id, t.version, f.name, true, t.duplicate_of_id
        FROM ticket_followers f JOIN tickets t ON t.id = f.ticket_id WHERE f.follow_token = ${token}`)
    : [];
  if (!row) throw new YituError(ErrorCode.NOT_FOUND, 'no ticket for this link');
  return row;
}

/** Rating and reopening are the reporter's: a follower's link only reads. */
export async function reporterTicketByFollowToken(database: Database, token: string) {
  const found = await ticketIdByFollowToken(database, token);
  if (found.follower)
    throw new YituError(
      ErrorCode.FORBIDDEN,
      'this link follows a ticket someone else reported: only they rate or reopen it',
      'token',
      'FOLLOWER_LINK',
    );
  return found;
}

/** Attach uploaded photos to a ticket (at report, or with a resolution). Each photo once. */
async function attachPhotos(tx: Database, ticketId: number, photoKeys: string[]): Promise<void> {
  if (photoKeys.length > 9) throw badInput('photoKeys', 'TOO_MANY', 'at most 9 photos');
  if (photoKeys.length === 0) return;
  const keys = `{${photoKeys.map((k) => `"${k.replace(/[^\w-]/g, '')}"`).join(',')}}`;
  const attached = await tx.rows<{ id: number }>(sql`
    UPDATE photos SET ticket_id = ${ticketId}
    WHERE key = ANY(${keys}::text[]) AND ticket_id IS NULL
    RETURNING id`);
  if (attached.length !== new Set(photoKeys).size) {
    throw badInput(
      'photoKeys',
      'UNKNOWN_PHOTO',
      'a photo key is unknown or already attached to another ticket',
    );
  }
}

/** A category's level and working-hour limits; BAD_USER_INPUT for an unknown code. */
async function categoryRules(tx: Database, code: string) {
  const [category] = await tx.rows<{
    level: Level;
    respondHours: number;
    resolveHours: number;
    emergencyNumber: string | null;
  }>(sql`
    SELECT level, respond_hours AS "respondHours", resolve_hours AS "resolveHours",
      emergency_number AS "emergencyNumber"
    FROM categories WHERE code = ${code}`);
  if (!category) throw badInput('categoryCode', 'UNKNOWN_CATEGORY', `no category ${code}`);
  return category;
}
