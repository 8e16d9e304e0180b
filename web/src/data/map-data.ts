// What the map asks GraphQL for. Everything it draws comes from the vector tiles (GET /tiles, at
// every zoom, nothing capped); GraphQL gives the frame (the districts' extent and names), the
// panels' rows and the outlines drawing snaps to, each read to its last page.
import {
  MAP_FRAME_QUERY,
  OUTLINES_IN_VIEW_QUERY,
  PLACE_BY_CODE_QUERY,
  TICKET_LOCATION_QUERY,
  type GeoJsonGeometry,
  type Position,
  type ResultOf,
} from '@yitu/schema';
import type { Crs } from './app-config';
import { request } from './graphql';

export type { Position };
export type Geometry = Extract<GeoJsonGeometry, { type: 'Polygon' | 'MultiPolygon' }>;
export type PointGeometry = Extract<GeoJsonGeometry, { type: 'Point' }>;

type Places = ResultOf<typeof PLACE_BY_CODE_QUERY>;
type Row<Rows extends { nodes: unknown[] }> = Rows['nodes'][number];

export type Compound = Omit<Row<Places['compounds']>, 'propertyCompany' | 'stats'> & {
  redProperty: boolean;
  propertyCompanyName: string | null; // null = 无物业
  openTickets: number;
  overdueTickets: number;
  /** Share of rated tickets rated 4–5, null before any rating. */
  satisfactionRate: number | null;
};

export type Grid = Row<Places['grids']>;

/** Where the map opens and what it says about itself. */
export interface MapFrame {
  /** [[west, south], [east, north]] of the streets (or districts), null before any import. */
  bounds: [Position, Position] | null;
  /** The first district's name (the top bar), null when there is none. */
  district: string | null;
  /** Made-up demo data (the map then says so). */
  synthetic: boolean;
}

/** [[west, south], [east, north]] of all geometries (any type), or null when there are none. */
export function boundsOf(geometries: { coordinates: unknown }[]): [Position, Position] | null {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  const visit = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number') {
      const [x, y] = c as Position;
      w = Math.min(w, x);
      s = Math.min(s, y);
      e = Math.max(e, x);
      n = Math.max(n, y);
    } else c.forEach(visit);
  };
  for (const g of geometries) visit(g.coordinates);
  return w <= e
    ? [
        [w, s],
        [e, n],
      ]
    : null;
}

/** Every page of a connection, one request after another. */
async function allPages<T>(
  page: (after: string | null) => Promise<{
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: T[];
  }>,
): Promise<T[]> {
  const rows: T[] = [];
  let after: string | null = null;
  for (;;) {
    const got = await page(after);
    rows.push(...got.nodes);
    if (!got.pageInfo.hasNextPage || !got.pageInfo.endCursor) return rows;
    after = got.pageInfo.endCursor;
  }
}

/** The districts' extent and name, in the CRS of the basemap (WGS84 without one). */
export async function fetchMapFrame(crs: Crs, signal?: AbortSignal): Promise<MapFrame> {
  const level = (level: 'DISTRICT' | 'STREET') =>
    allPages(
      async (after) => (await request(MAP_FRAME_QUERY, { level, crs, after }, signal)).regions,
    );
  const [districts, streets] = await Promise.all([level('DISTRICT'), level('STREET')]);
  return {
    bounds: boundsOf((streets.length ? streets : districts).map((d) => d.boundary)),
    district: districts[0]?.name ?? null,
    synthetic: districts.some((d) => d.synthetic),
  };
}

/** A compound or grid by its exact code (null when there is none), for the panel and focus. */
export async function fetchPlace(
  kind: 'compound' | 'grid',
  code: string,
  crs: Crs,
  signal?: AbortSignal,
): Promise<Compound | Grid | null> {
  const found = await request(PLACE_BY_CODE_QUERY, { code, crs }, signal);
  if (kind === 'grid') return found.grids.nodes.find((g) => g.code === code) ?? null;
  const c = found.compounds.nodes.find((x) => x.code === code);
  if (!c) return null;
  const { propertyCompany, stats, ...rest } = c;
  return {
    ...rest,
    redProperty: propertyCompany?.hasPartyBranch ?? false,
    propertyCompanyName: propertyCompany?.name ?? null,
    openTickets: stats.openTickets,
    overdueTickets: stats.overdueTickets,
    satisfactionRate: stats.satisfactionRate,
  };
}

/** Where a ticket is (null when it has no point or cannot be read). */
export async function fetchTicketLocation(id: string, crs: Crs): Promise<Position | null> {
  const { node } = await request(TICKET_LOCATION_QUERY, { id, crs });
  const at = node && 'location' in node ? node.location : null;
  return at?.type === 'Point' ? at.coordinates : null;
}

export type Polygon = { type: 'Polygon'; coordinates: number[][][] };

/** Region, grid and compound outlines reaching a WGS84 box, every page of each, as polygons. */
export async function fetchOutlines(
  bbox: { west: number; south: number; east: number; north: number },
  crs: Crs,
): Promise<Polygon[]> {
  const shapes: GeoJsonGeometry[] = [];
  let after = { regions: null, grids: null, compounds: null } as Record<
    'regions' | 'grids' | 'compounds',
    string | null
  >;
  let wanted = { regions: true, grids: true, compounds: true };
  while (wanted.regions || wanted.grids || wanted.compounds) {
    const got = await request(OUTLINES_IN_VIEW_QUERY, {
      bbox,
      crs,
      regionsAfter: after.regions,
      gridsAfter: after.grids,
      compoundsAfter: after.compounds,
      ...wanted,
    });
    const next = { regions: false, grids: false, compounds: false };
    for (const key of ['regions', 'grids', 'compounds'] as const) {
      const page = got[key];
      if (!wanted[key] || !page) continue;
      shapes.push(...page.nodes.map((n) => n.boundary));
      next[key] = page.pageInfo.hasNextPage && !!page.pageInfo.endCursor;
      after = { ...after, [key]: page.pageInfo.endCursor };
    }
    wanted = next;
  }
  return shapes.flatMap((g): Polygon[] =>
    g.type === 'Polygon'
      ? [g as Polygon]
      : g.type === 'MultiPolygon'
        ? g.coordinates.map((coordinates) => ({ type: 'Polygon' as const, coordinates }))
        : [],
  );
}
