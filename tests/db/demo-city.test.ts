import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { tilingProblems, type Database } from '@yitu/api/testing';
import { engineName, rolledBack, testDb } from '../support/db';

describe(`demo city on ${engineName()}`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await testDb();
  });
  const one = async <T>(query: ReturnType<typeof sql>) => (await database.rows<T>(query))[0]!;

  it('has the places of the Tianchang reports', async () => {
    const regions = await database.rows<{ level: string; n: number }>(
      sql`SELECT level::text, count(*)::int AS n FROM regions GROUP BY level ORDER BY level`,
    );
    expect(regions).toEqual([
      { level: 'COMMUNITY', n: 21 },
      { level: 'DISTRICT', n: 1 },
      { level: 'STREET', n: 2 },
    ]);
    const streets = await database.rows<{ name: string }>(
      sql`SELECT name FROM regions WHERE level = 'STREET' ORDER BY code`,
    );
    expect(streets.map((s) => s.name)).toEqual(['广陵街道', '千秋街道']);
    const counts = await one<Record<string, number>>(sql`SELECT
      (SELECT count(*)::int FROM compounds) AS compounds,
      (SELECT count(*)::int FROM grids WHERE parent_id IS NULL) AS grids,
      (SELECT count(*)::int FROM grids WHERE parent_id IS NOT NULL) AS micro_grids,
      (SELECT count(*)::int FROM buildings) AS buildings,
      (SELECT count(*)::int FROM property_companies) AS property_companies,
      (SELECT count(*)::int FROM property_companies WHERE has_party_branch) AS red_property,
      (SELECT count(*)::int FROM grid_workers) AS grid_workers,
      (SELECT count(*)::int FROM grids WHERE worker_id IS NULL) AS grids_without_worker,
      (SELECT count(*)::int FROM categories) AS categories`);
    expect(counts).toMatchObject({
      compounds: 111,
      grids: 164,
      property_companies: 40,
      red_property: 20,
      grid_workers: 704,
      grids_without_worker: 0,
      categories: 16,
    });
    expect(counts.micro_grids).toBeGreaterThan(10);
    expect(counts.buildings).toBeGreaterThanOrEqual(1400);
    expect(counts.buildings).toBeLessThanOrEqual(1600);
  });

  it('has the resources: ~3,500 party members, 21 social organisations, partners, enforcement, departments', async () => {
    const kinds = Object.fromEntries(
      (
        await database.rows<{ kind: string; n: number }>(
          sql`SELECT kind::text, count(*)::int AS n FROM resources GROUP BY kind`,
        )
      ).map((r) => [r.kind, r.n]),
    );
    expect(kinds.PARTY_MEMBER).toBe(3500);
    expect(kinds.SOCIAL_ORG).toBe(21);
    expect(kinds.COMMUNITY_PARTNER).toBeGreaterThanOrEqual(21 * 15);
    expect(kinds.COMMUNITY_PARTNER).toBeLessThanOrEqual(21 * 17);
    expect(kinds.PROPERTY_COMPANY).toBe(40);
    expect(kinds.LAW_ENFORCEMENT).toBeGreaterThanOrEqual(1);
    expect(kinds.DEPARTMENT).toBeGreaterThanOrEqual(6);
    const claims = await one<{ n: number }>(sql`SELECT count(*)::int AS n FROM resource_claims`);
    expect(claims.n).toBeGreaterThan(1000);
  });

  it('has a year of tickets: ~2,600 closed plus open ones, each with its event log', async () => {
    const t = await one<Record<string, number>>(sql`SELECT
      count(*) FILTER (WHERE status = 'CLOSED')::int AS closed,
      count(*) FILTER (WHERE status <> 'CLOSED')::int AS open,
      count(*) FILTER (WHERE compound_id IS NULL OR grid_id IS NULL OR community_id IS NULL)::int AS unplaced,
      (extract(epoch FROM max(reported_at) - min(reported_at)) / 86400)::int AS days
      FROM tickets`);
    expect(t.closed).toBeGreaterThanOrEqual(2600);
    expect(t.open).toBeGreaterThan(50);
    expect(t.unplaced).toBe(0);
    expect(t.days).toBeGreaterThanOrEqual(330);
    // version counts the changes, and each change has one event
    const mismatched = await one<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM tickets t
      WHERE t.version <> (SELECT count(*) FROM ticket_events e WHERE e.ticket_id = t.id)`);
    expect(mismatched.n).toBe(0);
  });

  it('places every ticket in the compound and grid that contain its point (PostGIS join)', async () => {
    const wrong = await one<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM tickets t
      JOIN compounds c ON c.id = t.compound_id JOIN grids g ON g.id = t.grid_id
      WHERE NOT ST_Contains(c.boundary, t.location) OR NOT ST_Contains(g.boundary, t.location)`);
    expect(wrong.n).toBe(0);
  });

  it('tiles every community with its grids (no gaps, no overlaps) and keeps compounds inside', async () => {
    expect(await tilingProblems(database)).toEqual([]);
    const outside = await one<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM compounds c JOIN regions r ON r.id = c.community_id
      WHERE NOT ST_Within(c.boundary, r.boundary)`);
    expect(outside.n).toBe(0);
  });

  it('lies inside the real Tianchang outline and marks made-up places as synthetic', async () => {
    const r = await one<{ inside: boolean; synthetic: number; real: number }>(sql`
      SELECT bool_and(ST_Within(s.boundary, d.boundary)) AS inside,
        (SELECT count(*)::int FROM regions WHERE metadata->>'synthetic' = 'true') AS synthetic,
        (SELECT count(*)::int FROM compounds WHERE metadata->>'synthetic' = 'true') AS real
      FROM regions s, regions d WHERE s.level = 'STREET' AND d.level = 'DISTRICT'`);
    expect(r).toEqual({ inside: true, synthetic: 23, real: 111 });
  });

  it('the tiling check finds a gap, an overlap and a compound outside its community', async () => {
    // Hand-made squares in an empty spot far from the demo city: community 0..2 × 0..1 (in
    // 0.01° units); grid A covers 0..1, grid B covers 0.9..1.8 → an overlap 0.9..1 and a gap
    // 1.8..2; a compound straddles the community's east edge.
    const sq = (x0: number, x1: number) =>
      JSON.stringify({
        type: 'Polygon',
        coordinates: [
          [
            [100 + x0 / 100, 20],
            [100 + x1 / 100, 20],
            [100 + x1 / 100, 20.01],
            [100 + x0 / 100, 20.01],
            [100 + x0 / 100, 20],
          ],
        ],
      });
    const problems = await rolledBack(database, async (tx) => {
      const [district] = await tx.rows<{ id: number }>(
        sql`SELECT id FROM regions WHERE level = 'DISTRICT'`,
      );
      const geom = (json: string) => sql`ST_SetSRID(ST_GeomFromGeoJSON(${json}), 4326)`;
      const [community] = await tx.rows<{ id: number }>(sql`
        WITH street AS (
          INSERT INTO regions (code, name, level, parent_id, boundary)
          VALUES ('FIX-S', 'fixture street', 'STREET', ${district!.id}, ST_Multi(${geom(sq(0, 2))})) RETURNING id)
        INSERT INTO regions (code, name, level, parent_id, boundary)
        SELECT 'FIX-C', 'fixture community', 'COMMUNITY', id, ST_Multi(${geom(sq(0, 2))}) FROM street RETURNING id`);
      await tx.db.execute(sql`INSERT INTO grids (code, name, community_id, boundary) VALUES
        ('FIX-A', 'A', ${community!.id}, ${geom(sq(0, 1))}), ('FIX-B', 'B', ${community!.id}, ${geom(sq(0.9, 1.8))})`);
      await tx.db.execute(sql`INSERT INTO compounds (code, name, community_id, boundary)
        VALUES ('FIX-X', 'X', ${community!.id}, ${geom(sq(1.5, 2.5))})`);
      return tilingProblems(tx);
    });
    expect(problems.map((p) => `${p.kind} ${p.where}`)).toEqual([
      'GAP community FIX-C',
      'OUTSIDE compound FIX-X',
      'OVERLAP grids FIX-A and FIX-B',
    ]);
    // 0.1 × 1 of 0.01° squares at latitude 20: about 0.1 × 1.046 km × 1.107 km ≈ 0.116 km²
    const overlap = problems.find((p) => p.kind === 'OVERLAP')!;
    expect(overlap.squareMetres).toBeGreaterThan(100_000);
    expect(overlap.squareMetres).toBeLessThan(130_000);
  });
});
