import { sql } from 'drizzle-orm';
import type { Database } from '../../db';
import type { Compound } from './compound.type';

export function listCompounds(database: Database): Promise<Compound[]> {
  // Open-ticket counts come from one grouped join, not a query per compound.
  return database.rows<Compound>(sql`
    SELECT c.id::text, c.code, c.name, r.code AS "communityCode", c.households, c.year_built AS "yearBuilt",
      c.tags, p.name AS "propertyCompanyName", COALESCE(p.has_party_branch, false) AS "redProperty",
      COALESCE(o.n, 0)::int AS "openTickets", ST_AsGeoJSON(c.boundary, 6)::json AS boundary
    FROM compounds c
    JOIN regions r ON r.id = c.community_id
    LEFT JOIN property_companies p ON p.id = c.property_company_id
    LEFT JOIN (SELECT compound_id, count(*) AS n FROM tickets
               WHERE status NOT IN ('CLOSED', 'REJECTED') GROUP BY compound_id) o ON o.compound_id = c.id
    ORDER BY c.code`);
}
