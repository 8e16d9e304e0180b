import { sql } from 'drizzle-orm';
import type { Database } from '../../db';

export interface TilingProblem {
  kind: 'GAP' | 'OVERLAP' | 'OUTSIDE';
  /** The area that is not covered (GAP), covered twice (OVERLAP) or outside its parent. */
  where: string;
  squareMetres: number;
}

// Tolerance for floating-point slivers where neighbours share vertices: a square metre.
const TOLERANCE_M2 = 1;

/**
 * Checks the spatial hierarchy in PostGIS: grids tile their community with no gaps or
 * overlaps, micro-grids tile their parent grid, compounds lie inside their community and
 * communities inside their street. An empty list means the map is consistent.
 */
export async function tilingProblems(database: Database): Promise<TilingProblem[]> {
  // Areas come from unions, never ST_Difference: PGlite's PostGIS (0.5.8) silently drops the
  // row when ST_Difference meets polygons sharing edges exactly, which is what tiling means.
  // The uncovered part of P by U is area(P ∪ U) − area(U); the part of C outside R is
  // area(C ∪ R) − area(R).
  const tolerance = sql.raw(String(TOLERANCE_M2));
  const gaps = await database.rows<TilingProblem>(sql`
    SELECT 'GAP' AS kind, label AS "where", round(area::numeric, 2)::float8 AS "squareMetres"
    FROM (
      SELECT 'community ' || r.code AS label,
        CASE WHEN u.covered IS NULL THEN ST_Area(r.boundary::geography)
             ELSE ST_Area(ST_Union(r.boundary, u.covered)::geography) - ST_Area(u.covered::geography) END AS area
      FROM regions r
      LEFT JOIN LATERAL (SELECT ST_Union(g.boundary) AS covered FROM grids g
                         WHERE g.community_id = r.id AND g.parent_id IS NULL
                           AND g.retired_at IS NULL) u ON true
      WHERE r.level = 'COMMUNITY'
      UNION ALL
      SELECT 'grid ' || p.code,
        ST_Area(ST_Union(p.boundary, u.covered)::geography) - ST_Area(u.covered::geography)
      FROM grids p
      JOIN LATERAL (SELECT ST_Union(m.boundary) AS covered FROM grids m
                    WHERE m.parent_id = p.id AND m.retired_at IS NULL) u
        ON u.covered IS NOT NULL
      WHERE p.retired_at IS NULL
    ) p WHERE area > ${tolerance}`);
  const overlaps = await database.rows<TilingProblem>(sql`
    SELECT 'OVERLAP' AS kind, 'grids ' || a.code || ' and ' || b.code AS "where",
      round(ST_Area(ST_Intersection(a.boundary, b.boundary)::geography)::numeric, 2)::float8 AS "squareMetres"
    FROM grids a JOIN grids b
      ON a.community_id = b.community_id AND a.id < b.id
      AND a.parent_id IS NOT DISTINCT FROM b.parent_id -- siblings: same community, same parent
      AND ST_Intersects(a.boundary, b.boundary)
      AND a.retired_at IS NULL AND b.retired_at IS NULL
    WHERE ST_Area(ST_Intersection(a.boundary, b.boundary)::geography) > ${tolerance}`);
  const outside = await database.rows<TilingProblem>(sql`
    SELECT 'OUTSIDE' AS kind, label AS "where", round(area::numeric, 2)::float8 AS "squareMetres"
    FROM (
      SELECT 'compound ' || c.code AS label,
        ST_Area(ST_Union(c.boundary, r.boundary)::geography) - ST_Area(r.boundary::geography) AS area
      FROM compounds c JOIN regions r ON r.id = c.community_id
      WHERE c.retired_at IS NULL AND NOT ST_CoveredBy(c.boundary, r.boundary)
      UNION ALL
      SELECT 'region ' || child.code,
        ST_Area(ST_Union(child.boundary, parent.boundary)::geography) - ST_Area(parent.boundary::geography)
      FROM regions child JOIN regions parent ON parent.id = child.parent_id
      WHERE child.level = 'COMMUNITY' AND NOT ST_CoveredBy(child.boundary, parent.boundary)
    ) p WHERE area > ${tolerance}`);
  const order = (p: TilingProblem) => `${p.kind} ${p.where}`;
  return [...gaps, ...overlaps, ...outside].sort((x, y) => order(x).localeCompare(order(y)));
}
