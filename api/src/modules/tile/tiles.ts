import { createHash } from 'node:crypto';
import { gzip } from 'node:zlib';
import { sql } from 'drizzle-orm';
import type { Database } from '../../db';
import type { Viewer } from '../../auth/viewer';
import { TileCache, hashOf, type CachedLayer } from './tile.cache';
import { gcj02Box, layerByGcj02 } from './tile.gcj02';
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
//         ?crs=GCJ02: the same tile for a map on a GCJ-02 basemap (Gaode, Tencent): z/x/y is a
//         square of GCJ-02 Web Mercator and every vertex is shifted to GCJ-02 (gcoord), cached
//         apart from the WGS84 tiles. ?crs=WGS84 (the default) as without it.
// Auth    as /graphql and /exports: the session cookie (the map) or Authorization: Bearer
//         <token>; needs places:read (401 UNAUTHENTICATED without credentials, 403 FORBIDDEN
//         without the permission). API-token requests are counted against the token's rate and
//         audited, like every token request.
// Errors  400 BAD_USER_INPUT with extensions.field and reason: UNKNOWN_LAYER, NOT_AN_INTEGER,
//         OUT_OF_RANGE (z outside 0–18, x/y outside 0..2^z−1), UNKNOWN_FORMAT (not .mvt).
// Cache   ETag (strong, of the bytes); If-None-Match → 304. Cache-Control: private, no-cache
//         (a browser keeps the tile and asks again each time: a 304 costs no body), Vary: Cookie,
//         Authorization, Accept-Encoding. X-Tile-Cache: HIT when every layer came from this
//         process's cache. A cached tile is gzip'd once (Content-Encoding: gzip, its own ETag)
//         for a client that accepts it; a tile just made goes out as it is.
//         Tiles change when: a ticket event (its point's tickets tiles and its compound's tiles,
//         at every zoom), a place written (edit, import: the box it touched), a ticket passing
//         its deadline (overdue), a property company's 红色物业 mark. Invalidation reaches every
//         API process (LISTEN/NOTIFY).
// Layers  (feature id = the row's integer key; `id` = the API's global id for node(id))
//   regions    z ≥ 0   id, code, name, level (DISTRICT|STREET|COMMUNITY), synthetic: bool;
//                      communities from z 10
//   labels     z ≥ 0   one point per street (communities from z 12) for its name: id, code,
//                      name, level
//   grids      z ≥ 10  id, code, name, micro: bool, parentCode (micro-grids only)
//   compounds  z ≥ 6   id, code, name, households: int, openTickets: int, overdueTickets: int,
//                      satisfaction: 0–1 (−1 before any rating), redProperty: bool (红色物业),
//                      propertyCompany (name; absent: 无物业). Figures are Compound.stats'.
//                      Points (each compound's point on surface) below z 10, polygons from 10.
//   buildings  z ≥ 16  id, number, floors: int, compound (code)
//   resources  z ≥ 14  id, code, name, kind (ResourceKind). To API tokens a party member's
//                      point is rounded to 3 decimals (~100 m) and the name masked (张**).
//   tickets    z ≥ 13  open tickets the viewer may read (their jurisdiction, as tickets(openOnly)):
//                      id, code, status, level, overdue: bool
// Polygons are clipped to the buffered tile and simplified to one tile unit per zoom; retired
// places are not drawn.

export { LAYERS, MAX_ZOOM, type TileAddress, type TileLayer };

export const TILE_CRS = ['WGS84', 'GCJ02'] as const;
/** The coordinates a tile is drawn in: WGS84 (EPSG:3857 of WGS84) or GCJ-02 (the same of GCJ-02). */
export type TileCrs = (typeof TILE_CRS)[number];

/** A tile ready to send. */
export interface Tile {
  body: Buffer;
  etag: string;
  /** body gzip'd, once the tile is cached (made in the background); null before or if not worth it. */
  gzip: Buffer | null;
  gzipEtag: string | null;
  /** Every layer came from the cache. */
  cached: boolean;
  features: number;
  /** ms this request waited for its layers (made, or being made for another). */
  waitedMs?: number;
}

export interface TileService {
  /** The tile if every layer of it is cached, at once (no promise): the hot path. */
  cachedTile(
    viewer: Viewer,
    address: TileAddress,
    layers: readonly TileLayer[],
    crs: TileCrs,
    at: Date,
  ): Tile | undefined;
  tile(
    viewer: Viewer,
    address: TileAddress,
    layers: readonly TileLayer[],
    crs?: TileCrs,
  ): Promise<Tile>;
  /** Drops the layers' tiles a WGS84 box reaches (every zoom, every visibility class, each CRS). */
  invalidate(
    layers: readonly TileLayer[],
    box4326: readonly [number, number, number, number],
  ): void;
  flush(layers?: readonly TileLayer[]): void;
  /** The WGS84 tiles' layer cache. */
  readonly cache: TileCache;
  stop(): Promise<void>;
}

export interface TileOptions {
  /** Bytes each CRS keeps: half as layers, half as whole answers (with their gzip). */
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
/** Smaller answers go out as they are: gzip would save a packet at most. */
const GZIP_FROM_BYTES = 512;

/** A whole answer kept: valid while no change since `generation` reaches its layers' tile. */
interface Answer {
  tile: Tile;
  layers: readonly TileLayer[];
  address: TileAddress;
  generation: number;
  due: number;
  bytes: number;
}

/** Answers kept, least recently used first out, bounded in bytes and entries. */
class AnswerCache {
  readonly entries = new Map<string, Answer>();
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly maxEntries: number,
  ) {}

  get(key: string): Answer | undefined {
    const answer = this.entries.get(key);
    if (answer) {
      this.entries.delete(key);
      this.entries.set(key, answer);
    }
    return answer;
  }

  set(key: string, answer: Answer) {
    this.delete(key);
    this.entries.set(key, answer);
    this.bytes += answer.bytes;
    this.trim();
  }

  /** More bytes for a kept answer (its gzip). */
  grow(answer: Answer, bytes: number) {
    answer.bytes += bytes;
    this.bytes += bytes;
    this.trim();
  }

  delete(key: string) {
    const answer = this.entries.get(key);
    if (!answer) return;
    this.entries.delete(key);
    this.bytes -= answer.bytes;
  }

  clear() {
    this.entries.clear();
    this.bytes = 0;
  }

  private trim() {
    while (this.bytes > this.maxBytes || this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.delete(oldest);
    }
  }
}

/** One CRS's tiles: layers (shared between the tiles that hold them) and whole answers. */
interface Store {
  crs: TileCrs;
  layers: TileCache;
  answers: AnswerCache;
  rendering: Map<string, Promise<CachedLayer>>;
}

export async function createTileService(
  database: Database,
  now: () => Date,
  options: TileOptions = {},
): Promise<TileService> {
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const maxEntries = options.maxEntries ?? 50_000;
  const storeOf = (crs: TileCrs): Store => ({
    crs,
    layers: new TileCache(maxBytes / 2, maxEntries),
    answers: new AnswerCache(maxBytes / 2, maxEntries),
    rendering: new Map(),
  });
  const stores: Record<TileCrs, Store> = { WGS84: storeOf('WGS84'), GCJ02: storeOf('GCJ02') };
  const cache = stores.WGS84.layers;
  const log = options.log ?? ((m: string) => console.error(m));

  const render = (
    crs: TileCrs,
    layers: readonly TileLayer[],
    address: TileAddress,
    viewer: Viewer,
    at: Date,
  ) =>
    crs === 'GCJ02'
      ? Promise.all(layers.map((l) => layerByGcj02(database, l, address, viewer, at)))
      : renderLayers(database, layers, address, viewer, at);

  // A viewer's class per layer, kept with the viewer (the tiles' session memory holds one
  // viewer for seconds): a class changes with the clock only when the credential expires
  // (ticketVisibility), so it is kept until then, and a second at most
  const classes = new WeakMap<Viewer, { until: number; of: Map<TileLayer, string> }>();
  const classOf = (viewer: Viewer, layer: TileLayer, at: Date) => {
    const ms = at.getTime();
    let held = classes.get(viewer);
    if (!held || held.until <= ms) {
      held = { until: Math.min(ms + 1000, viewer.expiresAt?.getTime() ?? Infinity), of: new Map() };
      classes.set(viewer, held);
    }
    let known = held.of.get(layer);
    if (known === undefined)
      held.of.set(layer, (known = LAYER_SPECS[layer].visibility(viewer, at)));
    return known;
  };

  const layerKeys = (
    viewer: Viewer,
    { z, x, y }: TileAddress,
    layers: readonly TileLayer[],
    at: Date,
  ) => layers.map((l) => TileCache.key(l, classOf(viewer, l, at), z, x, y));

  const drawnAt = (z: number, layers: readonly TileLayer[]) =>
    layers.filter((l) => z >= LAYER_SPECS[l].minZoom && z <= (LAYER_SPECS[l].maxZoom ?? MAX_ZOOM));

  /** The answer's key: the tile, its layers and the viewer's class for each. */
  const answerKey = (keys: readonly string[], address: TileAddress) =>
    keys.length === 0 ? `|${address.z}/${address.x}/${address.y}` : keys.join('&');

  /** The layers of one tile: from the cache, else made together (one statement on PostgreSQL). */
  async function layersOf(
    store: Store,
    viewer: Viewer,
    address: TileAddress,
    layers: readonly TileLayer[],
    keys: readonly string[],
    at: Date,
  ): Promise<{ layer: CachedLayer; hit: boolean }[]> {
    const { layers: cache, rendering } = store;
    const found = keys.map((key) => cache.get(key, at.getTime()));
    const missing = layers.filter((_, i) => !found[i] && !rendering.has(keys[i]!));
    if (missing.length) {
      const since = cache.current;
      const made = render(store.crs, missing, address, viewer, at).then((tiles) =>
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

  /** Keeps a made answer if its layers are all still cached (so nothing changed them since). */
  function keep(
    store: Store,
    key: string,
    keys: readonly string[],
    parts: CachedLayer[],
    tile: Tile,
    layers: readonly TileLayer[],
    address: TileAddress,
  ) {
    if (!keys.every((k, i) => store.layers.peek(k) === parts[i])) return;
    const answer: Answer = {
      tile: { ...tile, cached: true },
      layers,
      address,
      generation: store.layers.current,
      due: parts.reduce((soonest, p) => Math.min(soonest, p.due), Infinity),
      bytes: tile.body.byteLength + key.length,
    };
    store.answers.set(key, answer);
    if (tile.body.byteLength < GZIP_FROM_BYTES) return;
    // once, in the background (zlib's thread pool): the next asks get it
    gzip(tile.body, (error, zipped) => {
      if (error || store.answers.entries.get(key) !== answer) return;
      answer.tile.gzip = zipped;
      answer.tile.gzipEtag = `${tile.etag.slice(0, -1)}.gz"`;
      store.answers.grow(answer, zipped.byteLength);
    });
  }

  // labels follow regions, ticket clusters tickets
  const invalidate: TileService['invalidate'] = (layers, box) => {
    const followed = withFollowers(layers);
    stores.WGS84.layers.invalidate(followed, mercator(box));
    stores.GCJ02.layers.invalidate(followed, mercator(gcj02Box(box)));
  };
  const flush: TileService['flush'] = (layers) => {
    const followed = layers && withFollowers(layers);
    for (const store of Object.values(stores)) {
      store.layers.flush(followed);
      if (!layers) store.answers.clear(); // else they fail their check against the flush
    }
  };

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
          flush(['tickets', 'compounds']);
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
          flush();
          log(`tiles: place change: ${(error as Error).message}`);
        }
      }),
    );
  }

  return {
    cache,
    invalidate,
    flush,
    cachedTile(viewer, address, layers, crs, at) {
      const store = stores[crs];
      const drawn = drawnAt(address.z, layers);
      const key = answerKey(layerKeys(viewer, address, drawn, at), address);
      const answer = store.answers.get(key);
      if (!answer) return undefined;
      const { z, x, y } = address;
      if (
        answer.due < at.getTime() ||
        !store.layers.unchangedSince(answer.generation, answer.layers, z, x, y)
      ) {
        store.answers.delete(key);
        return undefined;
      }
      answer.generation = store.layers.current;
      store.layers.hits += drawn.length;
      return answer.tile;
    },
    async tile(viewer, address, layers, crs = 'WGS84') {
      const at = now();
      const store = stores[crs];
      const drawn = drawnAt(address.z, layers);
      const keys = layerKeys(viewer, address, drawn, at);
      const started = performance.now();
      const parts = await layersOf(store, viewer, address, drawn, keys, at);
      const waitedMs = performance.now() - started;
      const body = Buffer.concat(parts.map((p) => p.layer.bytes));
      const hashes = parts.map((p) => p.layer.hash);
      const etag =
        hashes.length === 1
          ? `"${hashes[0]}"`
          : `"${createHash('sha1').update(hashes.join(',')).digest('base64url')}"`;
      const tile: Tile = {
        body,
        etag,
        gzip: null,
        gzipEtag: null,
        cached: parts.every((p) => p.hit),
        features: parts.reduce((n, p) => n + p.layer.features, 0),
        waitedMs,
      };
      keep(
        store,
        answerKey(keys, address),
        keys,
        parts.map((p) => p.layer),
        tile,
        drawn,
        address,
      );
      return tile;
    },
    async stop() {
      await Promise.all(stops.map((s) => s()));
    },
  };
}
