// The one read the map needs: every boundary at once, fetched with plain fetch (no client lib).
import { MAP_LAYERS_QUERY } from '@yitu/schema';

export type Position = [number, number];
export type Geometry =
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] };

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
  boundary: Geometry;
}

export interface Grid {
  id: string;
  code: string;
  name: string;
  parentCode: string | null; // set = 微网格
  boundary: Geometry;
}

export interface MapData {
  regions: Region[];
  compounds: Compound[];
  grids: Grid[];
}

// The API's shape for MapLayers (see @yitu/schema); mapped below to the flat rows the map uses.
interface MapLayersResponse {
  regions: { nodes: Region[] };
  compounds: {
    nodes: (Omit<Compound, 'redProperty' | 'propertyCompanyName' | 'openTickets'> & {
      propertyCompany: { name: string; hasPartyBranch: boolean } | null;
      stats: { openTickets: number };
    })[];
  };
  grids: { nodes: (Omit<Grid, 'parentCode'> & { parent: { code: string } | null })[] };
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string }[];
}

export async function fetchMapData(signal?: AbortSignal): Promise<MapData> {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: MAP_LAYERS_QUERY, operationName: 'MapLayers' }),
    signal: signal ?? null,
  });
  // GraphQL errors can come with 200 or 4xx; read the body either way
  const body = (await res.json().catch(() => ({}))) as GraphQLResponse<MapLayersResponse>;
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  if (!res.ok || !body.data) throw new Error(`/graphql: HTTP ${res.status}`);
  const { regions, compounds, grids } = body.data;
  return {
    regions: regions.nodes,
    compounds: compounds.nodes.map(({ propertyCompany, stats, ...c }) => ({
      ...c,
      redProperty: propertyCompany?.hasPartyBranch ?? false,
      propertyCompanyName: propertyCompany?.name ?? null,
      openTickets: stats.openTickets,
    })),
    grids: grids.nodes.map(({ parent, ...g }) => ({ ...g, parentCode: parent?.code ?? null })),
  };
}
