import { sql } from 'drizzle-orm';
import type { Database } from '../../db';
import { maskPhonesInText } from '../../auth/mask';
import { toGlobalId } from '../../graphql/ids';
import type { MyResource, Offer, RegistrationCommunity, ResourceRecord } from './people.type';

// Reads for a resource's own account: its offers, its record, its resource. Every statement is
// bound to the one resource the account works for (the policy checks offers named by id).

const offerColumns = sql`a.id AS pk, a.resource_id AS "resourcePk", a.ticket_id AS "ticketPk",
  a.status, a.assigned_at AS "assignedAt", a.responded_at AS "respondedAt",
  a.decline_reason AS "declineReason", a.done_at AS "doneAt", a.done_note AS "doneNote", a.hours,
  t.code AS "ticketCode", t.status AS "ticketStatus", c.name_zh AS "categoryName", t.description,
  p.name AS "compoundName", b.number AS "buildingNumber", ST_X(t.location) AS lon,
  ST_Y(t.location) AS lat, t.resolve_by AS "resolveBy", r.may_decline AS "mayDecline"`;
const offerFrom = sql`ticket_assignments a JOIN tickets t ON t.id = a.ticket_id
  JOIN resources r ON r.id = a.resource_id JOIN compounds p ON p.id = t.compound_id
  LEFT JOIN buildings b ON b.id = t.building_id LEFT JOIN categories c ON c.code = t.category_code`;
const asOffer = (row: Offer): Offer => ({
  ...row,
  id: toGlobalId('TicketAssignment', row.pk),
  // a phone the resident typed into the text: the resource never sees it whole
  description: maskPhonesInText(row.description),
});

/** The offers sent to a resource: open ones first (waiting, then taken), newest first. */
export async function offersOf(
  database: Database,
  resourcePk: number,
  openOnly: boolean,
): Promise<Offer[]> {
  const rows = await database.rows<Offer>(sql`
    SELECT ${offerColumns} FROM ${offerFrom}
    WHERE a.resource_id = ${resourcePk} AND a.status <> 'RELEASED'
      ${openOnly ? sql`AND a.status IN ('OFFERED', 'ACCEPTED') AND (a.done_at IS NULL OR t.status IN ('DISPATCHED', 'IN_PROGRESS')) AND t.status IN ('DISPATCHED', 'IN_PROGRESS', 'SUSPENDED')` : sql``}
    ORDER BY (a.status = 'OFFERED') DESC,
      ((a.done_at IS NULL OR t.status IN ('DISPATCHED', 'IN_PROGRESS')) AND a.status = 'ACCEPTED' AND t.status IN ('DISPATCHED', 'IN_PROGRESS', 'SUSPENDED')) DESC,
      a.assigned_at DESC, a.id DESC
    LIMIT 200`);
  return rows.map(asOffer);
}

export async function offerById(database: Database, pk: number): Promise<Offer | null> {
  const [row] = await database.rows<Offer>(sql`
    SELECT ${offerColumns} FROM ${offerFrom} WHERE a.id = ${pk}`);
  return row ? asOffer(row) : null;
}

/** Services done, hours and the residents' ratings of them. */
export async function recordOf(database: Database, resourcePk: number): Promise<ResourceRecord> {
  const [row] = await database.rows<ResourceRecord>(sql`
    SELECT ${resourcePk}::int AS "resourcePk",
      count(*) FILTER (WHERE a.status <> 'RELEASED')::int AS offers,
      count(*) FILTER (WHERE a.status = 'DECLINED')::int AS declined,
      count(*) FILTER (WHERE a.done_at IS NOT NULL)::int AS services,
      COALESCE(sum(a.hours) FILTER (WHERE a.done_at IS NOT NULL), 0)::float8 AS hours,
      count(t.satisfaction) FILTER (WHERE a.done_at IS NOT NULL)::int AS rated,
      (avg(t.satisfaction) FILTER (WHERE a.done_at IS NOT NULL))::float8 AS "averageRating"
    FROM ticket_assignments a JOIN tickets t ON t.id = a.ticket_id
    WHERE a.resource_id = ${resourcePk}`);
  return row!;
}

export async function myResource(database: Database, resourcePk: number): Promise<MyResource> {
  const [row] = await database.rows<MyResource>(sql`
    SELECT id AS "resourcePk", code, name, kind, capabilities, availability, version,
      pending_since IS NULL AS approved
    FROM resources WHERE id = ${resourcePk}`);
  return { ...row!, id: toGlobalId('Resource', resourcePk) };
}

/** At most this many grids and compounds on the registration page (a community has ~10–60). */
export const MAX_REGISTRATION_ZONES = 500;

/**
 * A community's outline and the live grids and compounds in it, for the party members'
 * registration page; null for no such community.
 */
export async function registrationCommunity(
  database: Database,
  code: string,
): Promise<RegistrationCommunity | null> {
  const [row] = await database.rows<RegistrationCommunity>(sql`
    SELECT r.code, r.name, ST_AsGeoJSON(r.boundary, 6)::json AS boundary,
      COALESCE((SELECT json_agg(z ORDER BY z.kind DESC, z.name, z.code) FROM (
        SELECT 'GRID' AS kind, g.code, g.name, ST_AsGeoJSON(g.boundary, 15)::json AS boundary
        FROM grids g WHERE g.community_id = r.id AND g.retired_at IS NULL
        UNION ALL
        SELECT 'COMPOUND', c.code, c.name, ST_AsGeoJSON(c.boundary, 15)::json
        FROM compounds c WHERE c.community_id = r.id AND c.retired_at IS NULL
        LIMIT ${MAX_REGISTRATION_ZONES}) z), '[]'::json) AS zones
    FROM regions r WHERE r.code = ${code} AND r.level = 'COMMUNITY'`);
  return row ?? null;
}
