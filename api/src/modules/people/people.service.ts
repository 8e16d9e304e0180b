import { sql } from 'drizzle-orm';
import { createAccount, newSecret, secretHash } from '../../auth/credentials';
import type { Database } from '../../db';
import { badInput, ErrorCode, YituError } from '../../errors';
import { checkedPolygon } from '../../graphql/filter';
import { answerDispatch } from '../matching/dispatch.service';
import type { OfferAnswer } from '../ticket/ticket-machine';
import type { TicketStatus } from '../ticket/ticket-status';
import { actOnTicket } from '../ticket/ticket.service';

// The people who do the work (issue 18): invitations that create a resource's account, what
// that account does with the offers sent to it (the same loop code staff use when they record
// an answer for it), its availability, and party members' registrations (双报到). No GraphQL.

/** Kinds whose people get their own sign-in; property companies, law enforcement and
 * departments are answered for by staff as before. */
export const INVITABLE_KINDS = [
  'PARTY_MEMBER',
  'VOLUNTEER_TEAM',
  'SOCIAL_ORG',
  'COMMUNITY_PARTNER',
];
const MAX_INVITE_HOURS = 168;
const USERNAME = /^[a-z0-9][a-z0-9._-]{1,39}$/;

export interface InviteRequest {
  resourcePk: number;
  username: string;
  displayName: string;
  expiresInHours: number;
  invitedBy: string;
  now: Date;
}

/** A one-time link for a resource's person; the secret is returned once and kept as a hash. */
export async function invite(
  database: Database,
  r: InviteRequest,
): Promise<{ token: string; path: string; username: string; expiresAt: Date }> {
  const username = r.username.trim().toLowerCase();
  if (!USERNAME.test(username))
    throw badInput(
      'input.username',
      'FORMAT',
      'username is 2–40 of a–z 0–9 . _ - (a letter or digit first)',
    );
  const displayName = r.displayName.trim();
  if (displayName.length < 1 || displayName.length > 50)
    throw badInput('input.displayName', 'LENGTH', 'displayName is 1–50 characters');
  if (
    !Number.isInteger(r.expiresInHours) ||
    r.expiresInHours < 1 ||
    r.expiresInHours > MAX_INVITE_HOURS
  )
    throw badInput(
      'input.expiresInHours',
      'OUT_OF_RANGE',
      `expiresInHours is 1–${MAX_INVITE_HOURS}`,
    );
  const [resource] = await database.rows<{ kind: string; retired: boolean; pending: boolean }>(sql`
    SELECT kind, retired_at IS NOT NULL AS retired, pending_since IS NOT NULL AS pending
    FROM resources WHERE id = ${r.resourcePk} FOR UPDATE`);
  if (!resource) throw new YituError(ErrorCode.NOT_FOUND, 'resource not found');
  if (resource.retired)
    throw badInput('input.resourceId', 'RETIRED', 'this resource has been retired (撤销)');
  if (resource.pending)
    throw badInput(
      'input.resourceId',
      'NOT_APPROVED',
      'approve the party member’s registration first',
    );
  if (!INVITABLE_KINDS.includes(resource.kind))
    throw badInput(
      'input.resourceId',
      'NOT_INVITABLE',
      `${resource.kind} is answered for by staff; accounts are for ${INVITABLE_KINDS.join(', ')}`,
    );
  const [taken] = await database.rows<{ taken: boolean }>(sql`
    SELECT EXISTS (SELECT 1 FROM accounts WHERE username = ${username})
      OR EXISTS (SELECT 1 FROM account_invites WHERE username = ${username} AND used_at IS NULL
        AND expires_at > ${r.now.toISOString()}::timestamptz) AS taken`);
  if (taken!.taken) throw badInput('input.username', 'TAKEN', `the username ${username} is taken`);
  const token = newSecret('yi');
  const expiresAt = new Date(r.now.getTime() + r.expiresInHours * 3_600_000);
  await database.rows(sql`
    INSERT INTO account_invites (secret_hash, resource_id, username, display_name, invited_by, created_at, expires_at)
    VALUES (${secretHash(token)}, ${r.resourcePk}, ${username}, ${displayName}, ${r.invitedBy},
      ${r.now.toISOString()}::timestamptz, ${expiresAt.toISOString()}::timestamptz)`);
  // in the fragment: a browser never sends it to a server, nor in a Referer
  return { token, path: `/v/invite#${token}`, username, expiresAt };
}

interface InviteRow {
  pk: number;
  resourcePk: number;
  username: string;
  displayName: string;
  resourceName: string;
  expiresAt: Date;
  usedAt: Date | null;
}

/** The invitation a link holds, or the reason it no longer works (the same for unknown ones). */
async function liveInvite(database: Database, token: string, now: Date, lock: boolean) {
  if (typeof token !== 'string' || token.length > 200)
    throw badInput('token', 'INVALID_INVITE', 'this link is not valid');
  const [row] = await database.rows<InviteRow>(sql`
    SELECT i.id AS pk, i.resource_id AS "resourcePk", i.username, i.display_name AS "displayName",
      r.name AS "resourceName", i.expires_at AS "expiresAt", i.used_at AS "usedAt"
    FROM account_invites i JOIN resources r ON r.id = i.resource_id
    WHERE i.secret_hash = ${secretHash(token)} ${lock ? sql`FOR UPDATE OF i` : sql``}`);
  if (!row) throw badInput('token', 'INVALID_INVITE', 'this link is not valid');
  if (row.usedAt)
    throw badInput('token', 'INVITE_USED', 'this link has been used; sign in instead');
  if (new Date(row.expiresAt).getTime() <= now.getTime())
    throw badInput(
      'token',
      'INVITE_EXPIRED',
      'this link has expired; ask the community for a new one',
    );
  return row;
}

export const invitation = (database: Database, token: string, now: Date) =>
  liveInvite(database, token, now, false);

/** Sets the password through the link, once: creates the account bound to the resource. */
export async function acceptInvitation(
  database: Database,
  token: string,
  password: string,
  now: Date,
): Promise<{ username: string; accountPk: number }> {
  const row = await liveInvite(database, token, now, true);
  const [exists] = await database.rows<{ id: number }>(
    sql`SELECT id FROM accounts WHERE username = ${row.username}`,
  );
  if (exists)
    throw badInput('token', 'TAKEN', `the username ${row.username} has been taken meanwhile`);
  const accountPk = await createAccount(database, {
    username: row.username,
    displayName: row.displayName,
    role: 'RESOURCE',
    password,
    resourcePk: row.resourcePk,
    at: now,
  });
  await database.rows(sql`
    UPDATE account_invites SET used_at = ${now.toISOString()}::timestamptz, account_id = ${accountPk}
    WHERE id = ${row.pk}`);
  return { username: row.username, accountPk };
}

/** The resource takes or declines an offer itself: the loop moves as when staff record it. */
export async function answerOffer(
  database: Database,
  r: { offerPk: number; answer: OfferAnswer; reason: string | null; actor: string; now: Date },
): Promise<void> {
  if (r.reason && r.reason.length > 500)
    throw badInput('input.reason', 'TOO_LONG', 'reason is at most 500 characters');
  await answerDispatch(database, {
    assignmentId: r.offerPk,
    answer: r.answer,
    reason: r.reason,
    recordedBy: r.actor,
    now: r.now,
  });
}

/**
 * The resource reports the work done, with photos and a note: the ticket it took is started
 * (if it was not) and resolved by its account, for staff to verify (核查) as any resolution.
 */
export async function finishOffer(
  database: Database,
  r: {
    offerPk: number;
    note: string;
    photoKeys: string[];
    hours: number;
    actor: string;
    now: Date;
  },
): Promise<void> {
  const note = r.note.trim();
  if (note.length < 1 || note.length > 1000)
    throw badInput('input.note', 'LENGTH', 'note is 1–1,000 characters');
  if (r.photoKeys.length < 1)
    throw badInput('input.photoKeys', 'REQUIRED', 'add a photo of the result');
  if (!(r.hours > 0 && r.hours <= 24))
    throw badInput('input.hours', 'OUT_OF_RANGE', 'hours is more than 0 and at most 24');
  await database.transaction(async (tx) => {
    const [row] = await tx.rows<{
      status: string;
      doneAt: Date | null;
      ticketPk: number;
      ticketStatus: TicketStatus;
      version: number;
    }>(sql`
      SELECT a.status, a.done_at AS "doneAt", a.ticket_id AS "ticketPk", t.status AS "ticketStatus", t.version
      FROM ticket_assignments a JOIN tickets t ON t.id = a.ticket_id
      WHERE a.id = ${r.offerPk} FOR UPDATE OF a`);
    if (!row) throw new YituError(ErrorCode.NOT_FOUND, 'offer not found');
    if (row.status !== 'ACCEPTED')
      throw new YituError(
        ErrorCode.BAD_TRANSITION,
        `take the offer before reporting it done (it is ${row.status})`,
        'offerId',
        'NOT_TAKEN',
      );
    // done once per round of work: a failed check (VERIFY_FAIL) or a reopened and re-sent ticket
    // is back in hand, and its person reports it done again
    if (row.doneAt && row.ticketStatus !== 'DISPATCHED' && row.ticketStatus !== 'IN_PROGRESS')
      throw new YituError(
        ErrorCode.BAD_TRANSITION,
        'already reported done',
        'offerId',
        'ALREADY_DONE',
      );
    let version = row.version;
    if (row.ticketStatus === 'DISPATCHED')
      version = await actOnTicket(tx, {
        ticketId: row.ticketPk,
        expectedVersion: version,
        action: 'START',
        actor: r.actor,
        now: r.now,
      });
    await actOnTicket(tx, {
      ticketId: row.ticketPk,
      expectedVersion: version,
      action: 'RESOLVE',
      actor: r.actor,
      reason: note,
      photoKeys: r.photoKeys,
      now: r.now,
    });
    await tx.rows(sql`
      UPDATE ticket_assignments SET done_at = ${r.now.toISOString()}::timestamptz, done_note = ${note},
        hours = coalesce(hours, 0) + ${r.hours}
      WHERE id = ${r.offerPk}`);
  });
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export interface AvailabilityRequest {
  resourcePk: number;
  expectedVersion: number;
  always: boolean;
  weekly: { weekday: number; from: string; to: string }[];
  monthlyDays: number[];
}

/** A resource's own hours: written as matching reads them (yitu_next_available), versioned. */
export async function setAvailability(database: Database, r: AvailabilityRequest): Promise<void> {
  if (r.weekly.length > 21) throw badInput('input.weekly', 'TOO_MANY', 'at most 21 weekly slots');
  r.weekly.forEach((w, i) => {
    if (!Number.isInteger(w.weekday) || w.weekday < 1 || w.weekday > 7)
      throw badInput(
        `input.weekly.${i}.weekday`,
        'OUT_OF_RANGE',
        'weekday is 1 (Monday) – 7 (Sunday)',
      );
    if (!HHMM.test(w.from)) throw badInput(`input.weekly.${i}.from`, 'FORMAT', 'from is HH:MM');
    if (!HHMM.test(w.to)) throw badInput(`input.weekly.${i}.to`, 'FORMAT', 'to is HH:MM');
    if (w.to <= w.from) throw badInput(`input.weekly.${i}.to`, 'BEFORE_FROM', 'to is after from');
  });
  const days = [...new Set(r.monthlyDays)].sort((a, b) => a - b);
  days.forEach((d, i) => {
    if (!Number.isInteger(d) || d < 1 || d > 31)
      throw badInput(`input.monthlyDays.${i}`, 'OUT_OF_RANGE', 'a day of the month is 1–31');
  });
  if (!r.always && r.weekly.length === 0 && days.length === 0)
    throw badInput('input.weekly', 'REQUIRED', 'give weekly hours, service days, or always');
  const availability = r.always
    ? { always: true }
    : {
        ...(r.weekly.length ? { weekly: r.weekly.map((w) => [w.weekday, w.from, w.to]) } : {}),
        ...(days.length ? { monthlyDays: days } : {}),
      };
  const updated = await database.rows(sql`
    UPDATE resources SET availability = ${JSON.stringify(availability)}::jsonb, version = version + 1
    WHERE id = ${r.resourcePk} AND version = ${r.expectedVersion} RETURNING id`);
  if (updated.length === 0)
    throw new YituError(
      ErrorCode.CONFLICT,
      'your details changed meanwhile; reload and retry',
      'input.expectedVersion',
      'STALE_VERSION',
    );
}

/** Registrations one community may hold waiting at once: a public form cannot flood it. */
export const MAX_PENDING_PER_COMMUNITY = 200;
/** Registrations one client address may send an hour (the page is public: a bound on spam). */
export const MAX_REGISTRATIONS_PER_ADDRESS_HOUR = 5;
const PHONE = /^1\d{10}$/;
const SKILL = /^[a-z_]{2,40}$/;

export interface PartyRegistration {
  communityCode: string;
  name: string;
  unit: string;
  phone: string;
  skills: string[];
  zone: unknown;
  now: Date;
  /** The client's address, kept only as a hash, to bound registrations per address. */
  from: string;
}

/**
 * 双报到: a party member registers at a community with the zone they claim (a polygon inside
 * it); a resource is created waiting for approval, which matching and dispatch never send.
 */
export async function registerPartyMember(
  database: Database,
  r: PartyRegistration,
): Promise<{ code: string; pk: number }> {
  const name = r.name.trim();
  if (name.length < 1 || name.length > 50)
    throw badInput('input.name', 'LENGTH', 'name is 1–50 characters');
  const unit = r.unit.trim();
  if (unit.length < 1 || unit.length > 100)
    throw badInput('input.unit', 'LENGTH', 'unit is 1–100 characters');
  if (!PHONE.test(r.phone.trim()))
    throw badInput('input.phone', 'FORMAT', 'phone is a mainland mobile (11 digits)');
  if (r.skills.length < 1 || r.skills.length > 10)
    throw badInput('input.skills', 'LENGTH', 'give 1–10 skills');
  r.skills.forEach((skill, i) => {
    if (!SKILL.test(skill))
      throw badInput(`input.skills.${i}`, 'FORMAT', 'a skill is a snake_case word such as repair');
  });
  const from = secretHash(`registration:${r.from}`).slice(0, 24);
  // registrations at one community are counted one at a time (not a lock on the region's row,
  // which imports and edits take)
  await database.rows(
    sql`SELECT pg_advisory_xact_lock(hashtext(${`party-registration:${r.communityCode}`}))`,
  );
  const [community] = await database.rows<{ pk: number; pending: number; fromHere: number }>(sql`
    SELECT id AS pk,
      (SELECT count(*)::int FROM resources WHERE community_id = regions.id AND pending_since IS NOT NULL
        AND retired_at IS NULL) AS pending,
      (SELECT count(*)::int FROM resources WHERE pending_since IS NOT NULL AND metadata->>'from' = ${from}
        AND pending_since > ${r.now.toISOString()}::timestamptz - interval '1 hour') AS "fromHere"
    FROM regions WHERE code = ${r.communityCode} AND level = 'COMMUNITY'`);
  if (!community)
    throw badInput('input.communityCode', 'UNKNOWN', `no community ${r.communityCode}`);
  if (community.fromHere >= MAX_REGISTRATIONS_PER_ADDRESS_HOUR)
    throw new YituError(
      ErrorCode.RATE_LIMITED,
      `at most ${MAX_REGISTRATIONS_PER_ADDRESS_HOUR} registrations an hour from one address; try again later`,
      'input',
      'REGISTRATIONS_PER_HOUR',
    );
  if (community.pending >= MAX_PENDING_PER_COMMUNITY)
    throw badInput(
      'input.communityCode',
      'TOO_MANY_PENDING',
      'this community has too many registrations waiting; try again later',
    );
  if ((r.zone as { type?: unknown } | null)?.type !== 'Polygon')
    throw badInput('input.zone', 'NOT_A_POLYGON', 'the zone is a GeoJSON Polygon');
  const zone = await checkedPolygon(database, r.zone, 'input.zone');
  const [inside] = await database.rows<{ inside: boolean }>(sql`
    SELECT ST_CoveredBy(ST_SetSRID(ST_GeomFromGeoJSON(${zone}), 4326), boundary) AS inside
    FROM regions WHERE id = ${community.pk}`);
  if (!inside?.inside)
    throw badInput('input.zone', 'OUTSIDE_COMMUNITY', 'the zone must lie inside the community');
  const [row] = await database.rows<{ pk: number; code: string }>(sql`
    WITH z AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON(${zone}), 4326) AS g)
    INSERT INTO resources (code, kind, name, community_id, location, service_area, capabilities, capacity,
      availability, may_decline, contact_name, contact_phone, pending_since, metadata)
    SELECT 'PM-' || ${r.communityCode} || '-' || substr(md5(random()::text), 1, 8), 'PARTY_MEMBER', ${name},
      ${community.pk}, ST_PointOnSurface(z.g), ST_Multi(z.g), ${`{${r.skills.join(',')}}`}::text[], 1,
      '{"monthlyDays":[8,18,28]}'::jsonb, true, ${name}, ${r.phone.trim()}, ${r.now.toISOString()}::timestamptz,
      ${JSON.stringify({ unit, registered: '双报到', from })}::jsonb
    FROM z RETURNING id AS pk, code`);
  return row!;
}

/**
 * Community staff turn a registration down (spam, a person the community does not know): it is
 * retired, never dispatched, and no longer counts against the community's waiting list.
 */
export async function rejectPartyMember(
  database: Database,
  resourcePk: number,
  reason: string,
  now: Date,
): Promise<void> {
  if (reason.trim().length < 2 || reason.trim().length > 200)
    throw badInput('reason', 'LENGTH', 'give the reason in 2–200 characters');
  const [row] = await database.rows<{ pending: boolean; retired: boolean }>(sql`
    SELECT pending_since IS NOT NULL AS pending, retired_at IS NOT NULL AS retired
    FROM resources WHERE id = ${resourcePk} FOR UPDATE`);
  if (!row) throw new YituError(ErrorCode.NOT_FOUND, 'resource not found');
  if (!row.pending || row.retired)
    throw new YituError(
      ErrorCode.BAD_TRANSITION,
      row.retired ? 'already turned down' : 'already approved: retire the resource instead',
      'resourceId',
      row.retired ? 'ALREADY_REJECTED' : 'ALREADY_APPROVED',
    );
  await database.rows(sql`
    UPDATE resources SET retired_at = ${now.toISOString()}::timestamptz, version = version + 1,
      metadata = metadata || ${JSON.stringify({ rejected: reason.trim() })}::jsonb
    WHERE id = ${resourcePk}`);
}

/** Community staff approve a registration: from now on matching and dispatch may send it. */
export async function approvePartyMember(database: Database, resourcePk: number): Promise<void> {
  const [row] = await database.rows<{ pending: boolean; retired: boolean }>(sql`
    SELECT pending_since IS NOT NULL AS pending, retired_at IS NOT NULL AS retired
    FROM resources WHERE id = ${resourcePk} FOR UPDATE`);
  if (!row) throw new YituError(ErrorCode.NOT_FOUND, 'resource not found');
  if (row.retired)
    throw new YituError(
      ErrorCode.BAD_TRANSITION,
      'turned down or retired: it cannot be approved',
      'resourceId',
      'RETIRED',
    );
  if (!row.pending)
    throw new YituError(
      ErrorCode.BAD_TRANSITION,
      'already approved',
      'resourceId',
      'ALREADY_APPROVED',
    );
  await database.rows(sql`
    UPDATE resources SET pending_since = NULL, version = version + 1 WHERE id = ${resourcePk}`);
}
