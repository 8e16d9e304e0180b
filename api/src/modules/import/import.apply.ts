import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db';
import type { ImportKind } from './fields';
import { endResourceCredentials } from '../../auth/credentials';

// The apply: every checked row written to its table, new rows by one INSERT and updates by one
// upsert by code per kind, inside the caller's transaction. Rows whose action is UNCHANGED are not touched, so importing
// the same file twice writes nothing the second time. Attributes a file leaves out keep the
// values already there. Ids stay, so tickets keep their places. A place written again is live
// again (retired_at cleared; a compound's buildings that retired with it come back too); RETIRE
// rows set retired_at, and a compound's buildings and a grid's micro-grids retire with it. A
// grid's micro-grids come back one by one: the grid may come back in another shape.

// Each kind is written by two statements, one per action: the new rows by a plain INSERT (no
// row to keep attributes from, no conflict to arbitrate: a place created meanwhile with the same
// code is a CONFLICT, not overwritten unseen), then the rows that update one, each beside the row
// it updates (t) so absent attributes keep theirs.
type Write = 'CREATE' | 'UPDATE';
const WRITES: readonly Write[] = ['CREATE', 'UPDATE'];
const todo = (importId: number, table: string, action: Write) =>
  action === 'CREATE'
    ? sql`import_rows r LEFT JOIN ${sql.raw(table)} t ON false
        WHERE r.import_id = ${importId} AND r.action = 'CREATE'`
    : sql`import_rows r JOIN ${sql.raw(table)} t ON t.id = r.target_id
        WHERE r.import_id = ${importId} AND r.action = 'UPDATE'`;
/** The upsert's ON CONFLICT clause, for the rows that update (new rows take none). */
const onUpdate = (action: Write, clause: SQL) => (action === 'UPDATE' ? clause : sql``);
const attr = (key: string, type = 'text') => sql`(r.attrs->>${key})::${sql.raw(type)}`;
const attrArray = (key: string) =>
  sql`(SELECT array_agg(v ORDER BY o) FROM jsonb_array_elements_text(r.attrs->${key}) WITH ORDINALITY AS a(v, o))`;
/**
 * The order rows are written in: near each other on the map (geohash, a Z-order curve), so each
 * spatial (GiST) index insertion descends the pages the one before it did.
 */
const byPlace = (shape: SQL) => sql`ORDER BY ST_GeoHash(${shape}, 10)`;
/** The file's value where it gave one, else the row's own, else the default. */
const keep = (key: string, value: SQL, column: string, otherwise: SQL = sql`NULL`) =>
  sql`CASE WHEN r.attrs ? ${key} THEN ${value} ELSE coalesce(t.${sql.raw(column)}, ${otherwise}) END`;

/** Writes the import's CREATE/UPDATE rows of `kind`, then retires its RETIRE rows' places. */
export async function applyRows(database: Database, importId: number, kind: ImportKind, now: Date) {
  // a compound brought back brings back the buildings that retired with it (at the same moment),
  // not one pulled down before it
  if (kind === 'COMPOUND')
    await database.rows(sql`
      UPDATE buildings b SET retired_at = NULL, version = b.version + 1
      FROM import_rows r JOIN compounds c ON c.id = r.target_id
      WHERE r.import_id = ${importId} AND r.action = 'UPDATE' AND c.retired_at IS NOT NULL
        AND b.compound_id = c.id AND b.retired_at = c.retired_at`);
  await WRITE[kind](database, importId);
  const table = RETIRABLE[kind];
  if (!table) return;
  const at = now.toISOString();
  const retired = await database.rows<{ id: number }>(sql`
    UPDATE ${sql.raw(table)} t SET retired_at = ${at}::timestamptz, version = t.version + 1
    FROM import_rows r
    WHERE r.import_id = ${importId} AND r.action = 'RETIRE' AND t.id = r.target_id AND t.retired_at IS NULL
    RETURNING t.id`);
  if (retired.length === 0) return;
  const ids = sql`${`{${retired.map((r) => r.id).join(',')}}`}::int[]`;
  if (kind === 'COMPOUND')
    await database.rows(sql`
      UPDATE buildings SET retired_at = ${at}::timestamptz, version = version + 1
      WHERE compound_id = ANY(${ids}) AND retired_at IS NULL`);
  if (kind === 'GRID')
    await database.rows(sql`
      UPDATE grids SET retired_at = ${at}::timestamptz, version = version + 1
      WHERE parent_id = ANY(${ids}) AND retired_at IS NULL`);
  if (kind === 'RESOURCE')
    await endResourceCredentials(
      database,
      retired.map((r) => r.id),
      now,
    );
}

const RETIRABLE: Partial<Record<ImportKind, string>> = {
  COMPOUND: 'compounds',
  GRID: 'grids',
  BUILDING: 'buildings',
  RESOURCE: 'resources',
};

const WRITE: Record<ImportKind, (database: Database, importId: number) => Promise<void>> = {
  async REGION(database, importId) {
    // higher levels first, so a community finds the street this file creates
    for (const level of ['DISTRICT', 'STREET', 'COMMUNITY']) {
      await database.rows(sql`
        UPDATE import_rows r SET attrs = r.attrs || jsonb_build_object('parentId', p.id)
        FROM regions p WHERE r.import_id = ${importId} AND p.code = r.parent_code AND NOT r.attrs ? 'parentId'`);
      for (const action of WRITES)
        await database.rows(sql`
          INSERT INTO regions (code, name, level, parent_id, boundary)
          SELECT r.code, r.name, (r.attrs->>'level')::region_level, ${attr('parentId', 'int')}, r.geom
          FROM ${todo(importId, 'regions', action)} AND r.attrs->>'level' = ${level}
          ${onUpdate(
            action,
            sql`ON CONFLICT (code) DO UPDATE SET name = excluded.name, parent_id = excluded.parent_id,
              boundary = excluded.boundary`,
          )}`);
    }
  },
  async PROPERTY_COMPANY(database, importId) {
    for (const action of WRITES)
      await database.rows(sql`
        INSERT INTO property_companies (code, name, phone, has_party_branch)
        SELECT r.code, r.name, ${keep('phone', attr('phone'), 'phone')},
          ${keep('hasPartyBranch', attr('hasPartyBranch', 'boolean'), 'has_party_branch', sql`false`)}
        FROM ${todo(importId, 'property_companies', action)}
        ${onUpdate(
          action,
          sql`ON CONFLICT (code) DO UPDATE SET name = excluded.name, phone = excluded.phone,
            has_party_branch = excluded.has_party_branch`,
        )}`);
  },
  async COMPOUND(database, importId) {
    for (const action of WRITES)
      await database.rows(sql`
        INSERT INTO compounds (code, name, community_id, boundary, households, year_built, property_company_id, tags)
        SELECT r.code, r.name, ${attr('parentId', 'int')}, r.geom,
          ${keep('households', attr('households', 'int'), 'households', sql`0`)},
          ${keep('yearBuilt', attr('yearBuilt', 'smallint'), 'year_built')},
          ${keep('propertyCompanyId', attr('propertyCompanyId', 'int'), 'property_company_id')},
          ${keep('tags', attrArray('tags'), 'tags', sql`'{}'`)}
        FROM ${todo(importId, 'compounds', action)}
        ${byPlace(sql`ST_Centroid(r.geom)`)}
        ${onUpdate(
          action,
          sql`ON CONFLICT (code) DO UPDATE SET name = excluded.name, community_id = excluded.community_id,
            boundary = excluded.boundary, households = excluded.households, year_built = excluded.year_built,
            property_company_id = excluded.property_company_id, tags = excluded.tags,
            retired_at = NULL, version = compounds.version + 1`,
        )}`);
  },
  async GRID(database, importId) {
    // grids before their micro-grids (a micro-grid may name a grid this file creates)
    for (const micro of [false, true]) {
      await database.rows(sql`
        UPDATE import_rows r SET attrs = r.attrs || jsonb_build_object('parentGridId', g.id)
        FROM grids g WHERE r.import_id = ${importId} AND g.code = r.attrs->>'parentGrid'`);
      for (const action of WRITES)
        await database.rows(sql`
          INSERT INTO grids (code, name, community_id, parent_id, kinds, boundary)
          SELECT r.code, r.name, ${attr('parentId', 'int')}, ${attr('parentGridId', 'int')},
            ${keep('kinds', attrArray('kinds'), 'kinds', sql`'{}'`)}, r.geom
          FROM ${todo(importId, 'grids', action)} AND (r.attrs ? 'parentGrid') = ${micro}
          ${onUpdate(
            action,
            sql`ON CONFLICT (code) DO UPDATE SET name = excluded.name, community_id = excluded.community_id,
              parent_id = excluded.parent_id, boundary = excluded.boundary, kinds = excluded.kinds,
              retired_at = NULL, version = grids.version + 1`,
          )}`);
    }
  },
  async BUILDING(database, importId) {
    for (const action of WRITES)
      await database.rows(sql`
        INSERT INTO buildings (compound_id, number, floors, households, location)
        SELECT ${attr('parentId', 'int')}, r.attrs->>'number',
          ${keep('floors', attr('floors', 'smallint'), 'floors', sql`1`)},
          ${keep('households', attr('households', 'int'), 'households', sql`0`)},
          coalesce(r.geom, t.location)
        FROM ${todo(importId, 'buildings', action)}
        ${byPlace(sql`coalesce(r.geom, t.location)`)}
        ${onUpdate(
          action,
          sql`ON CONFLICT (compound_id, number) DO UPDATE SET floors = excluded.floors,
            households = excluded.households, location = excluded.location,
            retired_at = NULL, version = buildings.version + 1`,
        )}`);
  },
  async RESOURCE(database, importId) {
    for (const action of WRITES)
      await database.rows(sql`
        INSERT INTO resources (code, kind, name, community_id, location, service_area, capabilities, capacity,
          availability, may_decline, contact_name, contact_phone)
        SELECT r.code, ${keep('kind', sql`(r.attrs->>'kind')::resource_kind`, 'kind')}, r.name,
          ${keep('parentId', attr('parentId', 'int'), 'community_id')},
          coalesce(r.geom, t.location),
          ${keep('serviceAreaWkt', sql`(r.attrs->>'serviceAreaWkt')::geometry`, 'service_area')},
          ${keep('capabilities', attrArray('capabilities'), 'capabilities', sql`'{}'`)},
          ${keep('capacity', attr('capacity', 'int'), 'capacity', sql`1`)},
          ${keep('availability', sql`r.attrs->'availability'`, 'availability', sql`'{"always": true}'::jsonb`)},
          ${keep('mayDecline', attr('mayDecline', 'boolean'), 'may_decline', sql`(r.attrs->>'kind') NOT IN ('LAW_ENFORCEMENT', 'DEPARTMENT')`)},
          ${keep('contactName', attr('contactName'), 'contact_name')},
          ${keep('contactPhone', attr('contactPhone'), 'contact_phone')}
        FROM ${todo(importId, 'resources', action)}
        ${byPlace(sql`coalesce(r.geom, t.location)`)}
        ${onUpdate(
          action,
          sql`ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind,
          community_id = excluded.community_id, location = excluded.location,
          service_area = excluded.service_area, capabilities = excluded.capabilities,
          capacity = excluded.capacity, availability = excluded.availability,
          may_decline = excluded.may_decline, contact_name = excluded.contact_name,
          contact_phone = excluded.contact_phone, retired_at = NULL, version = resources.version + 1`,
        )}`);
    // a claims column replaces the resource's claimed zones (认领责任区) with the ones listed
    // (the rows' conditions sit in the join, so other tables can be joined after it); a claim on
    // a retired zone, which no file lists, stays for the day the zone is brought back
    const claiming = sql`import_rows r JOIN resources s ON s.code = r.code
      AND r.import_id = ${importId} AND r.action IN ('CREATE', 'UPDATE') AND r.attrs ? 'claims'`;
    await database.rows(sql`
      DELETE FROM resource_claims rc WHERE rc.resource_id IN (SELECT s.id FROM ${claiming})
        AND NOT EXISTS (SELECT 1 FROM grids g WHERE g.id = rc.grid_id AND g.retired_at IS NOT NULL)
        AND NOT EXISTS (SELECT 1 FROM compounds c WHERE c.id = rc.compound_id AND c.retired_at IS NOT NULL)`);
    await database.rows(sql`
      INSERT INTO resource_claims (resource_id, grid_id, compound_id)
      SELECT s.id, g.id, CASE WHEN g.id IS NULL THEN c.id END
      FROM ${claiming}
      CROSS JOIN LATERAL jsonb_array_elements_text(r.attrs->'claims') v
      LEFT JOIN grids g ON g.code = v LEFT JOIN compounds c ON c.code = v`);
  },
};
