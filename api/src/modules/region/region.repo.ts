import { sql } from 'drizzle-orm';
import type { Database } from '../../db';
import type { Region } from './region.type';

export function listRegions(database: Database): Promise<Region[]> {
  // Tickets carry their community (filled by the spatial join when written), so open counts are
  // one grouped pass rolled up the hierarchy, not a spatial scan per street and district.
  return database.rows<Region>(sql`
    WITH open_by_community AS (
      SELECT community_id, count(*)::int AS n FROM tickets
      WHERE status NOT IN ('CLOSED', 'REJECTED') GROUP BY community_id
    ), open_by_region AS (
      SELECT c.id, c.parent_id AS street_id, COALESCE(o.n, 0) AS n
      FROM regions c LEFT JOIN open_by_community o ON o.community_id = c.id
      WHERE c.level = 'COMMUNITY'
    )
    SELECT r.id::text, r.code, r.name, r.level, p.code AS "parentCode",
      ST_AsGeoJSON(r.boundary, 6)::json AS boundary,
      CASE r.level
        WHEN 'COMMUNITY' THEN (SELECT n FROM open_by_region o WHERE o.id = r.id)
        WHEN 'STREET' THEN (SELECT COALESCE(sum(n), 0)::int FROM open_by_region o WHERE o.street_id = r.id)
        ELSE (SELECT COALESCE(sum(o.n), 0)::int FROM open_by_region o
              JOIN regions s ON s.id = o.street_id WHERE s.parent_id = r.id)
      END AS "openTickets"
    FROM regions r LEFT JOIN regions p ON p.id = r.parent_id
    ORDER BY r.level, r.code`);
}
