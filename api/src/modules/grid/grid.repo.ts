import { sql } from 'drizzle-orm';
import type { Database } from '../../db';
import type { Grid } from './grid.type';

export function listGrids(database: Database): Promise<Grid[]> {
  return database.rows<Grid>(sql`
    SELECT g.id::text, g.code, g.name, r.code AS "communityCode", p.code AS "parentCode", g.kinds,
      w.name AS "workerName", ST_AsGeoJSON(g.boundary, 6)::json AS boundary
    FROM grids g
    JOIN regions r ON r.id = g.community_id
    LEFT JOIN grids p ON p.id = g.parent_id
    LEFT JOIN grid_workers w ON w.id = g.worker_id
    ORDER BY g.code`);
}
