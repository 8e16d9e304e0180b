import { sql } from 'drizzle-orm';
import { actOnTicket, createCalendar, reportTicket, type Database } from '@yitu/api/testing';

// Hand-placed resources around a ticket whose right ranking is known, far from the demo city and
// from ./fixture (around 101°E, 21°N). x, y in 0.001°: 0.001° of longitude ≈ 104 m here.
//   community MX-C x 0..20, y 0..10; grids MX-GA x 0..10, MX-GB x 10..20; compound MX-P x 2..8.
//   Tickets of category MX_CAT (needs mx_cap) at (5, 5) unless placed elsewhere.
// Resources (all mx_cap, capacity 2, always available, volunteer teams, unless said):
//   MX-NEAR (6,5) ≈104 m · MX-FAR (9,5) ≈415 m · MX-CLAIM (6.5,5) ≈156 m, claimed grid MX-GA
//   MX-BUSY (5.5,5) capacity 1 · MX-SAT (5.2,5) nearest, Saturdays only · MX-DECL (5.3,5)
//   MX-DEPT (8,5) a department, may not decline · MX-OTHER (5.1,5) can do something else only
export const MX = { lon: (x: number) => 101 + x / 1000, lat: (y: number) => 21 + y / 1000 };

/** Tuesday 24 November 2026, 10:00 in Beijing. */
export const MX_NOW = new Date('2026-11-24T02:00:00Z');
/** When MX-SAT next works: Saturday 28 November, 09:00 in Beijing. */
export const MX_SAT_OPENS = new Date('2026-11-28T01:00:00Z');

const square = (x0: number, y0: number, x1: number, y1: number) =>
  sql`ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify({
    type: 'Polygon',
    coordinates: [
      [
        [MX.lon(x0), MX.lat(y0)],
        [MX.lon(x1), MX.lat(y0)],
        [MX.lon(x1), MX.lat(y1)],
        [MX.lon(x0), MX.lat(y1)],
        [MX.lon(x0), MX.lat(y0)],
      ],
    ],
  })}), 4326)`;

interface ResourceSpec {
  code: string;
  x: number;
  kind?: string;
  capabilities?: string[];
  capacity?: number;
  availability?: object;
  mayDecline?: boolean;
}

export const MX_RESOURCES: ResourceSpec[] = [
  { code: 'MX-NEAR', x: 6 },
  { code: 'MX-FAR', x: 9 },
  { code: 'MX-CLAIM', x: 6.5 },
  { code: 'MX-BUSY', x: 5.5, capacity: 1 },
  { code: 'MX-SAT', x: 5.2, availability: { weekly: [[6, '09:00', '17:00']] } },
  { code: 'MX-DECL', x: 5.3 },
  { code: 'MX-DEPT', x: 8, kind: 'DEPARTMENT', mayDecline: false },
  { code: 'MX-OTHER', x: 5.1, capabilities: ['mx_other'] },
];

export async function insertMatchFixture(db: Database): Promise<Record<string, number>> {
  await db.db.execute(sql`
    INSERT INTO categories (code, name_zh, name_en, level, respond_hours, resolve_hours, capabilities)
    VALUES ('MX_CAT', '测试类', 'Test category', 'COMPOUND', 4, 40, ARRAY['mx_cap'])`);
  await db.db.execute(sql`
    INSERT INTO regions (code, name, level, boundary, metadata)
    VALUES ('MX-D', '匹配测试区', 'DISTRICT', ST_Multi(${square(0, 0, 20, 10)}), '{"synthetic":true}')`);
  await db.db.execute(sql`
    INSERT INTO regions (code, name, level, parent_id, boundary, metadata)
    SELECT 'MX-S', '匹配测试街道', 'STREET', id, boundary, metadata FROM regions WHERE code = 'MX-D'`);
  await db.db.execute(sql`
    INSERT INTO regions (code, name, level, parent_id, boundary, metadata)
    SELECT 'MX-C', '匹配测试社区', 'COMMUNITY', id, boundary, metadata FROM regions WHERE code = 'MX-S'`);
  await db.db.execute(sql`
    INSERT INTO grids (code, name, community_id, boundary)
    SELECT 'MX-GA', '匹配A网格', id, ${square(0, 0, 10, 10)} FROM regions WHERE code = 'MX-C'
    UNION ALL
    SELECT 'MX-GB', '匹配B网格', id, ${square(10, 0, 20, 10)} FROM regions WHERE code = 'MX-C'`);
  await db.db.execute(sql`
    INSERT INTO compounds (code, name, community_id, boundary, households)
    SELECT 'MX-P', '匹配P小区', id, ${square(2, 2, 8, 8)}, 100 FROM regions WHERE code = 'MX-C'`);
  const ids: Record<string, number> = {};
  for (const r of MX_RESOURCES) {
    const [row] = await db.rows<{ id: number }>(sql`
      INSERT INTO resources (code, kind, name, community_id, location, capabilities, capacity, availability, may_decline)
      VALUES (${r.code}, ${r.kind ?? 'VOLUNTEER_TEAM'}, ${r.code}, (SELECT id FROM regions WHERE code = 'MX-C'),
        ST_SetSRID(ST_MakePoint(${MX.lon(r.x)}::float8, ${MX.lat(5)}::float8), 4326),
        ${`{${(r.capabilities ?? ['mx_cap']).join(',')}}`}::text[], ${r.capacity ?? 2},
        ${JSON.stringify(r.availability ?? { always: true })}::jsonb, ${r.mayDecline ?? true})
      RETURNING id`);
    ids[r.code] = row!.id;
  }
  await db.db.execute(sql`
    INSERT INTO resource_claims (resource_id, grid_id)
    SELECT ${ids['MX-CLAIM']!}, id FROM grids WHERE code = 'MX-GA'`);
  return ids;
}

let reports = 0;

/** A resident's report in MX-P, accepted by staff: ready to dispatch. */
export async function acceptedTicket(
  db: Database,
  at: { x: number; y: number } = { x: 5, y: 5 },
  categoryCode: string | null = 'MX_CAT',
): Promise<{ id: number; version: number }> {
  const { ticketId } = await reportTicket(
    db,
    {
      compoundCode: 'MX-P',
      reporterName: '测试居民',
      reporterPhone: '13800000000',
      description: '匹配测试',
      lon: MX.lon(at.x),
      lat: MX.lat(at.y),
      categoryCode,
      channel: 'QR',
      idempotencyKey: `mx-${process.pid}-${++reports}-${Date.now()}`,
      actor: 'resident:测试居民',
    },
    MX_NOW,
    createCalendar(),
  );
  const version = await actOnTicket(db, {
    ticketId,
    expectedVersion: 1,
    action: 'ACCEPT',
    actor: 'staff:mx',
    now: MX_NOW,
  });
  return { id: ticketId, version };
}
