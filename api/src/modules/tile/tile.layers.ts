import { sql, type SQL } from 'drizzle-orm';
import { fromGeojsonVt } from '@maplibre/vt-pbf';
import type { Database } from '../../db';
import { ticketScope, ticketVisibility } from '../../auth/policy';
import type { Viewer } from '../../auth/viewer';
import { tickets } from '../../db/schema';
import { openTicket, overdueTicket, t } from '../ticket/ticket-sql';

// The layers of a vector tile as SQL, and the two ways to make their bytes from the same rows:
// ST_AsMVT/ST_AsMVTGeom on PostgreSQL; on PGlite (PostGIS without protobuf) PostGIS clips,
// simplifies, projects and snaps to the tile's integer grid, and @maplibre/vt-pbf encodes.
// Both start from one `rows` statement per layer, so they hold the same features
// (tests/http/tiles.test.ts compares them on PostgreSQL). The contract is in tiles.ts.

export const EXTENT = 4096;
/** Tile units drawn around the tile, so shapes and symbols meet across its edges. */
export const BUFFER = 256;
export const MAX_ZOOM = 18;
const WORLD = 20037508.342789244; // half the Web Mercator world, metres

export interface TileAddress {
  z: number;
  x: number;
  y: number;
}

export const LAYERS = [
  'regions',
  'labels',
  'grids',
  'compounds',
  'buildings',
  'resources',
  'tickets',
  'ticketClusters',
] as const;
export type TileLayer = (typeof LAYERS)[number];

/** The tile's square in EPSG:3857 metres. */
export function tileBounds({ z, x, y }: TileAddress) {
  const size = (2 * WORLD) / 2 ** z;
  return { xmin: -WORLD + x * size, ymax: WORLD - y * size, size };
}

/** Which tiles of zoom z a EPSG:3857 box reaches, buffer included (clamped to the world). */
export function tilesCovering(z: number, box: readonly [number, number, number, number]) {
  const n = 2 ** z;
  const size = (2 * WORLD) / n;
  const pad = (size * BUFFER) / EXTENT;
  const clamp = (v: number) => Math.min(n - 1, Math.max(0, Math.floor(v)));
  return {
    x0: clamp((box[0] - pad + WORLD) / size),
    x1: clamp((box[2] + pad + WORLD) / size),
    y0: clamp((WORLD - (box[3] + pad)) / size),
    y1: clamp((WORLD - (box[1] - pad)) / size),
  };
}

export interface LayerQuery {
  tile: TileAddress;
  viewer: Viewer;
  now: Date;
  /** One tile unit in metres: what simplifying may move a vertex by. */
  tolerance: number;
  /** The buffered tile in EPSG:3857. */
  wide: SQL;
  /** A larger box in WGS84: the index filter and the first cut of large shapes. */
  reach: SQL;
}

export interface LayerSpec {
  /** Below this zoom the layer is not in tiles. */
  minZoom: number;
  /** Above this zoom the layer is empty (made without asking the database). */
  maxZoom?: number;
  /** Drawn from another layer's rows: whatever drops that layer's tiles drops this one's too. */
  follows?: TileLayer;
  shape: 'area' | 'point';
  /** Below this zoom an area layer's features are points (a compound as a dot: a shape too small
   * to see still shows where it is and its colour). */
  pointsBelow?: number;
  /** Feature properties, in the order the rows give them. */
  properties: readonly string[];
  /** Viewers with the same key get the same features (the cache's key, never the user). */
  visibility(viewer: Viewer, at: Date): string;
  /**
   * Rows: fid (the feature id), the properties, g (EPSG:3857, simplified for the zoom) and due
   * (when a property changes by the clock alone: a ticket's resolve-by; null otherwise).
   */
  rows(q: LayerQuery): SQL;
}

const everyone = () => 'all';

/** The API's global id (graphql/ids.ts): base64url of "Type:key", unpadded. */
const globalId = (type: string, key: SQL) =>
  sql`translate(rtrim(encode(convert_to(${`${type}:`}::text || (${key})::text, 'UTF8'), 'base64'), '='), '+/', '-_')`;

/** A stored WGS84 shape cut to the tile's reach, in EPSG:3857, simplified for the zoom. */
const area = (shape: SQL, q: LayerQuery) =>
  sql`ST_Simplify(ST_Transform(ST_ClipByBox2D(${shape}, Box2D(${q.reach})), 3857), ${q.tolerance}::float8, true)`;

/** A stored WGS84 shape or point near the tile: the GiST index's test. */
const near = (shape: SQL, q: LayerQuery) => sql`${shape} && ${q.reach}`;

/** Ticket clusters: cells per tile side (a cell is 512 tile units, 64 px on a 512 px tile). */
export const CLUSTER_CELLS = 8;
/** The last zoom of ticket clusters: from the next one every open ticket is its own point. */
export const CLUSTER_MAX_ZOOM = 12;

/** Communities' shapes from this zoom; further out (a city of thousands of them) the district
 * and streets only, as grids start here too. */
export const COMMUNITY_AREA_MIN_ZOOM = 10;

/** Communities' names from this zoom (the map shows them from 12.5); streets' at every zoom. */
export const COMMUNITY_LABEL_MIN_ZOOM = 12;

/** From this zoom compounds are their shapes; from the compounds' minZoom to here, dots. */
export const COMPOUND_AREA_MIN_ZOOM = 10;

/** Whether a layer's features are areas or points at zoom z. */
export const shapeAt = (spec: LayerSpec, z: number) =>
  spec.pointsBelow !== undefined && z < spec.pointsBelow ? 'point' : spec.shape;

/** A point in EPSG:3857 drawn in the tile (its buffer included). */
const pointIn = (point: SQL, q: LayerQuery) => sql`ST_Transform(${point}, 3857) && ${q.wide}`;

export const LAYER_SPECS: Record<TileLayer, LayerSpec> = {
  // districts, streets and communities
  regions: {
    minZoom: 0,
    shape: 'area',
    properties: ['id', 'code', 'name', 'level', 'synthetic'],
    visibility: everyone,
    rows: (q) => sql`
      SELECT r.id AS fid, ${globalId('Region', sql`r.id`)} AS id, r.code, r.name,
        r.level::text AS level, COALESCE((r.metadata->>'synthetic')::boolean, false) AS synthetic,
        ${area(sql`r.boundary`, q)} AS g, NULL::timestamptz AS due
      FROM regions r WHERE ${near(sql`r.boundary`, q)}
        ${q.tile.z < COMMUNITY_AREA_MIN_ZOOM ? sql`AND r.level <> 'COMMUNITY'` : sql``}`,
  },
  // one point per street and community for its name, the centre of the largest circle inside
  // it (PostGIS, kept in regions.label_point), the same in every tile: a name is drawn once,
  // not once per tile it spans
  labels: {
    minZoom: 0,
    shape: 'point',
    follows: 'regions',
    properties: ['id', 'code', 'name', 'level'],
    visibility: everyone,
    rows: (q) => sql`
      SELECT r.id AS fid, ${globalId('Region', sql`r.id`)} AS id, r.code, r.name,
        r.level::text AS level, ST_Transform(r.label_point, 3857) AS g, NULL::timestamptz AS due
      FROM regions r
      WHERE ${q.tile.z < COMMUNITY_LABEL_MIN_ZOOM ? sql`r.level = 'STREET'` : sql`r.level <> 'DISTRICT'`}
        AND ${near(sql`r.boundary`, q)} AND ${pointIn(sql`r.label_point`, q)}`,
  },
  // grids and micro-grids (parentCode set)
  grids: {
    minZoom: 10,
    shape: 'area',
    properties: ['id', 'code', 'name', 'micro', 'parentCode'],
    visibility: everyone,
    rows: (q) => sql`
      SELECT g.id AS fid, ${globalId('Grid', sql`g.id`)} AS id, g.code, g.name,
        g.parent_id IS NOT NULL AS micro, p.code AS "parentCode",
        ${area(sql`g.boundary`, q)} AS g, NULL::timestamptz AS due
      FROM grids g LEFT JOIN grids p ON p.id = g.parent_id
      WHERE g.retired_at IS NULL AND ${near(sql`g.boundary`, q)}`,
  },
  // compounds with the live figures the map colours them by: the same as Compound.stats (over
  // every ticket of the compound, as for any viewer of places) and 红色物业
  compounds: {
    minZoom: 6,
    pointsBelow: COMPOUND_AREA_MIN_ZOOM,
    shape: 'area',
    properties: [
      'id',
      'code',
      'name',
      'households',
      'openTickets',
      'overdueTickets',
      'satisfaction',
      'redProperty',
      'propertyCompany',
    ],
    visibility: everyone,
    rows: (q) => {
      const dot = sql`ST_PointOnSurface(c.boundary)`;
      const dots = q.tile.z < COMPOUND_AREA_MIN_ZOOM;
      // a dot carries its code and figures only: thousands of them make a zoomed-out tile
      const unlessDot = (value: SQL) => (dots ? sql`NULL::text` : value);
      return sql`
      SELECT c.id AS fid, ${unlessDot(globalId('Compound', sql`c.id`))} AS id, c.code,
        ${unlessDot(sql`c.name`)} AS name, ${unlessDot(sql`c.households`)} AS households,
        f.open AS "openTickets", f.overdue AS "overdueTickets",
        COALESCE(f.satisfaction, -1)::float8 AS satisfaction,
        COALESCE(pc.has_party_branch, false) AS "redProperty",
        ${unlessDot(sql`pc.name`)} AS "propertyCompany",
        ${dots ? sql`ST_Transform(${dot}, 3857)` : area(sql`c.boundary`, q)} AS g, f.due
      FROM compounds c
      LEFT JOIN property_companies pc ON pc.id = c.property_company_id
      CROSS JOIN LATERAL (
        SELECT count(*) FILTER (WHERE ${openTicket})::int AS open,
          count(*) FILTER (WHERE ${overdueTicket(q.now)})::int AS overdue,
          (count(*) FILTER (WHERE ${t.satisfaction} >= 4))::float8
            / NULLIF(count(${t.satisfaction}), 0) AS satisfaction,
          min(${t.resolveBy}) FILTER (WHERE ${openTicket} AND ${t.status} <> 'SUSPENDED'
            AND ${t.resolveBy} >= ${q.now.toISOString()}::timestamptz) AS due
        FROM ${tickets} ${t} WHERE ${t.compoundId} = c.id) f
      WHERE c.retired_at IS NULL AND ${near(sql`c.boundary`, q)}
        ${dots ? sql`AND ${pointIn(dot, q)}` : sql``}`;
    },
  },
  buildings: {
    minZoom: 16,
    shape: 'point',
    properties: ['id', 'number', 'floors', 'compound'],
    visibility: everyone,
    rows: (q) => sql`
      SELECT b.id AS fid, ${globalId('Building', sql`b.id`)} AS id, b.number, b.floors::int AS floors,
        c.code AS compound, ST_Transform(b.location, 3857) AS g, NULL::timestamptz AS due
      FROM buildings b JOIN compounds c ON c.id = b.compound_id
      WHERE b.retired_at IS NULL AND ${near(sql`b.location`, q)} AND ${pointIn(sql`b.location`, q)}`,
  },
  // A party member is a resident: to API tokens, as Resource.location and Resource.name, their
  // point to 3 decimals (about 100 m) and their name masked (张**).
  resources: {
    minZoom: 14,
    shape: 'point',
    properties: ['id', 'code', 'name', 'kind'],
    visibility: (viewer) => (viewer.via === 'session' ? 'exact' : 'coarse'),
    rows: (q) => {
      const coarse = q.viewer.via !== 'session';
      const person = sql`s.kind = 'PARTY_MEMBER'`;
      const at = coarse
        ? sql`CASE WHEN ${person} THEN ST_SetSRID(ST_MakePoint(round(ST_X(s.location)::numeric, 3)::float8,
            round(ST_Y(s.location)::numeric, 3)::float8), 4326) ELSE s.location END`
        : sql`s.location`;
      const name = coarse
        ? sql`CASE WHEN ${person} THEN CASE WHEN btrim(s.name) = '' THEN ''
            ELSE left(btrim(s.name), 1) || repeat('*', greatest(1, char_length(btrim(s.name)) - 1)) END
            ELSE s.name END`
        : sql`s.name`;
      // a rounded point may move up to 0.0005° out of the box the index looks in
      const reach = coarse ? sql`ST_Expand(${q.reach}, 0.0005)` : q.reach;
      return sql`
        SELECT s.id AS fid, ${globalId('Resource', sql`s.id`)} AS id, s.code, ${name} AS name,
          s.kind::text AS kind, ST_Transform(${at}, 3857) AS g, NULL::timestamptz AS due
        FROM resources s
        WHERE s.retired_at IS NULL AND s.location && ${reach} AND ${pointIn(at, q)}`;
    },
  },
  // open tickets the viewer may read (auth/policy.ts ticketScope); overdue as Ticket.overdue
  tickets: {
    // where clusters end: further out a city's open tickets are counted, never sent one by one
    minZoom: CLUSTER_MAX_ZOOM + 1,
    shape: 'point',
    properties: ['id', 'code', 'status', 'level', 'overdue'],
    visibility: ticketVisibility,
    rows: (q) => sql`
      SELECT ${t.id} AS fid, ${globalId('Ticket', sql`${t.id}`)} AS id, ${t.code} AS code,
        ${t.status}::text AS status, ${t.level}::text AS level, ${overdueTicket(q.now)} AS overdue,
        ST_Transform(${t.location}, 3857) AS g,
        CASE WHEN ${t.status} <> 'SUSPENDED' AND ${t.resolveBy} >= ${q.now.toISOString()}::timestamptz
          THEN ${t.resolveBy} END AS due
      FROM ${tickets} ${t}
      WHERE ${openTicket} AND ${ticketScope(q.viewer, q.now)}
        AND ${near(sql`${t.location}`, q)} AND ${pointIn(sql`${t.location}`, q)}`,
  },
  // Zoomed out, the same open tickets (the same jurisdiction) counted per cell of a grid aligned
  // with the tile (CLUSTER_CELLS a side), at the mean point of each cell's tickets. Only the
  // tile's own tickets (no buffer): each is counted in exactly one tile, the one its point's
  // ticket event drops. Feature id: the cell's index at this zoom.
  ticketClusters: {
    minZoom: 0,
    maxZoom: CLUSTER_MAX_ZOOM,
    shape: 'point',
    follows: 'tickets',
    properties: ['count', 'overdue'],
    visibility: ticketVisibility,
    rows: (q) => {
      const { xmin, ymax, size } = tileBounds(q.tile);
      const cell = size / CLUSTER_CELLS;
      const side = 2 ** q.tile.z * CLUSTER_CELLS;
      return sql`
        SELECT (floor((${WORLD}::float8 - ST_Y(c.at)) / ${cell}::float8)::bigint * ${side}::bigint
            + floor((ST_X(c.at) + ${WORLD}::float8) / ${cell}::float8)::bigint) AS fid,
          c.count, c.overdue, c.g, c.due
        FROM (
          SELECT ST_SnapToGrid(p.g, ${xmin + cell / 2}::float8, ${ymax - cell / 2}::float8,
              ${cell}::float8, ${cell}::float8) AS at,
            count(*)::int AS count, (count(*) FILTER (WHERE p.overdue))::int AS overdue,
            ST_Centroid(ST_Collect(p.g)) AS g, min(p.due) AS due
          FROM (
            SELECT ST_Transform(${t.location}, 3857) AS g, ${overdueTicket(q.now)} AS overdue,
              CASE WHEN ${t.status} <> 'SUSPENDED' AND ${t.resolveBy} >= ${q.now.toISOString()}::timestamptz
                THEN ${t.resolveBy} END AS due
            FROM ${tickets} ${t}
            WHERE ${openTicket} AND ${ticketScope(q.viewer, q.now)} AND ${near(sql`${t.location}`, q)}) p
          WHERE ST_X(p.g) >= ${xmin}::float8 AND ST_X(p.g) < ${xmin + size}::float8
            AND ST_Y(p.g) > ${ymax - size}::float8 AND ST_Y(p.g) <= ${ymax}::float8
          GROUP BY 1) c`;
    },
  },
};

/** The layers and those drawn from their rows: what a change to the first drops. */
export const withFollowers = (layers: readonly TileLayer[]): TileLayer[] =>
  LAYERS.filter((l) => layers.includes(l) || layers.includes(LAYER_SPECS[l].follows as TileLayer));

/** Layers the tile at zoom z has rows for. */
const drawnAt = (layers: readonly TileLayer[], z: number) =>
  layers.filter((l) => z >= LAYER_SPECS[l].minZoom && z <= (LAYER_SPECS[l].maxZoom ?? MAX_ZOOM));

export interface LayerTile {
  /** One MVT layer message (empty when it has no feature): tiles concatenate them. */
  bytes: Uint8Array;
  features: number;
  /** When a property changes by the clock alone (a ticket falls overdue), or null. */
  due: Date | null;
}

function layerQuery(tile: TileAddress, viewer: Viewer, now: Date): LayerQuery {
  const { z, x, y } = tile;
  const envelope = (margin: number) =>
    sql`ST_TileEnvelope(${z}::int, ${x}::int, ${y}::int, margin => ${margin}::float8)`;
  return {
    tile,
    viewer,
    now,
    tolerance: tileBounds(tile).size / EXTENT,
    wide: envelope(BUFFER / EXTENT),
    reach: sql`ST_Transform(${envelope((2 * BUFFER) / EXTENT)}, 4326)`,
  };
}

export const columns = (spec: LayerSpec) =>
  sql.join(
    spec.properties.map((p) => sql.identifier(p)),
    sql`, `,
  );

export const dueOf = (value: unknown): Date | null =>
  value === null || value === undefined ? null : new Date(value as string);

/** The ST_AsMVT of one layer, as a scalar subquery (bytea). */
function mvtOf(layer: TileLayer, tile: TileAddress, viewer: Viewer, now: Date): SQL {
  const spec = LAYER_SPECS[layer];
  return sql`(SELECT ST_AsMVT(d, ${layer}, ${EXTENT}, 'geom', 'fid') FROM (
      SELECT fid, ${columns(spec)},
        ST_AsMVTGeom(g, ST_TileEnvelope(${tile.z}::int, ${tile.x}::int, ${tile.y}::int),
          ${EXTENT}, ${BUFFER}, true) AS geom
      FROM (${spec.rows(layerQuery(tile, viewer, now))}) src) d WHERE geom IS NOT NULL)`;
}

/**
 * One statement making the whole tile with ST_AsMVT, its layers concatenated: what a tile costs
 * the database alone (the benchmark's baseline; the API makes each layer on its own, to cache it).
 */
export function tileByMvtSql(
  layers: readonly TileLayer[],
  tile: TileAddress,
  viewer: Viewer,
  now: Date,
): SQL {
  const drawn = drawnAt(layers, tile.z);
  if (drawn.length === 0) return sql`SELECT ''::bytea AS mvt`;
  return sql`SELECT ${sql.join(
    drawn.map((l) => sql`COALESCE(${mvtOf(l, tile, viewer, now)}, ''::bytea)`),
    sql` || `,
  )} AS mvt`;
}

/** One layer with ST_AsMVT in one pass: its bytes, its feature count and when it falls due. */
function mvtLayerRow(layer: TileLayer, tile: TileAddress, viewer: Viewer, now: Date): SQL {
  const spec = LAYER_SPECS[layer];
  const kept = sql.join(
    spec.properties.map((p) => sql`x.${sql.identifier(p)}`),
    sql`, `,
  );
  return sql`SELECT ST_AsMVT(d, ${layer}, ${EXTENT}, 'geom', 'fid') AS mvt, count(*)::int AS n,
      min(x.due) AS due
    FROM (${spec.rows(layerQuery(tile, viewer, now))}) x
    CROSS JOIN LATERAL (SELECT x.fid, ${kept},
      ST_AsMVTGeom(x.g, ST_TileEnvelope(${tile.z}::int, ${tile.x}::int, ${tile.y}::int),
        ${EXTENT}, ${BUFFER}, true) AS geom) d
    WHERE d.geom IS NOT NULL`;
}

/** ST_AsMVT on PostgreSQL: the layers made in the database, in one statement. */
export async function layersByMvt(
  database: Database,
  layers: readonly TileLayer[],
  tile: TileAddress,
  viewer: Viewer,
  now: Date,
): Promise<LayerTile[]> {
  if (layers.length === 0) return [];
  const [row] = await database.preparedRows<Record<string, unknown>>(sql`
    SELECT ${sql.join(
      layers.map((_, i) => sql.raw(`l${i}.mvt AS mvt${i}, l${i}.n AS n${i}, l${i}.due AS due${i}`)),
      sql`, `,
    )}
    FROM ${sql.join(
      layers.map((layer, i) => sql`(${mvtLayerRow(layer, tile, viewer, now)}) ${sql.raw(`l${i}`)}`),
      sql`, `,
    )}`);
  return layers.map((_, i) => {
    const mvt = row?.[`mvt${i}`] as Uint8Array | null | undefined;
    return {
      bytes: mvt ? new Uint8Array(mvt) : new Uint8Array(0),
      features: Number(row?.[`n${i}`] ?? 0),
      due: dueOf(row?.[`due${i}`]),
    };
  });
}

/** ST_AsMVT on PostgreSQL: one layer. */
export const layerByMvt = async (
  database: Database,
  layer: TileLayer,
  tile: TileAddress,
  viewer: Viewer,
  now: Date,
): Promise<LayerTile> => (await layersByMvt(database, [layer], tile, viewer, now))[0]!;

type Ring = [number, number][];
type TileGeometry =
  | { type: 'Point'; coordinates: [number, number] }
  | { type: 'MultiPoint'; coordinates: [number, number][] }
  | { type: 'Polygon'; coordinates: Ring[] }
  | { type: 'MultiPolygon'; coordinates: Ring[][] };

/** The shape in tile units, as PostGIS cuts it: the rows' g clipped, projected and snapped. */
function tileGeometry(spec: LayerSpec, tile: TileAddress): SQL {
  const { xmin, ymax, size } = tileBounds(tile);
  const s = EXTENT / size;
  // metres → tile units, y down (ST_Affine: x' = a x + b y + xoff, y' = d x + e y + yoff)
  const toTile = (g: SQL) =>
    sql`ST_Affine(${g}, ${s}::float8, 0, 0, ${-s}::float8, ${-xmin * s}::float8, ${ymax * s}::float8)`;
  if (shapeAt(spec, tile.z) === 'point') return sql`ST_SnapToGrid(${toTile(sql`g`)}, 1)`;
  const wide = sql`ST_TileEnvelope(${tile.z}::int, ${tile.x}::int, ${tile.y}::int, margin => ${BUFFER / EXTENT}::float8)`;
  // exterior rings clockwise on screen (y down): counter-clockwise in PostGIS's y-up sense
  return sql`ST_ForcePolygonCCW(ST_CollectionExtract(ST_MakeValid(
    ST_SnapToGrid(${toTile(sql`ST_ClipByBox2D(g, Box2D(${wide}))`)}, 1)), 3))`;
}

/** A row's properties as MVT tags (absent values left out, as ST_AsMVT does). */
export function tagsOf(spec: LayerSpec, row: Record<string, unknown>) {
  const tags: Record<string, string | number | boolean> = {};
  for (const p of spec.properties) {
    const value = row[p];
    if (value !== null && value !== undefined) tags[p] = value as string | number | boolean;
  }
  return tags;
}

/** The earliest deadline among the rows drawn (ST_AsMVT's path takes the same). */
export const earliestDue = (rows: readonly Record<string, unknown>[]) =>
  rows.reduce<Date | null>((soonest, row) => {
    const due = dueOf(row.due);
    return due && (!soonest || due < soonest) ? due : soonest;
  }, null);

/** PGlite: PostGIS cuts the shapes to tile units, @maplibre/vt-pbf writes the layer. */
export async function layerByVtPbf(
  database: Database,
  layer: TileLayer,
  tile: TileAddress,
  viewer: Viewer,
  now: Date,
): Promise<LayerTile> {
  const spec = LAYER_SPECS[layer];
  const q = layerQuery(tile, viewer, now);
  const rows = await database.rows<Record<string, unknown> & { fid: number; geom: TileGeometry }>(
    sql`
    SELECT fid, ${columns(spec)}, due, ST_AsGeoJSON(tg, 0)::json AS geom
    FROM (SELECT src.*, ${tileGeometry(spec, tile)} AS tg FROM (${spec.rows(q)}) src) drawn
    WHERE tg IS NOT NULL AND NOT ST_IsEmpty(tg)
    ORDER BY fid`,
  );
  const features = rows.map((row) => {
    const tags = tagsOf(spec, row);
    const g = row.geom;
    const geometry =
      g.type === 'Point'
        ? [g.coordinates]
        : g.type === 'MultiPoint'
          ? g.coordinates
          : g.type === 'Polygon'
            ? g.coordinates
            : g.coordinates.flat();
    return { id: Number(row.fid), type: g.type.endsWith('Point') ? 1 : 3, geometry, tags };
  });
  return {
    bytes:
      features.length === 0
        ? new Uint8Array(0)
        : fromGeojsonVt({ [layer]: { features } } as never, { version: 2, extent: EXTENT }),
    features: features.length,
    due: earliestDue(rows),
  };
}

/**
 * The engine's own way: ST_AsMVT where PostGIS has protobuf (one statement), vt-pbf on PGlite.
 * A layer past its maxZoom is empty without a query.
 */
/** Layers by what a tile of them usually costs the database, most first (bench:tiles). */
const LAYERS_HEAVIEST_FIRST: readonly TileLayer[] = [
  'compounds',
  'resources',
  'grids',
  'regions',
  'tickets',
  'ticketClusters',
  'buildings',
  'labels',
];

export async function renderLayers(
  database: Database,
  layers: readonly TileLayer[],
  tile: TileAddress,
  viewer: Viewer,
  now: Date,
): Promise<LayerTile[]> {
  const drawn = drawnAt(layers, tile.z);
  let made: LayerTile[];
  if (database.engine === 'postgres') {
    // each layer its own statement, in two lanes (two connections) taking the heaviest first:
    // the server's cores share one tile, so a tile takes about half of one statement's time
    const byLayer = new Map<TileLayer, LayerTile>();
    const queue = LAYERS_HEAVIEST_FIRST.filter((l) => drawn.includes(l));
    const lane = async () => {
      for (let layer = queue.shift(); layer; layer = queue.shift())
        byLayer.set(layer, (await layersByMvt(database, [layer], tile, viewer, now))[0]!);
    };
    await Promise.all([lane(), lane()]);
    made = drawn.map((l) => byLayer.get(l)!);
  } else
    made = await Promise.all(
      drawn.map((layer) => layerByVtPbf(database, layer, tile, viewer, now)),
    );
  return layers.map((layer) => {
    const i = drawn.indexOf(layer);
    return i < 0 ? { bytes: new Uint8Array(0), features: 0, due: null } : made[i]!;
  });
}
