// The one read the map needs at start: every boundary and the open tickets at once. Rows come
// typed from their operations; the map's own rows differ only in flattened fields and in
// geometries narrowed from the GeoJSON scalar to what each layer draws.
import {
  BUILDINGS_IN_VIEW_QUERY,
  MAP_LAYERS_QUERY,
  OPEN_TICKETS_QUERY,
  RESOURCES_IN_VIEW_QUERY,
  type GeoJsonGeometry,
  type Position,
  type ResultOf,
} from '@yitu/schema';
import type { Crs } from './app-config';
import { request } from './graphql';

export type { Position };
export type Geometry = Extract<GeoJsonGeometry, { type: 'Polygon' | 'MultiPolygon' }>;
export type PointGeometry = Extract<GeoJsonGeometry, { type: 'Point' }>;

type Layers = ResultOf<typeof MAP_LAYERS_QUERY>;
type Row<Rows extends { nodes: unknown[] }> = Rows['nodes'][number];
/** A row with its boundary narrowed to an area. */
type Bounded<T> = Omit<T, 'boundary'> & { boundary: Geometry };
/** A row with its location narrowed to a point. */
export type Located<T> = Omit<T, 'location'> & { location: PointGeometry };

export type Region = Bounded<Row<Layers['regions']>>;
export type RegionLevel = Region['level'];

export type Compound = Bounded<Omit<Row<Layers['compounds']>, 'propertyCompany' | 'stats'>> & {
  redProperty: boolean;
  propertyCompanyName: string | null; // null = 无物业
  openTickets: number;
  overdueTickets: number;
  /** Share of rated tickets rated 4–5, null before any rating. */
  satisfactionRate: number | null;
};

export type Grid = Bounded<Omit<Row<Layers['grids']>, 'parent'>> & {
  parentCode: string | null; // set = 微网格
};

/** An open ticket as the map shows it. */
export type TicketPoint = Located<Row<ResultOf<typeof OPEN_TICKETS_QUERY>['tickets']>>;

/** A resource as the map shows it (fetched per view, from zoom 14). */
export type ResourcePoint = Located<Row<ResultOf<typeof RESOURCES_IN_VIEW_QUERY>['resources']>>;

/** A building as the map shows it (fetched per view, from zoom 16). */
export type BuildingPoint = Located<Row<ResultOf<typeof BUILDINGS_IN_VIEW_QUERY>['buildings']>>;

export interface MapData {
  regions: Region[];
  compounds: Compound[];
  grids: Grid[];
  tickets: TicketPoint[];
}

// The API's GeoJSON scalar may be any geometry; a layer that gets the wrong kind says so.
const areaOf = (g: GeoJsonGeometry): Geometry => {
  if (g.type === 'Polygon' || g.type === 'MultiPolygon') return g;
  throw new Error(`expected a boundary, got a ${g.type}`);
};
const pointOf = (g: GeoJsonGeometry): PointGeometry => {
  if (g.type === 'Point') return g;
  throw new Error(`expected a location, got a ${g.type}`);
};

/** Rows with a boundary, as area rows. */
const bounded = <T extends { boundary: GeoJsonGeometry }>(rows: T[]): Bounded<T>[] =>
  rows.map((r) => ({ ...r, boundary: areaOf(r.boundary) }));

/** Rows with a location, as point rows (tickets, resources, buildings). */
export const located = <T extends { location: GeoJsonGeometry }>(rows: T[]): Located<T>[] =>
  rows.map((r) => ({ ...r, location: pointOf(r.location) }));

/** Everything the map draws at start, in the CRS of the basemap (WGS84 without one). */
export async function fetchMapData(crs: Crs, signal?: AbortSignal): Promise<MapData> {
  const { regions, compounds, grids, tickets } = await request(MAP_LAYERS_QUERY, { crs }, signal);
  return {
    regions: bounded(regions.nodes),
    compounds: bounded(compounds.nodes).map(({ propertyCompany, stats, ...c }) => ({
      ...c,
      redProperty: propertyCompany?.hasPartyBranch ?? false,
      propertyCompanyName: propertyCompany?.name ?? null,
      openTickets: stats.openTickets,
      overdueTickets: stats.overdueTickets,
      satisfactionRate: stats.satisfactionRate,
    })),
    grids: bounded(grids.nodes).map(({ parent, ...g }) => ({
      ...g,
      parentCode: parent?.code ?? null,
    })),
    tickets: located(tickets.nodes),
  };
}
