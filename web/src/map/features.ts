import type {
  Geometry,
  MapData,
  PointGeometry,
  Position,
  BuildingPoint,
  ResourcePoint,
  TicketPoint,
} from '../data/map-data';

// Minimal GeoJSON shapes: @types/geojson is not a dependency of web.
export interface Feature<P, G = Geometry> {
  type: 'Feature';
  geometry: G;
  properties: P;
}
export interface FeatureCollection<P, G = Geometry> {
  type: 'FeatureCollection';
  features: Feature<P, G>[];
}

// Only non-null scalars go into feature properties (MapLibre drops nulls); the panel reads
// the full row by code.
export interface RegionProps {
  code: string;
  name: string;
  level: string;
  /** Made-up demo data (the map then says so). */
  synthetic: boolean;
}
export interface CompoundProps {
  code: string;
  name: string;
  openTickets: number;
  overdueTickets: number;
  /** 0–1; -1 before any rating (MapLibre drops null properties). */
  satisfaction: number;
  redProperty: boolean;
}
export interface GridProps {
  code: string;
  name: string;
  micro: boolean;
}

export interface TicketProps {
  id: string;
  code: string;
  status: string;
  overdue: boolean;
}

export type TicketCollection = FeatureCollection<TicketProps, PointGeometry>;

export interface ResourceProps {
  code: string;
  name: string;
  kind: string;
}
export type ResourceCollection = FeatureCollection<ResourceProps, PointGeometry>;

export interface MapCollections {
  regions: FeatureCollection<RegionProps>;
  compounds: FeatureCollection<CompoundProps>;
  grids: FeatureCollection<GridProps>;
  tickets: TicketCollection;
}

const collection = <P, G = Geometry>(features: Feature<P, G>[]): FeatureCollection<P, G> => ({
  type: 'FeatureCollection',
  features,
});
const feature = <P, G = Geometry>(geometry: G, properties: P): Feature<P, G> => ({
  type: 'Feature',
  geometry,
  properties,
});

export const buildingCollection = (buildings: BuildingPoint[]) =>
  collection(buildings.map((b) => feature(b.location, { number: b.number, floors: b.floors })));

export const resourceCollection = (resources: ResourcePoint[]): ResourceCollection =>
  collection(
    resources.map((r) => feature(r.location, { code: r.code, name: r.name, kind: r.kind })),
  );

/** Open tickets as points; the id is the API's global id, for the ticket panel. */
export const ticketCollection = (tickets: TicketPoint[]): TicketCollection =>
  collection(
    tickets.map((t) =>
      feature(t.location, { id: t.id, code: t.code, status: t.status, overdue: t.overdue }),
    ),
  );

export function toCollections(data: MapData): MapCollections {
  return {
    regions: collection(
      data.regions.map((r) =>
        feature(r.boundary, { code: r.code, name: r.name, level: r.level, synthetic: r.synthetic }),
      ),
    ),
    compounds: collection(
      data.compounds.map((c) =>
        feature(c.boundary, {
          code: c.code,
          name: c.name,
          openTickets: c.openTickets,
          overdueTickets: c.overdueTickets,
          satisfaction: c.satisfactionRate ?? -1,
          redProperty: c.redProperty,
        }),
      ),
    ),
    grids: collection(
      data.grids.map((g) =>
        feature(g.boundary, { code: g.code, name: g.name, micro: g.parentCode !== null }),
      ),
    ),
    tickets: ticketCollection(data.tickets),
  };
}

const polygonsOf = (g: Geometry): Position[][][] =>
  g.type === 'Polygon' ? [g.coordinates] : g.coordinates;

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

const ringArea = (ring: Position[]): number => {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    sum += (xj - xi) * (yj + yi);
  }
  return Math.abs(sum / 2);
};

/**
 * A point inside the largest polygon, for an HTML label: the middle of the widest inside span
 * of the horizontal line through the bbox centre. Unlike the centroid it cannot fall outside
 * an L-shaped street.
 */
export function labelPoint(geometry: Geometry): Position | null {
  let best: Position[][] | undefined;
  for (const polygon of polygonsOf(geometry))
    if (!best || ringArea(polygon[0] ?? []) > ringArea(best[0] ?? [])) best = polygon;
  const outer = best?.[0];
  if (!best || !outer?.length) return null;
  const ys = outer.map((p) => p[1]);
  const y = (Math.min(...ys) + Math.max(...ys)) / 2;
  const xs: number[] = [];
  for (const ring of best)
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]!;
      const [xj, yj] = ring[j]!;
      // half-open test so a vertex exactly on the line counts once
      if (yi <= y !== yj <= y) xs.push(xi + ((y - yi) / (yj - yi)) * (xj - xi));
    }
  xs.sort((a, b) => a - b);
  let mid: number | null = null;
  let widest = -1;
  for (let i = 0; i + 1 < xs.length; i += 2) {
    const a = xs[i]!;
    const b = xs[i + 1]!;
    if (b - a > widest) [widest, mid] = [b - a, (a + b) / 2];
  }
  return mid === null ? null : [mid, y];
}
