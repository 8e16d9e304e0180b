import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { mayReadTicket, ticketScope, type Database } from '@yitu/api/testing';
import { engineName, testDb } from '../support/db';
import { testViewer } from '../support/viewer';

// The policy writes which tickets a viewer may read once, in JavaScript (mayReadTicket: one
// ticket, for the live events and the photo route) and as SQL (ticketScope: the lists). Both
// forms judge every kind of viewer and ticket place alike.

type Viewer = Parameters<typeof mayReadTicket>[0];
type Place = Parameters<typeof mayReadTicket>[1];

const NOW = new Date('2026-03-02T10:00:00+08:00');

const viewer = (
  permissions: string[],
  jurisdiction: Partial<Viewer['jurisdiction']>,
  over: Partial<Viewer> = {},
): Viewer =>
  testViewer(permissions, jurisdiction, {
    expiresAt: new Date(NOW.getTime() + 3600_000),
    ...over,
  });

const VIEWERS: Record<string, Viewer> = {
  'grid worker': viewer(['tickets:read'], { gridPks: [70, 71] }),
  community: viewer(['tickets:read'], { communityPks: [7] }),
  street: viewer(['tickets:read'], { communityPks: [7, 8] }),
  district: viewer(['tickets:read'], { all: true }),
  department: viewer(['tickets:read'], { all: true, departmentOnly: true }),
  'area department': viewer(['tickets:read'], { communityPks: [8], departmentOnly: true }),
  'places-only token': viewer(['places:read'], { all: true }, { via: 'token' }),
  'expired session': viewer(['tickets:read'], { communityPks: [7] }, { expiresAt: NOW }),
  anonymous: viewer([], {}, { via: 'anonymous', expiresAt: null }),
};

const PLACES: Place[] = [7, 8, null].flatMap((communityPk) =>
  [70, 71, 80, null].flatMap((gridPk) =>
    ['COMPOUND', 'STREET', 'DEPARTMENT'].map((level) => ({ communityPk, gridPk, level })),
  ),
);

describe(`ticketScope is mayReadTicket in SQL on ${engineName()}`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await testDb();
  });

  it.each(Object.entries(VIEWERS))('keeps what mayReadTicket lets %s read', async (_, v) => {
    const rows = sql.join(
      PLACES.map(
        (p, n) => sql`(${n}::int, ${p.communityPk}::int, ${p.gridPk}::int, ${p.level}::text)`,
      ),
      sql`, `,
    );
    const kept = await database.rows<{ n: number }>(sql`
      SELECT n FROM (VALUES ${rows}) AS t(n, community_id, grid_id, level)
      WHERE ${ticketScope(v, NOW)} ORDER BY n`);
    const expected = PLACES.flatMap((p, n) => (mayReadTicket(v, p, NOW) ? [n] : []));
    expect(kept.map((r) => r.n)).toEqual(expected);
  });
});
