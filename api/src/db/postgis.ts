import { customType } from 'drizzle-orm/pg-core';
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';

// drizzle's built-in geometry() is points-only and writes SRID 0, so every spatial column is a
// custom type with its geometry type and SRID 4326 spelled out. Values travel as GeoJSON:
// written through ST_GeomFromGeoJSON, read back with ST_AsGeoJSON (see asGeoJson below).

export type GeoJsonGeometry =
  | { type: 'Point'; coordinates: number[] }
  | { type: 'Polygon'; coordinates: number[][][] }
  | { type: 'MultiPolygon'; coordinates: number[][][][] }
  | { type: 'LineString'; coordinates: number[][] };

const geometryColumn = (geometryType: 'Point' | 'Polygon' | 'MultiPolygon' | 'Geometry') =>
  customType<{ data: GeoJsonGeometry; driverData: string }>({
    dataType: () => `geometry(${geometryType},4326)`,
    toDriver: (value) => sql`ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(value)}), 4326)`,
  });

export const point = geometryColumn('Point');
export const polygon = geometryColumn('Polygon');
export const multiPolygon = geometryColumn('MultiPolygon');
/** Any type (an import's staged shape, before it is judged for its table). */
export const anyGeometry = geometryColumn('Geometry');

/** Select a geometry column as parsed GeoJSON. */
export const asGeoJson = (column: SQLWrapper, maxDecimals = 7): SQL<GeoJsonGeometry> =>
  sql<GeoJsonGeometry>`ST_AsGeoJSON(${column}, ${sql.raw(String(maxDecimals))})::json`;
