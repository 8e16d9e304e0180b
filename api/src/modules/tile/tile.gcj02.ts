import { geoJSONToTile } from '@maplibre/geojson-vt';
import { fromGeojsonVt } from '@maplibre/vt-pbf';
import { sql } from 'drizzle-orm';
import gcoord from 'gcoord';
import type { Database } from '../../db';
import type { Viewer } from '../../auth/viewer';
import {
  BUFFER,
  columns,
  earliestDue,
  tagsOf,
  EXTENT,
  LAYER_SPECS,
  tileBounds,
  type LayerQuery,
  type LayerTile,
  type TileAddress,
  type TileLayer,
} from './tile.layers';

// Tiles for a map drawn on a GCJ-02 basemap (Gaode/AMap, Tencent): the tile z/x/y is a square of
// GCJ-02 Web Mercator, and every vertex in it is where GCJ-02 puts it. PROJ has no GCJ-02 (it is
// not a geodetic system), so PostGIS cuts and simplifies in WGS84 around the tile (a box wide
// enough for the shift), gcoord moves each vertex to GCJ-02, and @maplibre/geojson-vt projects,
// clips to the buffered tile and rounds to tile units, as MapLibre's own GeoJSON sources do;
// @maplibre/vt-pbf encodes. The same on both engines.

type Box = [number, number, number, number];
const R = 6378137;

/** A tile's square with a margin (a fraction of the tile), in the lon/lat it is drawn in. */
function lonLatOf(tile: TileAddress, margin: number): Box {
  const { xmin, ymax, size } = tileBounds(tile);
  const pad = size * margin;
  const lon = (m: number) => (m / R / Math.PI) * 180;
  const lat = (m: number) => ((2 * Math.atan(Math.exp(m / R)) - Math.PI / 2) / Math.PI) * 180;
  return [lon(xmin - pad), lat(ymax - size - pad), lon(xmin + size + pad), lat(ymax + pad)];
}

/** The WGS84 box holding every point that GCJ-02 moves into a GCJ-02 box. */
export function wgs84Reach(gcj: Box): Box {
  const corners = [
    [gcj[0], gcj[1]],
    [gcj[0], gcj[3]],
    [gcj[2], gcj[1]],
    [gcj[2], gcj[3]],
  ].map((p) => gcoord.transform(p as [number, number], gcoord.GCJ02, gcoord.WGS84));
  const xs = corners.map((c) => c[0]!);
  const ys = corners.map((c) => c[1]!);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** The GCJ-02 box a WGS84 box moves to (for invalidation: what a change there reaches). */
export function gcj02Box(wgs: readonly [number, number, number, number]): Box {
  const corners = [
    [wgs[0], wgs[1]],
    [wgs[0], wgs[3]],
    [wgs[2], wgs[1]],
    [wgs[2], wgs[3]],
  ].map((p) => gcoord.transform(p as [number, number], gcoord.WGS84, gcoord.GCJ02));
  // the shift varies by metres across a city: 0.0005° (about 50 m) more on each side covers it
  const xs = corners.map((c) => c[0]!);
  const ys = corners.map((c) => c[1]!);
  return [
    Math.min(...xs, wgs[0]) - 0.0005,
    Math.min(...ys, wgs[1]) - 0.0005,
    Math.max(...xs, wgs[2]) + 0.0005,
    Math.max(...ys, wgs[3]) + 0.0005,
  ];
}

type Geometry = Parameters<typeof gcoord.transform>[0] & { type: string };

/** One layer of a GCJ-02 tile. */
export async function layerByGcj02(
  database: Database,
  layer: TileLayer,
  tile: TileAddress,
  viewer: Viewer,
  now: Date,
): Promise<LayerTile> {
  const spec = LAYER_SPECS[layer];
  // as the WGS84 tiles: the rows of twice the buffer around the tile, here found in WGS84
  const [w, s, e, n] = wgs84Reach(lonLatOf(tile, (2 * BUFFER) / EXTENT));
  const reach = sql`ST_MakeEnvelope(${w}::float8, ${s}::float8, ${e}::float8, ${n}::float8, 4326)`;
  const q: LayerQuery = {
    tile,
    viewer,
    now,
    tolerance: tileBounds(tile).size / EXTENT,
    reach,
    // points: those in the reach; geojson-vt keeps those in the buffered tile once shifted
    wide: sql`ST_Transform(${reach}, 3857)`,
  };
  const rows = await database.rows<Record<string, unknown> & { fid: number; geom: Geometry }>(sql`
    SELECT fid, ${columns(spec)}, due, ST_AsGeoJSON(ST_Transform(g, 4326), 8)::json AS geom
    FROM (${spec.rows(q)}) src
    WHERE g IS NOT NULL AND NOT ST_IsEmpty(g)
    ORDER BY fid`);
  const features = rows.map((row) => {
    return {
      type: 'Feature' as const,
      id: Number(row.fid),
      properties: tagsOf(spec, row),
      // in place: the row's own parsed JSON
      geometry: gcoord.transform(row.geom, gcoord.WGS84, gcoord.GCJ02),
    };
  });
  const cut = geoJSONToTile(
    { type: 'FeatureCollection', features } as Parameters<typeof geoJSONToTile>[0],
    tile.z,
    tile.x,
    tile.y,
    // PostGIS simplified already (one tile unit): geojson-vt only clips and rounds
    { extent: EXTENT, buffer: BUFFER, tolerance: 0, clip: true, wrap: false },
  );
  const drawn = new Set(cut.features.map((f) => Number(f.id)));
  return {
    bytes:
      cut.features.length === 0
        ? new Uint8Array(0)
        : fromGeojsonVt({ [layer]: cut } as never, { version: 2, extent: EXTENT }),
    features: cut.features.length,
    // only the rows geojson-vt kept in the tile
    due: earliestDue(rows.filter((row) => drawn.has(Number(row.fid)))),
  };
}
