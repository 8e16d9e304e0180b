// The one read the map needs: every boundary at once, fetched with plain fetch (no client lib).

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

export const MAP_LAYERS_QUERY = `query MapLayers {
  regions { id code name level boundary }
  compounds { id code name households redProperty propertyCompanyName openTickets boundary }
  grids { id code name parentCode boundary }
}`;

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
  const body = (await res.json().catch(() => ({}))) as GraphQLResponse<MapData>;
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  if (!res.ok || !body.data) throw new Error(`/graphql: HTTP ${res.status}`);
  return body.data;
}
