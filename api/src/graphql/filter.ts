import { sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { Field, Float, ID, InputType } from 'type-graphql';
import type { Database } from '../db';
import { regions } from '../db/schema';
import { badInput } from '../errors';
import { expectId } from './ids';
import { GeoJSONScalar } from './scalars';

export const MAX_RADIUS_METERS = 50_000;
/** Vertices a within polygon may have: a drawn area needs tens, a district outline hundreds. */
export const MAX_POLYGON_VERTICES = 2_000;

@InputType({ description: 'A lon/lat rectangle in WGS84: the map viewport.' })
export class BBoxInput {
  @Field(() => Float) west!: number;
  @Field(() => Float) south!: number;
  @Field(() => Float) east!: number;
  @Field(() => Float) north!: number;
}

@InputType({ description: 'A circle: a WGS84 point and a radius in metres on the sphere.' })
export class NearInput {
  @Field(() => Float) lon!: number;
  @Field(() => Float) lat!: number;
  @Field(() => Float, { description: `Radius in metres, up to ${MAX_RADIUS_METERS}.` })
  radiusMeters!: number;
}

@InputType({ description: 'Map-friendly filters; all given conditions must hold.' })
export class PlaceFilter {
  @Field(() => BBoxInput, { nullable: true, description: 'Intersects this viewport.' })
  bbox?: BBoxInput;

  @Field(() => GeoJSONScalar, {
    nullable: true,
    description: `Intersects this GeoJSON Polygon or MultiPolygon (WGS84), up to ${MAX_POLYGON_VERTICES} vertices.`,
  })
  within?: unknown;

  @Field(() => NearInput, { nullable: true, description: 'Within this distance of a point.' })
  near?: NearInput;

  @Field(() => ID, {
    nullable: true,
    description: 'Inside this region (district 区/县, street 街道 or community 社区), by id.',
  })
  regionId?: string;

  @Field(() => String, {
    nullable: true,
    description: 'Name or code contains this text (中文 ok).',
  })
  search?: string;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Retired (撤销) places: absent or false lists the live ones, true only the retired (to bring one back). Compounds, grids, buildings and resources only.',
  })
  retired?: boolean;
}

/** prefix names the argument object ("filter.near"); top-level lon/lat arguments pass none. */
export function checkLonLat(lon: number, lat: number, prefix?: string) {
  const at = (name: string) => (prefix ? `${prefix}.${name}` : name);
  if (!(lon >= -180 && lon <= 180)) {
    throw badInput(at('lon'), 'OUT_OF_RANGE', `${at('lon')} must be -180..180, got ${lon}`);
  }
  if (!(lat >= -90 && lat <= 90)) {
    throw badInput(at('lat'), 'OUT_OF_RANGE', `${at('lat')} must be -90..90, got ${lat}`);
  }
}

export function checkRadius(radius: number, field: string) {
  if (!(radius > 0 && radius <= MAX_RADIUS_METERS)) {
    throw badInput(
      field,
      'OUT_OF_RANGE',
      `${field} must be > 0 and ≤ ${MAX_RADIUS_METERS} m, got ${radius}`,
    );
  }
}

export const pointSql = (lon: number, lat: number) =>
  sql`ST_SetSRID(ST_MakePoint(${lon}::float8, ${lat}::float8), 4326)`;

// aliases of their own, so a caller's region in regionPk is never taken for one of these
const below = alias(regions, 'below');
const child = alias(regions, 'child');

/** The ids of a region and every region below it. */
export const regionAndBelow = (regionPk: number | SQL) => sql`(
  SELECT ${below.id} FROM ${regions} ${below} WHERE ${below.id} = ${regionPk} OR ${below.parentId} = ${regionPk}
    OR ${below.parentId} IN (SELECT ${child.id} FROM ${regions} ${child} WHERE ${child.parentId} = ${regionPk}))`;

export interface FilterTarget {
  geometry: SQL;
  /** The row's community column, for regionId. */
  community?: SQL;
  /** Or a region's own id (regions are filtered by their place in the tree). */
  regionSelf?: SQL;
  searchable: SQL[];
  /** The row's retired_at, for places that can be retired: the live ones are listed unless asked. */
  retiredAt?: SQL;
}

/**
 * Turns a PlaceFilter into SQL conditions, refusing bad input with the field at fault.
 * Polygon input is checked by PostGIS itself (validity and type) before it is used.
 */
export async function filterSql(
  database: Database,
  filter: PlaceFilter | undefined,
  target: FilterTarget,
): Promise<SQL> {
  const conditions: SQL[] = [];
  if (filter?.bbox) {
    const { west, south, east, north } = filter.bbox;
    checkLonLat(west, south, 'filter.bbox.southWest');
    checkLonLat(east, north, 'filter.bbox.northEast');
    if (west >= east)
      throw badInput('filter.bbox', 'INVERTED', 'filter.bbox: west must be less than east');
    if (south >= north)
      throw badInput('filter.bbox', 'INVERTED', 'filter.bbox: south must be less than north');
    conditions.push(sql`${target.geometry} && ST_MakeEnvelope(${west}::float8, ${south}::float8, ${east}::float8, ${north}::float8, 4326)
      AND ST_Intersects(${target.geometry}, ST_MakeEnvelope(${west}::float8, ${south}::float8, ${east}::float8, ${north}::float8, 4326))`);
  }
  if (filter?.within != null) {
    const polygon = await checkedPolygon(database, filter.within, 'filter.within');
    conditions.push(
      sql`ST_Intersects(${target.geometry}, ST_SetSRID(ST_GeomFromGeoJSON(${polygon}), 4326))`,
    );
  }
  if (filter?.near) {
    const { lon, lat, radiusMeters } = filter.near;
    checkLonLat(lon, lat, 'filter.near');
    checkRadius(radiusMeters, 'filter.near.radiusMeters');
    conditions.push(
      sql`ST_DWithin(${target.geometry}::geography, ${pointSql(lon, lat)}::geography, ${radiusMeters}::float8)`,
    );
  }
  if (filter?.regionId != null) {
    const regionPk = expectId(filter.regionId, 'Region', 'filter.regionId');
    if (target.community) conditions.push(sql`${target.community} IN ${regionAndBelow(regionPk)}`);
    else if (target.regionSelf)
      conditions.push(sql`${target.regionSelf} IN ${regionAndBelow(regionPk)}`);
  }
  if (filter?.search != null) {
    const term = filter.search.trim();
    if (term.length === 0 || term.length > 100) {
      throw badInput('filter.search', 'LENGTH', 'filter.search must be 1–100 characters');
    }
    const pattern = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(
      sql`(${sql.join(
        target.searchable.map((c) => sql`${c} ILIKE ${pattern}`),
        sql` OR `,
      )})`,
    );
  }
  if (target.retiredAt)
    conditions.push(
      filter?.retired ? sql`${target.retiredAt} IS NOT NULL` : sql`${target.retiredAt} IS NULL`,
    );
  else if (filter?.retired)
    throw badInput(
      'filter.retired',
      'NOT_APPLICABLE',
      'filter.retired: only compounds, grids, buildings and resources are retired',
    );
  return conditions.length ? sql.join(conditions, sql` AND `) : sql`true`;
}

export async function checkedPolygon(
  database: Database,
  value: unknown,
  field: string,
): Promise<string> {
  const type = (value as { type?: unknown } | null)?.type;
  if (typeof value !== 'object' || (type !== 'Polygon' && type !== 'MultiPolygon')) {
    throw badInput(field, 'NOT_A_POLYGON', `${field} must be a GeoJSON Polygon or MultiPolygon`);
  }
  // every vertex is tested against every candidate shape: bound the work before PostGIS sees it
  const vertices = vertexCount((value as { coordinates?: unknown }).coordinates);
  if (vertices > MAX_POLYGON_VERTICES)
    throw badInput(
      field,
      'TOO_MANY_VERTICES',
      `${field} has ${vertices} vertices; at most ${MAX_POLYGON_VERTICES} are allowed: simplify it`,
    );
  const json = JSON.stringify(value);
  let rows: { valid: boolean; reason: string }[];
  try {
    rows = await database.rows(sql`
      SELECT ST_IsValid(g) AS valid, ST_IsValidReason(g) AS reason
      FROM (SELECT ST_GeomFromGeoJSON(${json}) AS g) x`);
  } catch {
    throw badInput(field, 'INVALID_GEOJSON', `${field} is not readable GeoJSON`);
  }
  if (!rows[0]?.valid) {
    throw badInput(
      field,
      'INVALID_GEOMETRY',
      `${field} is not a valid polygon: ${rows[0]?.reason ?? 'unknown'}`,
    );
  }
  return json;
}

/** Positions in Polygon or MultiPolygon coordinates (deeper nesting is not GeoJSON: PostGIS refuses it). */
function vertexCount(coordinates: unknown, depth = 0): number {
  if (!Array.isArray(coordinates) || depth > 3) return 0;
  if (typeof coordinates[0] === 'number') return 1;
  let count = 0;
  for (const inner of coordinates) count += vertexCount(inner, depth + 1);
  return count;
}
