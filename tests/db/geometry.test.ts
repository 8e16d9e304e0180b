import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@yitu/api/testing';
import { engineName, rolledBack, testDb } from '../support/db';

// The database itself refuses bad geometry, whatever path writes it.
describe(`geometry validity on ${engineName()}`, () => {
  let database: Database;
  let communityId: number;
  beforeAll(async () => {
    database = await testDb();
    communityId = (
      await database.rows<{ id: number }>(
        sql`SELECT id FROM regions WHERE level = 'COMMUNITY' LIMIT 1`,
      )
    )[0]!.id;
  });

  const count = async (table: string) =>
    (
      await database.rows<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)}`,
      )
    )[0]!.n;

  const insertCompound = (code: string, geojson: object) =>
    database.db.execute(sql`
      INSERT INTO compounds (code, name, community_id, boundary)
      VALUES (${code}, 'test', ${communityId}, ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(geojson)}), 4326))`);

  const errorOf = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (error) {
      // drizzle wraps driver errors; the PostgreSQL fields sit on the cause
      const e = ((error as { cause?: unknown }).cause ?? error) as {
        code?: string;
        message: string;
      };
      return { code: e.code, message: e.message };
    }
    throw new Error('expected the statement to be refused');
  };

  it('refuses a self-intersecting polygon (bow tie) with the reason, and stores nothing', async () => {
    const before = await count('compounds');
    const bowTie = {
      type: 'Polygon',
      coordinates: [
        [
          [119, 32.68],
          [119.01, 32.69],
          [119.01, 32.68],
          [119, 32.69],
          [119, 32.68],
        ],
      ],
    };
    const error = await errorOf(insertCompound('BAD-BOWTIE', bowTie));
    expect(error.code).toBe('23514');
    expect(error.message).toMatch(/invalid geometry for compounds\.boundary: Self-intersection/);
    expect(await count('compounds')).toBe(before);
  });

  it('refuses a longitude of 200', async () => {
    const before = await count('buildings');
    const compoundId = (
      await database.rows<{ id: number }>(sql`SELECT id FROM compounds LIMIT 1`)
    )[0]!.id;
    const error = await errorOf(
      database.db.execute(sql`
        INSERT INTO buildings (compound_id, number, floors, location)
        VALUES (${compoundId}, 'X-200', 6, ST_SetSRID(ST_MakePoint(200, 32.68), 4326))`),
    );
    expect(error.code).toBe('23514');
    expect(error.message).toMatch(/buildings\.location: coordinates outside WGS84/);
    expect(await count('buildings')).toBe(before);
  });

  it('refuses a geometry in another SRID and of the wrong type', async () => {
    const wrongSrid = await errorOf(
      database.db.execute(sql`
        INSERT INTO compounds (code, name, community_id, boundary)
        VALUES ('BAD-SRID', 't', ${communityId},
          ST_GeomFromText('POLYGON((0 0, 1000 0, 1000 1000, 0 1000, 0 0))', 3857))`),
    );
    expect(wrongSrid.message).toMatch(/Geometry SRID \(3857\) does not match column SRID \(4326\)/);
    const wrongType = await errorOf(
      insertCompound('BAD-TYPE', { type: 'Point', coordinates: [119, 32.68] }),
    );
    expect(wrongType.message).toMatch(
      /Geometry type \(Point\) does not match column type \(Polygon\)/,
    );
  });

  it('accepts a valid polygon (the checks do not refuse good data)', async () => {
    const square = {
      type: 'Polygon',
      coordinates: [
        [
          [119, 32.68],
          [119.001, 32.68],
          [119.001, 32.681],
          [119, 32.681],
          [119, 32.68],
        ],
      ],
    };
    const stored = await rolledBack(database, async (tx) => {
      await tx.db.execute(sql`
        INSERT INTO compounds (code, name, community_id, boundary)
        VALUES ('GOOD-SQUARE', 'test', ${communityId}, ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(square)}), 4326))`);
      return tx.rows<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM compounds WHERE code = 'GOOD-SQUARE'`,
      );
    });
    expect(stored[0]!.n).toBe(1);
  });

  it('keeps the ticket event log append-only', async () => {
    const error = await errorOf(
      database.db.execute(
        sql`UPDATE ticket_events SET reason = 'rewritten' WHERE id = (SELECT min(id) FROM ticket_events)`,
      ),
    );
    expect(error.message).toMatch(/ticket_events is append-only: UPDATE refused/);
    const deleted = await errorOf(
      database.db.execute(
        sql`DELETE FROM ticket_events WHERE id = (SELECT min(id) FROM ticket_events)`,
      ),
    );
    expect(deleted.message).toMatch(/DELETE refused/);
  });

  it('keeps the audit log append-only: no update, delete or truncate, even by the API', async () => {
    await database.db.execute(
      sql`INSERT INTO audit_log (actor, action, result) VALUES ('account:test', 'test', 'OK')`,
    );
    const updated = await errorOf(
      database.db.execute(sql`UPDATE audit_log SET result = 'rewritten'`),
    );
    expect(updated.message).toMatch(/audit_log is append-only: UPDATE refused/);
    const deleted = await errorOf(database.db.execute(sql`DELETE FROM audit_log`));
    expect(deleted.message).toMatch(/audit_log is append-only: DELETE refused/);
    const truncated = await errorOf(database.db.execute(sql`TRUNCATE audit_log`));
    expect(truncated.message).toMatch(/audit_log is append-only: TRUNCATE refused/);
    const [kept] = await database.rows<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM audit_log WHERE actor = 'account:test'`,
    );
    expect(kept!.n).toBeGreaterThanOrEqual(1);
  });
});
