import crypto from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db';
import { badInput, ErrorCode, YituError } from '../../errors';
import { suggestCategory } from './classifier';
import { urgentReport, type Emergency } from './emergency';

// At intake, before anything is filed: is it an emergency (call 119/110/120 now), what category
// does it read as, and has someone nearby already reported it (已有人反映)? A resident may then
// follow the existing ticket instead of filing (附议). No GraphQL here.

/** Only tickets reported this recently count as the same matter. */
export const DUPLICATE_WINDOW_DAYS = 30;
const MAX_EXISTING = 5;
const PHONE = /^(1\d{10}|0\d{2,3}-?\d{7,8})$/;

export interface NearbyTicket {
  ticketId: number;
  /** Metres from the point asked about (PostGIS, on the spheroid). */
  distanceM: number;
}

/**
 * Open tickets of one category within that category's radius (categories.duplicate_radius_m)
 * of `point`, reported in the last 30 days, nearest first. Tickets already marked as someone
 * else's duplicate are not offered: their original is.
 */
export async function nearbyOpenTickets(
  database: Database,
  point: SQL,
  categoryCode: string,
  now: Date,
  options: { excludeId?: number; limit?: number; only?: SQL } = {},
): Promise<NearbyTicket[]> {
  const since = new Date(now.getTime() - DUPLICATE_WINDOW_DAYS * 86_400_000).toISOString();
  return database.rows<NearbyTicket>(sql`
    WITH p AS (SELECT (${point})::geography AS g),
      k AS (SELECT duplicate_radius_m AS r FROM categories WHERE code = ${categoryCode})
    SELECT t.id AS "ticketId", round(ST_Distance(t.location::geography, p.g)::numeric, 1)::float8 AS "distanceM"
    FROM tickets t, p, k
    WHERE t.category_code = ${categoryCode}
      AND ST_DWithin(t.location::geography, p.g, k.r)
      AND t.status NOT IN ('CLOSED', 'REJECTED', 'TRANSFERRED')
      AND t.duplicate_of_id IS NULL
      AND t.reported_at >= ${since}::timestamptz AND t.reported_at <= ${now.toISOString()}::timestamptz
      AND t.id <> ${options.excludeId ?? 0}
      AND ${options.only ?? sql`true`}
    ORDER BY ST_Distance(t.location::geography, p.g), t.id
    LIMIT ${options.limit ?? MAX_EXISTING}`);
}

/** The point a QR report without coordinates stands for: its building, else its compound. */
async function qrPoint(
  database: Database,
  compoundCode: string,
  buildingNumber: string | null | undefined,
): Promise<SQL> {
  const [c] = await database.rows<{ id: number }>(
    sql`SELECT id FROM compounds WHERE code = ${compoundCode} AND retired_at IS NULL`,
  );
  if (!c)
    throw badInput('compoundCode', 'UNKNOWN_COMPOUND', `no compound has the code ${compoundCode}`);
  if (buildingNumber) {
    const [b] = await database.rows<{ id: number }>(sql`
      SELECT id FROM buildings WHERE compound_id = ${c.id} AND number = ${buildingNumber}
        AND retired_at IS NULL`);
    if (b) return sql`(SELECT location FROM buildings WHERE id = ${b.id})`;
  }
  return sql`(SELECT ST_PointOnSurface(boundary) FROM compounds WHERE id = ${c.id})`;
}

export interface Advice {
  emergency: Emergency | null;
  /** The classifier's best guess, or the category the resident chose; null for no text. */
  categoryCode: string | null;
  confidence: number;
  existing: NearbyTicket[];
}

/** What the QR page tells a resident while they type. */
export async function adviseReport(
  database: Database,
  input: {
    compoundCode: string;
    buildingNumber?: string | null;
    text: string;
    categoryCode?: string | null;
  },
  now: Date,
): Promise<Advice> {
  const text = input.text.slice(0, 4000);
  let categoryCode = input.categoryCode ?? null;
  let confidence = 1;
  if (!categoryCode && text.trim().length > 0) {
    const { top } = suggestCategory(text);
    categoryCode = top.categoryCode;
    confidence = top.confidence;
  }
  let categoryNumber: string | null = null;
  if (categoryCode) {
    const [k] = await database.rows<{ n: string | null }>(
      sql`SELECT emergency_number AS n FROM categories WHERE code = ${categoryCode}`,
    );
    if (!k) throw badInput('categoryCode', 'UNKNOWN_CATEGORY', `no category ${categoryCode}`);
    categoryNumber = k.n;
  }
  const emergency = text.trim() || input.categoryCode ? urgentReport(text, categoryNumber) : null;
  const point = await qrPoint(database, input.compoundCode, input.buildingNumber);
  const existing = categoryCode ? await nearbyOpenTickets(database, point, categoryCode, now) : [];
  return { emergency, categoryCode, confidence: categoryCode ? confidence : 0, existing };
}

export interface FollowInput {
  ticketId: number;
  compoundCode: string;
  buildingNumber?: string | null;
  categoryCode: string;
  reporterName: string;
  reporterPhone: string;
  idempotencyKey: string;
}

/**
 * 附议: the resident follows an existing ticket instead of filing a new one. Only a ticket the
 * page could have offered them (open, same category, near their compound, recent) may be
 * followed: a follow link is a way to read a ticket, not to be had for any ticket's code.
 */
export async function followExisting(
  database: Database,
  input: FollowInput,
  now: Date,
): Promise<{ followToken: string; ticketId: number }> {
  const name = input.reporterName.trim();
  if (name.length < 1 || name.length > 50)
    throw badInput('reporterName', 'LENGTH', 'name must be 1–50 characters');
  if (!PHONE.test(input.reporterPhone.trim()))
    throw badInput('reporterPhone', 'FORMAT', 'phone must be a mainland mobile or a landline');
  if (!/^[\w-]{8,100}$/.test(input.idempotencyKey))
    throw badInput(
      'idempotencyKey',
      'FORMAT',
      'idempotencyKey must be 8–100 letters, digits, _ or -',
    );
  return database.transaction(async (tx) => {
    const [again] = await tx.rows<{ followToken: string; ticketId: number }>(sql`
      SELECT follow_token AS "followToken", ticket_id AS "ticketId" FROM ticket_followers
      WHERE idempotency_key = ${input.idempotencyKey}`);
    if (again) {
      if (again.ticketId !== input.ticketId)
        throw badInput(
          'idempotencyKey',
          'IDEMPOTENCY_KEY_REUSED',
          'this key followed another ticket',
        );
      return again;
    }
    const point = await qrPoint(tx, input.compoundCode, input.buildingNumber);
    const near = await nearbyOpenTickets(tx, point, input.categoryCode, now, {
      only: sql`t.id = ${input.ticketId}`,
    });
    if (near.length === 0)
      throw badInput(
        'ticketId',
        'NOT_NEARBY',
        'only an open ticket of the same category reported near this compound in the last 30 days can be followed',
      );
    const followToken = crypto.randomBytes(18).toString('base64url');
    await tx.rows(sql`
      INSERT INTO ticket_followers (ticket_id, follow_token, name, phone, idempotency_key, created_at)
      VALUES (${input.ticketId}, ${followToken}, ${name}, ${input.reporterPhone.trim()},
        ${input.idempotencyKey}, ${now.toISOString()})`);
    // the event log says so (and the live feed): it changes nothing staff act on, so no version bump
    const [t] = await tx.rows<{ status: string }>(
      sql`SELECT status FROM tickets WHERE id = ${input.ticketId}`,
    );
    if (!t) throw new YituError(ErrorCode.NOT_FOUND, 'ticket not found');
    await tx.rows(sql`
      INSERT INTO ticket_events (ticket_id, type, from_status, to_status, actor, data, at)
      VALUES (${input.ticketId}, 'SECONDED', ${t.status}::ticket_status, ${t.status}::ticket_status, 'resident',
        ${JSON.stringify({ qrCompound: input.compoundCode })}::jsonb, ${now.toISOString()})`);
    return { followToken, ticketId: input.ticketId };
  });
}
