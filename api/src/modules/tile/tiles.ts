import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database } from '../../db';
import type { Viewer } from '../../auth/viewer';
import { TileCache, hashOf, type CachedLayer } from './tile.cache';
import {
  LAYER_SPECS,
  LAYERS,
  MAX_ZOOM,
  renderLayers,
  withFollowers,
  type TileAddress,
  type TileLayer,
} from './tile.layers';

// Vector tiles of the map, from PostGIS. THE CONTRACT (also in README, "Vector tiles"):
//
// URL     GET /tiles/{z}/{x}/{y}.mvt            every layer drawn at z, in one tile (the map's
//                                               one source; MapLibre picks layers by name)
//         GET /tiles/{z}/{x}/{y}.mvt?layers=compounds,tickets   only those
//         GET /tiles/{layer}/{z}/{x}/{y}.mvt    one layer
//         XYZ scheme, EPSG:3857, z 0–18 (the source's maxzoom: MapLibre overzooms past it),
//         extent 4096, buffer 256. Content-Type application/vnd.mapbox-vector-tile, MVT 2.1.
//         A tile with no feature is 200 with an empty body.
// Auth    as /graphql and /exports: the session cookie (the map) or Authorization: Bearer
//         <token>; needs places:read (401 UNAUTHENTICATED without credentials, 403 FORBIDDEN
//         without the permission). API-token requests are counted against the token's rate and
//         audited, like every token request.
// Errors  400 BAD_USER_INPUT with extensions.field and reason: UNKNOWN_LAYER, NOT_AN_INTEGER,
//         OUT_OF_RANGE (z outside 0–18, x/y outside 0..2^z−1), UNKNOWN_FORMAT (not .mvt).
// Cache   ETag (strong, of the bytes); If-None-Match → 304. Cache-Control: private, no-cache
//         (a browser keeps the tile and asks again each time: a 304 costs no body), Vary: Cookie,
//         Authorization. X-Tile-Cache: HIT when every layer came from this process's cache.
//         Tiles change when: a ticket event (its point's tickets tiles and its compound's tiles,
//         at every zoom), a place written (edit, import: the box it touched), a ticket passing
//         its deadline (overdue), a property company's 红色物业 mark. Invalidation reaches every
//         API process (LISTEN/NOTIFY).
// Layers  (feature id = the row's integer key; `id` = the API's global id for node(id))
//   regions    z ≥ 0   id, code, name, level (DISTRICT|STREET|COMMUNITY), synthetic: bool
//   grids      z ≥ 10  id, code, name, micro: bool, parentCode (micro-grids only)
//   compounds  z ≥ 10  id, code, name, households: int, openTickets: int, overdueTickets: int,
//                      satisfaction: 0–1 (−1 before any rating), redProperty: bool (红色物业),
//                      propertyCompany (name; absent: 无物业). Figures are Compound.stats'.
//   buildings  z ≥ 16  id, number, floors: int, compound (code)
//   resources  z ≥ 14  id, code, name, kind (ResourceKind). To API tokens a party member's
//                      point is rounded to 3 decimals (~100 m) and the name masked (张**).
//   tickets    z ≥ 8   open tickets the viewer may read (their jurisdiction, as tickets(openOnly)):
//                      id, code, status, level, overdue: bool
// Polygons are clipped to the buffered tile and simplified to one tile unit per zoom; retired
// places are not drawn.

export { LAYERS, MAX_ZOOM, type TileAddress, type TileLayer };

export interface Tile {
  body: Buffer;
  etag: string;
  /** Every layer came from the cache. */
  cached: boolean;
  features: number;
}

export interface TileService {
  tile(viewer: Viewer, address: TileAddress, layers: readonly TileLayer[]): Promise<Tile>;
  /** Drops the layers' tiles a WGS84 box reaches (every zoom, every visibility class). */
  invalidate(
    layers: readonly TileLayer[],
    box4326: readonly [number, number, number, number],
  ): void;
  flush(layers?: readonly TileLayer[]): void;
  readonly cache: TileCache;
  stop(): Promise<void>;
}

export interface TileOptions {
  maxBytes?: number;
  maxEntries?: number;
  /** Listen for ticket events and place changes (off over a test transaction). */
  listen?: boolean;
  log?: (message: string) => void;
}

/** WGS84 degrees → EPSG:3857 metres (as PostGIS's ST_Transform does for Web Mercator). */
export function mercator(box: readonly [number, number, number, number]) {
  const R = 6378137;
  const lat = (d: number) =>
    R * Math.log(Math.tan(Math.PI / 4 + (Math.max(-85.06, Math.min(85.06, d)) * Math.PI) / 360));
  const lon = (d: number) => (R * d * Math.PI) / 180;
  return [lon(box[0]), lat(box[1]), lon(box[2]), lat(box[3])] as const;
}

const PLACE_LAYERS = new Set<string>(LAYERS);

export async function createTileService(
  database: Database,
  now: () => Date,
  options: TileOptions = {},
): Promise<TileService> {
  const cache = new TileCache(options.maxBytes ?? 64 * 1024 * 1024, options.maxEntries ?? 50_000);
  const rendering = new Map<string, Promise<CachedLayer>>();
  const log = options.log ?? ((m: string) => console.error(m));

  /** The layers of one tile: from the cache, else made together (one statement on PostgreSQL). */
  async function layersOf(
    viewer: Viewer,
    address: TileAddress,
    layers: readonly TileLayer[],
    at: Date,
  ): Promise<{ layer: CachedLayer; hit: boolean }[]> {
    const { z, x, y } = address;
    const keys = layers.map((l) =>
      TileCache.key(l, LAYER_SPECS[l].visibility(viewer, at), z, x, y),
    );
    const found = keys.map((key) => cache.get(key, at.getTime()));
    const missing = layers.filter((_, i) => !found[i] && !rendering.has(keys[i]!));
    if (missing.length) {
      const since = cache.current;
      const made = renderLayers(database, missing, address, viewer, at).then((tiles) =>
        tiles.map((t) => ({
          bytes: t.bytes,
          hash: hashOf(t.bytes),
          due: t.due ? t.due.getTime() : Infinity,
          features: t.features,
        })),
      );
      missing.forEach((layer, i) => {
        const key = keys[layers.indexOf(layer)]!;
        const one = made
          .then((entries) => {
            cache.store(key, entries[i]!, since);
            return entries[i]!;
          })
          .finally(() => rendering.delete(key));
        rendering.set(key, one);
      });
    }
    return Promise.all(
      keys.map(async (key, i) => {
        const hit = found[i];
        if (hit) {
          cache.hits++;
          return { layer: hit, hit: true };
        }
        cache.misses++;
        return { layer: await rendering.get(key)!, hit: false };
      }),
    );
  }

  // labels follow regions, ticket clusters tickets
  const invalidate: TileService['invalidate'] = (layers, box) =>
    cache.invalidate(withFollowers(layers), mercator(box));

  const stops: (() => Promise<void>)[] = [];
  if (options.listen !== false) {
    // a ticket event: the tiles of its point (tickets) and of its compound (the figures)
    stops.push(
      await database.listen('ticket_events', (payload) => {
        void (async () => {
          const { ticketId } = JSON.parse(payload) as { ticketId: number };
          const [row] = await database.rows<{
            lon: number;
            lat: number;
            box: [number, number, number, number] | null;
          }>(sql`
            SELECT ST_X(t.location) AS lon, ST_Y(t.location) AS lat,
              CASE WHEN c.id IS NULL THEN NULL ELSE json_build_array(ST_XMin(c.boundary),
                ST_YMin(c.boundary), ST_XMax(c.boundary), ST_YMax(c.boundary)) END AS box
            FROM tickets t LEFT JOIN compounds c ON c.id = t.compound_id
            WHERE t.id = ${Number(ticketId)}`);
          if (!row) return;
          invalidate(['tickets'], [row.lon, row.lat, row.lon, row.lat]);
          if (row.box) invalidate(['compounds'], row.box);
        })().catch((error: unknown) => {
          // unknown reach: drop what it could have touched
          cache.flush(withFollowers(['tickets', 'compounds']));
          log(`tiles: ticket event: ${(error as Error).message}`);
        });
      }),
    );
    // a statement that wrote places (migration 0014): the box it touched
    stops.push(
      await database.listen('yitu_tiles', (payload) => {
        try {
          const { layers, box } = JSON.parse(payload) as {
            layers: string[];
            box: [number, number, number, number];
          };
          const known = layers.filter((l): l is TileLayer => PLACE_LAYERS.has(l));
          if (known.length) invalidate(known, box);
        } catch (error) {
          cache.flush();
          log(`tiles: place change: ${(error as Error).message}`);
        }
      }),
    );
  }

  return {
    cache,
    invalidate,
    flush: (layers) => cache.flush(layers && withFollowers(layers)),
    async tile(viewer, address, layers) {
      const at = now();
      const drawn = layers.filter((l) => address.z >= LAYER_SPECS[l].minZoom);
      const parts = await layersOf(viewer, address, drawn, at);
      const body = Buffer.concat(parts.map((p) => p.layer.bytes));
      const hashes = parts.map((p) => p.layer.hash);
      const etag =
        hashes.length === 1
          ? `"${hashes[0]}"`
          : `"${createHash('sha1').update(hashes.join(',')).digest('base64url')}"`;
      return {
        body,
        etag,
        cached: parts.every((p) => p.hit),
        features: parts.reduce((n, p) => n + p.layer.features, 0),
      };
    },
    async stop() {
      await Promise.all(stops.map((s) => s()));
    },
  };
}
