import gcoord from 'gcoord';
import { getTableName, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { ArgsType, Field, Float, Int, registerEnumType } from 'type-graphql';
import type { GeoJsonGeometry } from '../db/postgis';
import { badInput } from '../errors';
import { getArgumentValues, type GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import { alignOne, defineLoader, intArray } from './loaders';
import { askedColumn, type RowsAlsoRead } from './with-rows';
import { fieldNodesOnRows } from './selection';
import type { Context } from './context';

export enum Crs {
  WGS84 = 'WGS84',
  GCJ02 = 'GCJ02',
}
registerEnumType(Crs, {
  name: 'Crs',
  description:
    'Coordinate system of output geometry: WGS84 (stored, GPS, OpenStreetMap, Tianditu) or ' +
    'GCJ02 (火星坐标, for Gaode/AutoNavi and Tencent basemaps).',
});

@ArgsType()
export class GeometryArgs {
  @Field(() => Int, {
    defaultValue: 6,
    description: 'Decimal places of coordinates, 0–9 (6 ≈ 0.1 m).',
  })
  precision!: number;

  @Field(() => Float, {
    defaultValue: 0,
    description: 'Simplification tolerance in metres (0 = none); light shapes for low zooms.',
  })
  simplifyMeters!: number;

  @Field(() => Crs, { defaultValue: Crs.WGS84 }) crs!: Crs;
}

const METRES_PER_DEGREE = 111_320;

function validate(args: GeometryArgs) {
  if (!Number.isInteger(args.precision) || args.precision < 0 || args.precision > 9) {
    throw badInput('precision', 'OUT_OF_RANGE', 'precision must be 0–9');
  }
  if (!(args.simplifyMeters >= 0 && args.simplifyMeters <= 10_000)) {
    throw badInput('simplifyMeters', 'OUT_OF_RANGE', 'simplifyMeters must be 0–10000');
  }
}

/** Converts stored WGS84 to the requested system at the edge; never mutates its input. */
export function inCrs<T extends GeoJsonGeometry>(geometry: T, crs: Crs, precision = 7): T {
  if (crs === Crs.WGS84) return geometry;
  const copy = structuredClone(geometry);
  gcoord.transform(copy as never, gcoord.WGS84, gcoord.GCJ02);
  const factor = 10 ** precision;
  const round = (c: unknown): unknown =>
    typeof c === 'number' ? Math.round(c * factor) / factor : (c as unknown[]).map(round);
  return { ...copy, coordinates: round(copy.coordinates) } as T;
}

/** Converts a client's geometry in `crs` to the WGS84 Yitu stores; never mutates its input. */
export function fromCrs<T extends { type: string; coordinates?: unknown }>(
  geometry: T,
  crs: Crs,
): T {
  if (crs === Crs.WGS84) return geometry;
  const copy = structuredClone(geometry);
  gcoord.transform(copy as never, gcoord.GCJ02, gcoord.WGS84);
  return copy;
}

/** A table's shape column and the key of its rows, for loadBoundary. */
export interface Outline {
  table: PgTable;
  id: PgColumn;
  shape: PgColumn;
}

/** A shape as GeoJSON, simplified and rounded by PostGIS. */
const shapeJson = (shape: PgColumn, precision: number, degrees: number) =>
  sql`ST_AsGeoJSON(${degrees > 0 ? sql`ST_SimplifyPreserveTopology(${shape}, ${degrees})` : shape}, ${sql.raw(String(precision))})::json`;

const boundaries = defineLoader<
  number,
  { key: number; g: GeoJsonGeometry } | null,
  { outline: Outline; precision: number; degrees: number }
>(
  async (ctx, keys, { outline, precision, degrees }) => {
    const rows = await ctx.database.preparedRows<{ key: number; g: GeoJsonGeometry }>(sql`
      SELECT ${outline.id} AS key, ${shapeJson(outline.shape, precision, degrees)} AS g
      FROM ${outline.table} WHERE ${outline.id} = ANY(${intArray(keys)}::int[])`);
    return alignOne(keys, rows, (r) => r.key);
  },
  ({ outline, precision, degrees }) =>
    `${getTableName(outline.table)}.${outline.shape.name}:${precision}:${degrees}`,
);

/**
 * Loads the boundaries of many rows of one table in one statement, simplified and rounded by
 * PostGIS as asked.
 */
export async function loadBoundary(
  ctx: Context,
  outline: Outline,
  pk: number,
  args: GeometryArgs,
): Promise<GeoJsonGeometry | null> {
  validate(args);
  const degrees = args.simplifyMeters / METRES_PER_DEGREE;
  const row = await boundaries(ctx, { outline, precision: args.precision, degrees }).load(pk);
  return row?.g ? inCrs(row.g, args.crs, args.precision) : null;
}

/**
 * The boundary the rows a resolver reads will be asked for (`boundary` on its own object, or on
 * a connection's rows), read in the rows' own statement: `column` is it as a column of each row
 * (`pk` the row's key there), `take` hands each row's to the field's loader, so the field costs no
 * statement of its own. Null when the rows are not asked it, or asked it in two ways (then the
 * loader reads them as before), or with arguments the field will refuse.
 */
export function boundaryWithRows(
  ctx: Context,
  info: GraphQLResolveInfo,
  rowType: string,
  outline: Outline,
): RowsAlsoRead | null {
  const nodes = fieldNodesOnRows(info, 'boundary');
  const field = (info.schema.getType(rowType) as GraphQLObjectType | undefined)?.getFields()
    .boundary;
  if (nodes.length === 0 || !field) return null;
  let asked: { precision: number; degrees: number } | undefined;
  for (const node of nodes) {
    let args: GeometryArgs;
    try {
      args = getArgumentValues(field, node, info.variableValues) as unknown as GeometryArgs;
      validate(args);
    } catch {
      return null;
    }
    const degrees = args.simplifyMeters / METRES_PER_DEGREE;
    if (asked && (asked.precision !== args.precision || asked.degrees !== degrees)) return null;
    asked = { precision: args.precision, degrees };
  }
  const { precision, degrees } = asked!;
  return askedColumn<GeoJsonGeometry>(
    'askedBoundary',
    (row) =>
      sql`(SELECT ${shapeJson(outline.shape, precision, degrees)} FROM ${outline.table}
        WHERE ${outline.id} = ${row('pk')})`,
    () => {
      const loader = boundaries(ctx, { outline, precision, degrees });
      return (row, g) =>
        loader.prime(row.pk, { key: row.pk, g: g ?? (null as unknown as GeoJsonGeometry) });
    },
  );
}

/**
 * A shape as GeoJSON text, for answers written whole in SQL (graphql/sql-answer.ts): what the
 * boundary field answers for these arguments, or null where PostGIS alone cannot give it
 * (arguments the field refuses; GCJ-02, converted here in JavaScript).
 */
export function boundaryText(shape: SQL, args: GeometryArgs): SQL | null {
  try {
    validate(args);
  } catch {
    return null;
  }
  if (args.crs !== Crs.WGS84) return null;
  const degrees = args.simplifyMeters / METRES_PER_DEGREE;
  // the tolerance written into the text, not passed as a value: the text is kept for reuse
  const simplified =
    degrees > 0 ? sql`ST_SimplifyPreserveTopology(${shape}, ${sql.raw(String(degrees))})` : shape;
  return sql`ST_AsGeoJSON(${simplified}, ${sql.raw(String(args.precision))})`;
}

/** A stored point [lon, lat] as GeoJSON in the requested system. */
export function pointGeometry(lonLat: [number, number], args: GeometryArgs): GeoJsonGeometry {
  validate(args);
  const factor = 10 ** args.precision;
  const point: GeoJsonGeometry = {
    type: 'Point',
    coordinates: lonLat.map((c) => Math.round(c * factor) / factor),
  };
  return inCrs(point, args.crs, args.precision);
}
