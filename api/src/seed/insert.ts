import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';
import { bulk, CHUNK, orderedRows } from './bulk';
import { loadCategories, type City } from './city';

// Writes a generated City in bulk: each table is a few INSERT … SELECT FROM a jsonb chunk (bulk.ts)
// statements, with foreign keys resolved by code in SQL and geometry built by PostGIS.

const polygonSql = (column: SQL) =>
  sql`ST_ForcePolygonCCW(ST_SetSRID(ST_GeomFromGeoJSON(json_build_object('type','Polygon','coordinates', json_build_array(${column}))), 4326))`;
const pointSql = (column: SQL) =>
  sql`ST_SetSRID(ST_MakePoint((${column}->>0)::float8, (${column}->>1)::float8), 4326)`;

/** Reference data every installation needs, demo or not: the ticket taxonomy. Idempotent. */
export async function ensureCategories(database: Database): Promise<void> {
  const rows = loadCategories().map((c) => ({
    code: c.code,
    name_zh: c.zh,
    name_en: c.en,
    level: c.level,
    respond_hours: c.respondHours,
    resolve_hours: c.resolveHours,
    capabilities: c.capabilities,
    examples: c.examples_zh,
    duplicate_radius_m: c.duplicateRadiusM,
    emergency_number: c.emergencyNumber,
  }));
  await database.db.execute(sql`
    INSERT INTO categories (code, name_zh, name_en, level, respond_hours, resolve_hours, capabilities, examples,
      duplicate_radius_m, emergency_number)
    SELECT code, name_zh, name_en, level::ticket_level, respond_hours, resolve_hours,
           ARRAY(SELECT jsonb_array_elements_text(capabilities)), ARRAY(SELECT jsonb_array_elements_text(examples)),
           duplicate_radius_m, emergency_number
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      AS r(code text, name_zh text, name_en text, level text, respond_hours int, resolve_hours int, capabilities jsonb, examples jsonb,
        duplicate_radius_m int, emergency_number text)
    ON CONFLICT (code) DO UPDATE SET name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en, level = EXCLUDED.level,
      respond_hours = EXCLUDED.respond_hours, resolve_hours = EXCLUDED.resolve_hours,
      capabilities = EXCLUDED.capabilities, examples = EXCLUDED.examples,
      duplicate_radius_m = EXCLUDED.duplicate_radius_m,
      -- an emergency flag set on this installation (UPDATE categories …) outlives restarts
      emergency_number = COALESCE(EXCLUDED.emergency_number, categories.emergency_number)`);
}

export async function isEmpty(database: Database): Promise<boolean> {
  const rows = await database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM regions`);
  return rows[0]!.n === 0;
}

/**
 * Writes one copy of the city (the district once) but its tickets (insertTickets, once the
 * places' statistics are fresh).
 */
export async function insertCopy(database: Database, city: City): Promise<void> {
  const d = city.district;
  await database.db.execute(sql`
    INSERT INTO regions (code, name, level, boundary, metadata)
    VALUES (${d.code}, ${d.name}, 'DISTRICT',
      ST_Multi(ST_ForcePolygonCCW(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(d.boundary)}), 4326))),
      ${JSON.stringify(d.metadata)}::jsonb)
    ON CONFLICT (code) DO NOTHING`);

  // A street's boundary is the union of its communities' rings.
  const streets = city.streets.map((s) => ({
    ...s,
    rings: city.communities.filter((c) => c.streetCode === s.code).map((c) => c.boundary),
  }));
  await bulk(
    database,
    streets,
    (json) => sql`
    INSERT INTO regions (code, name, level, parent_id, boundary, metadata)
    SELECT r.code, r.name, 'STREET', (SELECT id FROM regions WHERE code = ${d.code}),
      (SELECT ST_Multi(ST_Union(${polygonSql(sql`ring.value`)})) FROM jsonb_array_elements(r.rings) AS ring),
      r.metadata
    FROM jsonb_to_recordset(${json}::jsonb) AS r(code text, name text, rings jsonb, metadata jsonb)`,
  );
  await bulk(
    database,
    city.communities,
    (json) => sql`
    INSERT INTO regions (code, name, level, parent_id, boundary, metadata)
    SELECT r.code, r.name, 'COMMUNITY', s.id, ST_Multi(${polygonSql(sql`r.boundary`)}), r.metadata
    FROM jsonb_to_recordset(${json}::jsonb) AS r("streetCode" text, code text, name text, boundary jsonb, metadata jsonb)
    JOIN regions s ON s.code = r."streetCode"`,
  );
  await bulk(
    database,
    city.propertyCompanies,
    (json) => sql`
    INSERT INTO property_companies (code, name, has_party_branch, phone, metadata)
    SELECT code, name, "hasPartyBranch", phone, '{"synthetic":true}'::jsonb
    FROM jsonb_to_recordset(${json}::jsonb) AS r(code text, name text, "hasPartyBranch" boolean, phone text)`,
  );
  await bulk(
    database,
    city.compounds,
    (json) => sql`
    INSERT INTO compounds (code, name, community_id, boundary, households, year_built, property_company_id, tags, metadata)
    SELECT r.code, r.name, c.id, ${polygonSql(sql`r.boundary`)}, r.households, r."yearBuilt", p.id,
      ARRAY(SELECT jsonb_array_elements_text(r.tags)), r.metadata
    FROM jsonb_to_recordset(${json}::jsonb) AS r(code text, name text, "communityCode" text, boundary jsonb,
      households int, "yearBuilt" int, "propertyCompanyCode" text, tags jsonb, metadata jsonb)
    JOIN regions c ON c.code = r."communityCode"
    LEFT JOIN property_companies p ON p.code = r."propertyCompanyCode"`,
  );
  await bulk(
    database,
    city.buildings,
    (json) => sql`
    INSERT INTO buildings (compound_id, number, floors, households, location)
    SELECT c.id, r.number, r.floors, r.households, ${pointSql(sql`r.location`)}
    FROM jsonb_to_recordset(${json}::jsonb) AS r("compoundCode" text, number text, floors int, households int, location jsonb)
    JOIN compounds c ON c.code = r."compoundCode"`,
  );
  // Parents (top-level grids) first, so micro-grids can find them by code.
  for (const topLevel of [true, false]) {
    await bulk(
      database,
      city.grids.filter((g) => (g.parentCode === null) === topLevel),
      (json) => sql`
      INSERT INTO grids (code, name, community_id, parent_id, kinds, boundary)
      SELECT r.code, r.name, c.id, p.id, ARRAY(SELECT jsonb_array_elements_text(r.kinds)), ${polygonSql(sql`r.boundary`)}
      FROM jsonb_to_recordset(${json}::jsonb) AS r(code text, name text, "communityCode" text, "parentCode" text,
        kinds jsonb, boundary jsonb)
      JOIN regions c ON c.code = r."communityCode"
      LEFT JOIN grids p ON p.code = r."parentCode"`,
    );
  }
  await bulk(
    database,
    city.gridWorkers,
    (json) => sql`
    INSERT INTO grid_workers (code, name, phone, grid_id, is_party_member)
    SELECT r.code, r.name, r.phone, g.id, r."isPartyMember"
    FROM jsonb_to_recordset(${json}::jsonb) AS r(code text, name text, phone text, "gridCode" text, "isPartyMember" boolean)
    JOIN grids g ON g.code = r."gridCode"`,
  );
  await bulk(
    database,
    city.gridWorkers.filter((w) => w.leads),
    (json) => sql`
    UPDATE grids g SET worker_id = w.id
    FROM jsonb_to_recordset(${json}::jsonb) AS r(code text, "gridCode" text)
    JOIN grid_workers w ON w.code = r.code
    WHERE g.code = r."gridCode"`,
  );
  for (const kind of ['COMMITTEE', 'BRANCH', 'GROUP', 'MEMBER_HOUSEHOLD'] as const) {
    await bulk(
      database,
      city.partyOrgs.filter((o) => o.kind === kind),
      (json) => sql`
      INSERT INTO party_organizations (code, name, kind, parent_id, community_id, compound_id, grid_id, building_id, secretary, member_count)
      SELECT r.code, r.name, r.kind::party_org_kind, p.id, c.id, cp.id, g.id, b.id, r.secretary, r."memberCount"
      FROM jsonb_to_recordset(${json}::jsonb) AS r(code text, name text, kind text, "parentCode" text,
        "communityCode" text, "compoundCode" text, "gridCode" text, "buildingKey" text, secretary text, "memberCount" int)
      JOIN regions c ON c.code = r."communityCode"
      LEFT JOIN party_organizations p ON p.code = r."parentCode"
      LEFT JOIN compounds cp ON cp.code = r."compoundCode"
      LEFT JOIN grids g ON g.code = r."gridCode"
      LEFT JOIN compounds bc ON bc.code = split_part(r."buildingKey", '#', 1)
      LEFT JOIN buildings b ON b.compound_id = bc.id AND b.number = split_part(r."buildingKey", '#', 2)`,
    );
  }
  await bulk(
    database,
    city.resources,
    (json) => sql`
    INSERT INTO resources (code, kind, name, community_id, property_company_id, location, service_area, capabilities,
      capacity, availability, may_decline, contact_name, contact_phone, metadata)
    SELECT r.code, r.kind::resource_kind, r.name, c.id, p.id, ${pointSql(sql`r.location`)},
      COALESCE(sa.boundary,
        (SELECT ST_Multi(ST_Union(m.boundary)) FROM compounds m WHERE m.property_company_id = p.id)),
      ARRAY(SELECT jsonb_array_elements_text(r.capabilities)), r.capacity, r.availability, r."mayDecline",
      r."contactName", r."contactPhone", '{"synthetic":true}'::jsonb
    FROM jsonb_to_recordset(${json}::jsonb) AS r(code text, kind text, name text, "communityCode" text,
      "propertyCompanyCode" text, location jsonb, "serviceAreaRegionCode" text, capabilities jsonb, capacity int,
      availability jsonb, "mayDecline" boolean, "contactName" text, "contactPhone" text)
    LEFT JOIN regions c ON c.code = r."communityCode"
    LEFT JOIN property_companies p ON p.code = r."propertyCompanyCode"
    LEFT JOIN regions sa ON sa.code = r."serviceAreaRegionCode"`,
  );
  await bulk(
    database,
    city.claims,
    (json) => sql`
    INSERT INTO resource_claims (resource_id, grid_id, compound_id)
    SELECT res.id, g.id, c.id
    FROM jsonb_to_recordset(${json}::jsonb) AS r("resourceCode" text, "gridCode" text, "compoundCode" text)
    JOIN resources res ON res.code = r."resourceCode"
    LEFT JOIN grids g ON g.code = r."gridCode"
    LEFT JOIN compounds c ON c.code = r."compoundCode"`,
  );
}

/**
 * Writes one copy's tickets, each placed by PostGIS as it is written (so no second pass
 * rewrites them): compound and community by containment (ST_Covers, as reportTicket does), the
 * top-level grid by containment, and the nearest building of the compound within 60 m. A point
 * on an edge two grids share is covered by both: the lower id wins, so the seed is the same on
 * every run. Call it after analyzePlaces (the joins plan on the places' statistics).
 */
export async function insertTickets(database: Database, city: City): Promise<void> {
  const ticketIds = new Map<string, number>();
  for (let i = 0; i < city.tickets.length; i += CHUNK) {
    const json = JSON.stringify(city.tickets.slice(i, i + CHUNK));
    const written = await database.rows<{ id: number; code: string }>(sql`
    INSERT INTO tickets (code, category_code, status, level, location, description, reporter_name, reporter_phone,
      channel, reported_at, respond_by, resolve_by, accepted_at, resolved_at, closed_at, satisfaction, owner,
      resolved_by, suspended_from, version, updated_at, compound_id, community_id, grid_id, building_id)
    SELECT r.code, r."categoryCode", r.status::ticket_status, r.level::ticket_level, r.point, r.description,
      r."reporterName", r."reporterPhone", r.channel::ticket_channel, r."reportedAt", r."respondBy", r."resolveBy",
      r."acceptedAt", r."resolvedAt", r."closedAt", r.satisfaction, r.owner, r."resolvedBy",
      r."suspendedFrom"::ticket_status, r.version, COALESCE(r."closedAt", r."resolvedAt", r."acceptedAt", r."reportedAt"),
      c.id, COALESCE(c.community_id, g.community_id), g.id, b.id
    FROM (SELECT r.*, e.n, ${pointSql(sql`r.location`)} AS point
      FROM ${orderedRows(json)} AS r(code text, "categoryCode" text, status text, level text,
        location jsonb, description text, "reporterName" text, "reporterPhone" text, channel text,
        "reportedAt" timestamptz, "respondBy" timestamptz, "resolveBy" timestamptz, "acceptedAt" timestamptz,
        "resolvedAt" timestamptz, "closedAt" timestamptz, satisfaction smallint, owner text, "resolvedBy" text,
        "suspendedFrom" text, version int)) r
    LEFT JOIN LATERAL (SELECT c.id, c.community_id FROM compounds c
      WHERE ST_Covers(c.boundary, r.point) ORDER BY c.id LIMIT 1) c ON true
    LEFT JOIN LATERAL (SELECT g.id, g.community_id FROM grids g
      WHERE g.parent_id IS NULL AND ST_Covers(g.boundary, r.point) ORDER BY g.id LIMIT 1) g ON true
    LEFT JOIN LATERAL (SELECT b.id FROM buildings b
      WHERE b.compound_id = c.id AND ST_DWithin(b.location::geography, r.point::geography, 60)
      ORDER BY b.location <-> r.point, b.id LIMIT 1) b ON true
    ORDER BY r.n
    RETURNING id, code`);
    for (const { id, code } of written) ticketIds.set(code, id);
  }
  // The event log is most of the rows (2 M at scale 100): with the ticket ids known from above
  // it is written without a join. A ticket's history reads in id order: its events keep the
  // order they were generated in.
  const events = city.events.map((e) => {
    const ticketId = ticketIds.get(e.ticketCode);
    if (ticketId === undefined) throw new Error(`an event of unwritten ticket ${e.ticketCode}`);
    return { ...e, ticketId };
  });
  await bulk(
    database,
    events,
    (json) => sql`
    INSERT INTO ticket_events (ticket_id, type, from_status, to_status, actor, reason, data, at)
    SELECT r."ticketId", r.type, r."from"::ticket_status, r."to"::ticket_status, r.actor, r.reason, r.data, r.at
    FROM ${orderedRows(json)} AS r("ticketId" int, type text, "from" text, "to" text, actor text,
      reason text, data jsonb, at timestamptz)
    ORDER BY e.n`,
  );
}

/** Who was sent to which ticket, from the DISPATCH events (the function is in migration 0007). */
export async function insertAssignments(database: Database): Promise<void> {
  await database.db.execute(sql`SELECT yitu_assignments_from_dispatch_events()`);
}

/**
 * The event log of a seeded city is history, not news: its rows are written without the
 * per-row NOTIFY trigger (hundreds of thousands of notifications at scale 100 for listeners
 * that have nothing to update). Transactional: the trigger is back on at commit or rollback.
 */
export async function withoutEventNotifications(
  database: Database,
  write: () => Promise<void>,
): Promise<void> {
  await database.db.execute(sql`ALTER TABLE ticket_events DISABLE TRIGGER ticket_events_notify`);
  await write();
  await database.db.execute(sql`ALTER TABLE ticket_events ENABLE TRIGGER ticket_events_notify`);
}

/** Every table the seed writes (the seed benchmark counts their rows). */
export const SEEDED_TABLES = [
  'categories',
  'regions',
  'property_companies',
  'compounds',
  'buildings',
  'grids',
  'grid_workers',
  'party_organizations',
  'resources',
  'resource_claims',
  'tickets',
  'ticket_events',
  'ticket_assignments',
  'vulnerable_households',
  'accounts',
] as const;

/**
 * Planner statistics for every table the seed writes. Autovacuum may be off (or not yet have
 * run): without them the spatial joins below and the map's viewport queries plan full scans.
 * Inside the seed's transaction ANALYZE sees its own uncommitted rows.
 */
export async function analyzeSeeded(database: Database): Promise<void> {
  await database.db.execute(sql`ANALYZE ${sql.raw(SEEDED_TABLES.join(', '))}`);
}

/**
 * The large tables whose non-unique indexes are built once after the copies are written
 * (bulk.ts withoutIndexes). Places (compounds, grids, buildings) keep theirs:
 * the writes and the spatial joins look them up.
 */
export const UNINDEXED_WHILE_SEEDING = [
  'tickets',
  'ticket_events',
  'ticket_assignments',
  'resources',
  'resource_claims',
  'party_organizations',
  'grid_workers',
] as const;

/** Statistics of the places the tickets' spatial joins look up (see seedDemoCity). */
export async function analyzePlaces(database: Database): Promise<void> {
  await database.db.execute(sql`ANALYZE compounds, grids, buildings`);
}
