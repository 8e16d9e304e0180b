import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, type Database } from '@yitu/api/testing';
import { emptyDb, engineName } from '../support/db';

const tablesOf = (database: Database) =>
  database.rows<{ table_name: string }>(sql`
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`);

describe(`migrations on ${engineName()}`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await emptyDb();
  });
  afterAll(() => database?.close());

  it('apply from an empty database, creating PostGIS and every table', async () => {
    expect(await tablesOf(database)).toEqual([]);
    await migrate(database);
    const [postgis] = await database.rows<{ version: string }>(
      sql`SELECT postgis_lib_version() AS version`,
    );
    expect(Number(postgis!.version.split('.').slice(0, 2).join('.'))).toBeGreaterThanOrEqual(3.3);
    expect((await tablesOf(database)).map((t) => t.table_name)).toEqual([
      'account_invites',
      'accounts',
      'assessment_reports',
      'audit_log',
      'buildings',
      'categories',
      'compounds',
      'credentials',
      'grid_workers',
      'grids',
      'import_rows',
      'imports',
      'party_organizations',
      'photos',
      'place_writes',
      'property_companies',
      'regions',
      'resource_claims',
      'resources',
      'spatial_ref_sys',
      'ticket_assignments',
      'ticket_events',
      'ticket_followers',
      'tickets',
      'token_usage',
      'vulnerable_households',
    ]);
  });

  it('are idempotent: a second run changes nothing', async () => {
    const countApplied = async () =>
      (
        await database.rows<{ n: number }>(
          sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`,
        )
      )[0]!.n;
    const before = await countApplied();
    await migrate(database);
    await migrate(database);
    expect(await countApplied()).toBe(before);
    expect(before).toBeGreaterThanOrEqual(3);
  });

  it('give every geometry column SRID 4326 and a GiST index', async () => {
    const columns = await database.rows<{
      table: string;
      column: string;
      srid: number;
      indexed: boolean;
    }>(sql`
      SELECT f_table_name AS table, f_geometry_column AS column, srid,
        EXISTS (SELECT 1 FROM pg_indexes i WHERE i.tablename = f_table_name
                AND i.indexdef ILIKE '%USING gist%' AND i.indexdef LIKE '%' || f_geometry_column || '%') AS indexed
      FROM geometry_columns WHERE f_table_schema = 'public' ORDER BY 1, 2`);
    expect(columns.map((c) => `${c.table}.${c.column}`)).toEqual([
      'buildings.location',
      'compounds.boundary',
      'grids.boundary',
      // an import's staged rows, judged before they reach their table
      'import_rows.geom',
      'regions.boundary',
      // where the map writes a region's name, kept with its boundary
      'regions.label_point',
      'resources.location',
      'resources.service_area',
      'tickets.location',
    ]);
    for (const c of columns) {
      expect({ ...c, srid: c.srid, indexed: c.indexed }).toEqual({
        ...c,
        srid: 4326,
        // staged rows are read whole by every check: no index to keep up (schema.ts); a label
        // point is found through its region's boundary
        indexed: c.table !== 'import_rows' && c.column !== 'label_point',
      });
    }
  });
});
