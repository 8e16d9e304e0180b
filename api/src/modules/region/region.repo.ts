import { sql } from 'drizzle-orm';
import type { Database } from '../../db';
import type { Region } from './region.type';

export function listRegions(database: Database): Promise<Region[]> {
  return database.rows<Region>(sql`
    SELECT r.id::text, r.code, r.name, r.level, p.code AS "parentCode",
      ST_AsGeoJSON(r.boundary, 6)::json AS boundary,
      (SELECT count(*)::int FROM tickets t
       WHERE t.status NOT IN ('CLOSED', 'REJECTED')
         AND (t.community_id = r.id OR ST_Intersects(r.boundary, t.location) AND r.level <> 'COMMUNITY')) AS "openTickets"
    FROM regions r LEFT JOIN regions p ON p.id = r.parent_id
    ORDER BY r.level, r.code`);
}
