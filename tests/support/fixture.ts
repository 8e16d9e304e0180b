import { sql } from 'drizzle-orm';
import { createAccount, DEMO_PASSWORD, type Database } from '@yitu/api/testing';

// Hand-made geometry with known answers, far from the demo city (around 100°E, 20°N).
// Units: x in 0.001° of longitude east of 100°, y in 0.001° of latitude north of 20°.
//   community FX-C: x 0..20, y 0..10; grids FX-GA: x 0..10, FX-GB: x 10..20
//   compound FX-P: x 2..8, y 2..8 (inside FX-GA only); FX-Q: x 8..12, y 2..8 (across both)
//   resources with capability fx_cap: FX-R1 at (5,5), FX-R2 at (10,5) ≈ 523 m east,
//   FX-R3 at (20,5) ≈ 1,569 m east; FX-R4 at (6,5) has another capability.
export const FX = { lon: (x: number) => 100 + x / 1000, lat: (y: number) => 20 + y / 1000 };
const square = (x0: number, y0: number, x1: number, y1: number) =>
  JSON.stringify({
    type: 'Polygon',
    coordinates: [
      [
        [FX.lon(x0), FX.lat(y0)],
        [FX.lon(x1), FX.lat(y0)],
        [FX.lon(x1), FX.lat(y1)],
        [FX.lon(x0), FX.lat(y1)],
        [FX.lon(x0), FX.lat(y0)],
      ],
    ],
  });
const geom = (json: string) => sql`ST_SetSRID(ST_GeomFromGeoJSON(${json}), 4326)`;
const point = (x: number, y: number) =>
  sql`ST_SetSRID(ST_MakePoint(${FX.lon(x)}::float8, ${FX.lat(y)}::float8), 4326)`;

export async function insertFixture(database: Database): Promise<void> {
  const area = square(0, 0, 20, 10);
  await database.db.execute(sql`
    INSERT INTO regions (code, name, level, boundary, metadata)
    VALUES ('FX-D', '测试区', 'DISTRICT', ST_Multi(${geom(area)}), '{"synthetic":true}')`);
  await database.db.execute(sql`
    INSERT INTO regions (code, name, level, parent_id, boundary, metadata)
    SELECT 'FX-S', '测试街道', 'STREET', id, boundary, metadata FROM regions WHERE code = 'FX-D'`);
  await database.db.execute(sql`
    INSERT INTO regions (code, name, level, parent_id, boundary, metadata)
    SELECT 'FX-C', '测试社区', 'COMMUNITY', id, boundary, metadata FROM regions WHERE code = 'FX-S'`);
  await database.db.execute(sql`
    INSERT INTO grids (code, name, community_id, boundary)
    SELECT 'FX-GA', '测试A网格', id, ${geom(square(0, 0, 10, 10))} FROM regions WHERE code = 'FX-C'
    UNION ALL
    SELECT 'FX-GB', '测试B网格', id, ${geom(square(10, 0, 20, 10))} FROM regions WHERE code = 'FX-C'`);
  await database.db.execute(sql`
    INSERT INTO compounds (code, name, community_id, boundary, households)
    SELECT 'FX-P', '测试P小区', id, ${geom(square(2, 2, 8, 8))}, 100 FROM regions WHERE code = 'FX-C'
    UNION ALL
    SELECT 'FX-Q', '测试Q小区', id, ${geom(square(8, 2, 12, 8))}, 50 FROM regions WHERE code = 'FX-C'`);
  const resource = (code: string, x: number, capability: string) => sql`
    INSERT INTO resources (code, kind, name, location, capabilities, capacity)
    VALUES (${code}, 'VOLUNTEER_TEAM', ${code}, ${point(x, 5)}, ARRAY[${capability}], 3)`;
  await database.db.execute(resource('FX-R1', 5, 'fx_cap'));
  await database.db.execute(resource('FX-R2', 10, 'fx_cap'));
  await database.db.execute(resource('FX-R3', 20, 'fx_cap'));
  await database.db.execute(resource('FX-R4', 6, 'other_cap'));
  // who signs in to work on the fixture: its district's command centre, and a second street
  // account (a ticket is verified by someone other than whoever resolved it)
  for (const username of ['fx-command', 'fx-command2'])
    await createAccount(database, {
      username,
      displayName: username,
      role: 'STREET_STAFF',
      regionCode: 'FX-D',
      password: DEMO_PASSWORD,
    });
}
