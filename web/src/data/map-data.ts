// The one read the map needs at start: every boundary and the open tickets at once.
import { MAP_LAYERS_QUERY } from '@yitu/schema';
import type { Crs } from './app-config';
import { request } from './graphql';

export type Position = [number, number];
export type Geometry =
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] };
export type PointGeometry = { type: 'Point'; coordinates: Position };

export type RegionLevel = 'DISTRICT' | 'STREET' | 'COMMUNITY';

export interface Region {
  id: string;
  code: string;
  name: string;
  level: RegionLevel;
  boundary: Geometry;
}

export interface Compound {
  id: string;
  code: string;
  name: string;
  households: number;
  redProperty: boolean;
  propertyCompanyName: string | null; // null = 无物业
  openTickets: number;
  overdueTickets: number;
  /** Share of rated tickets rated 4–5, null before any rating. */
  satisfactionRate: number | null;
  boundary: Geometry;
}

export interface Grid {
  id: string;
  code: string;
  name: string;
  parentCode: string | null; // set = 微网格
  boundary: Geometry;
}

/** An open ticket as the map shows it. */
export interface TicketPoint {
  id: string;
  code: string;
  status: string;
  overdue: boolean;
  location: PointGeometry;
}

/** A resource as the map shows it (fetched per view, from zoom 14). */
export interface ResourcePoint {
  id: string;
  code: string;
  name: string;
  kind: string;
  location: PointGeometry;
}

/** A building as the map shows it (fetched per view, from zoom 16). */
export interface BuildingPoint {
  id: string;
  number: string;
  floors: number;
  location: PointGeometry;
}

export interface MapData {
  regions: Region[];
  compounds: Compound[];
  grids: Grid[];
  tickets: TicketPoint[];
}

// The API's shape for MapLayers (see @yitu/schema); mapped below to the flat rows the map uses.
interface MapLayersResponse {
  regions: { nodes: Region[] };
  compounds: {
    nodes: (Omit<
      Compound,
      'redProperty' | 'propertyCompanyName' | 'openTickets' | 'overdueTickets' | 'satisfactionRate'
    > & {
      propertyCompany: { name: string; hasPartyBranch: boolean } | null;
      stats: { openTickets: number; overdueTickets: number; satisfactionRate: number | null };
    })[];
  };
  grids: { nodes: (Omit<Grid, 'parentCode'> & { parent: { code: string } | null })[] };
  tickets: { nodes: TicketPoint[] };
}

/** Everything the map draws at start, in the CRS of the basemap (WGS84 without one). */
export async function fetchMapData(crs: Crs, signal?: AbortSignal): Promise<MapData> {
  const { regions, compounds, grids, tickets } = await request<MapLayersResponse>(
    MAP_LAYERS_QUERY,
    { crs },
    signal,
  );
  return {
    regions: regions.nodes,
    compounds: compounds.nodes.map(({ propertyCompany, stats, ...c }) => ({
      ...c,
      redProperty: propertyCompany?.hasPartyBranch ?? false,
      propertyCompanyName: propertyCompany?.name ?? null,
      openTickets: stats.openTickets,
      overdueTickets: stats.overdueTickets,
      satisfactionRate: stats.satisfactionRate,
    })),
    grids: grids.nodes.map(({ parent, ...g }) => ({ ...g, parentCode: parent?.code ?? null })),
    tickets: tickets.nodes,
  };
}
