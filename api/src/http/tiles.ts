import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Database } from '../db';
import { resultOf } from '../auth/audit';
import { Guard } from '../auth/guard';
import type { SessionMemory } from '../auth/session-memory';
import type { Viewer } from '../auth/viewer';
import { badInput, ErrorCode, httpAnswer, YituError } from '../errors';
import {
  LAYERS,
  MAX_ZOOM,
  TILE_CRS,
  type Tile,
  type TileAddress,
  type TileCrs,
  type TileLayer,
  type TileService,
} from '../modules/tile/tiles';

// GET /tiles/{z}/{x}/{y}.mvt[?layers=a,b][&crs=GCJ02] and /tiles/{layer}/{z}/{x}/{y}.mvt: the
// contract is at the top of modules/tile/tiles.ts. A map asks for dozens of tiles a second, so
// tiles are answered by a plain Node handler ahead of Express (app.ts), a cached tile from a
// prepared answer (its bytes, ETag and gzip made once), and a session's viewer is remembered for
// a few seconds (auth/session-memory.ts, shared with /graphql). API tokens are authenticated, counted
// against their rate and audited on every request, as on /graphql.

const ACTION = 'GET /tiles';
const PREFIX = '/tiles/';

function parseInteger(field: string, text: string, max: number): number {
  if (!/^\d{1,10}$/.test(text)) throw badInput(field, 'NOT_AN_INTEGER', `${field} is an integer`);
  const value = Number(text);
  if (value > max) throw badInput(field, 'OUT_OF_RANGE', `${field} is 0–${max}`);
  return value;
}

/** The tile and layers a path asks for; anything else is a coded BAD_USER_INPUT. */
export function tileRequestOf(
  path: string,
  layersParam: unknown,
  crsParam?: unknown,
): { address: TileAddress; layers: TileLayer[]; crs: TileCrs } {
  const parts = path.split('/');
  if (parts.length !== 3 && parts.length !== 4)
    throw badInput(
      'path',
      'BAD_PATH',
      'ask for /tiles/{z}/{x}/{y}.mvt or /tiles/{layer}/{z}/{x}/{y}.mvt',
    );
  const file = parts[parts.length - 1]!;
  if (!file.endsWith('.mvt'))
    throw badInput('format', 'UNKNOWN_FORMAT', 'tiles are Mapbox vector tiles: {y}.mvt');
  const [zText, xText] = parts.slice(-3, -1) as [string, string];
  const z = parseInteger('z', zText, MAX_ZOOM);
  const last = 2 ** z - 1;
  const x = parseInteger('x', xText, last);
  const y = parseInteger('y', file.slice(0, -4), last);
  const known = (name: string): TileLayer => {
    if (!(LAYERS as readonly string[]).includes(name))
      throw badInput('layer', 'UNKNOWN_LAYER', `layers are ${LAYERS.join(', ')}`);
    return name as TileLayer;
  };
  let layers: TileLayer[] = [...LAYERS];
  if (parts.length === 4) layers = [known(parts[0]!)];
  else if (layersParam !== undefined) {
    if (typeof layersParam !== 'string' || layersParam.trim() === '')
      throw badInput(
        'layers',
        'UNKNOWN_LAYER',
        `layers is a comma-separated list of ${LAYERS.join(', ')}`,
      );
    // in the contract's order, each once
    const asked = new Set(layersParam.split(',').map((l) => known(l.trim())));
    layers = LAYERS.filter((l) => asked.has(l));
  }
  let crs: TileCrs = 'WGS84';
  if (crsParam !== undefined) {
    const named = typeof crsParam === 'string' ? crsParam.trim().toUpperCase() : '';
    if (!(TILE_CRS as readonly string[]).includes(named))
      throw badInput('crs', 'UNKNOWN_CRS', `crs is ${TILE_CRS.join(' or ')}`);
    crs = named as TileCrs;
  }
  return { address: { z, x, y }, layers, crs };
}

/** Whether Accept-Encoding takes gzip (and not at q=0). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  for (const part of header.split(',')) {
    const [coding, ...params] = part.split(';');
    const name = coding!.trim().toLowerCase();
    if (name !== 'gzip' && name !== '*') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return !q || Number(q.slice(2)) > 0;
  }
  return false;
}

/** Whether an If-None-Match value names one of the tags (weak or strong, or *). */
function matches(asked: string, tags: readonly (string | null)[]): boolean {
  for (const one of asked.split(',')) {
    const tag = one.trim().replace(/^W\//, '');
    if (tag === '*' || tags.includes(tag)) return true;
  }
  return false;
}

/** A /tiles URL's path after the prefix (decoded; '' when it cannot be) and its query. */
function partsOf(url: string) {
  const cut = url.indexOf('?');
  const query = cut < 0 ? {} : parseQuery(url.slice(cut + 1));
  let path: string;
  try {
    path = decodeURIComponent(url.slice(PREFIX.length, cut < 0 ? undefined : cut));
  } catch {
    path = '';
  }
  return { path, query };
}

export interface TileHandler {
  /** Answers a /tiles request (true), or leaves it to the app (false). */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

export function tileHandler(
  database: Database,
  tiles: TileService,
  now: () => Date,
  /** Headers every answer carries (http/headers.ts). */
  common: Record<string, string>,
  /** Session viewers remembered for a few seconds, shared with /graphql (auth/session-memory.ts). */
  sessions: SessionMemory,
): TileHandler {
  const viewerOf = async (headers: IncomingHttpHeaders, at: Date): Promise<Viewer> =>
    (await sessions.authenticate(database, headers, at, ACTION)).viewer;

  const base = {
    ...common,
    'content-type': 'application/vnd.mapbox-vector-tile',
    'cache-control': 'private, no-cache',
    vary: 'Cookie, Authorization, Accept-Encoding',
  };
  // prepared per answer and encoding: a cached tile's headers are made once
  const prepared = new WeakMap<Tile, { plain?: object; gzip?: object }>();
  const headersOf = (tile: Tile, zipped: boolean) => {
    let held = prepared.get(tile);
    if (!held) prepared.set(tile, (held = {}));
    const which = zipped ? 'gzip' : 'plain';
    return (held[which] ??= {
      ...base,
      etag: zipped ? tile.gzipEtag! : tile.etag,
      ...(zipped ? { 'content-encoding': 'gzip' } : {}),
      'content-length': String(zipped ? tile.gzip!.byteLength : tile.body.byteLength),
      'x-tile-cache': tile.cached ? 'HIT' : 'MISS',
    });
  };

  const refuse = (res: ServerResponse, error: YituError) => {
    if (res.headersSent) return;
    const { status, headers, body } = httpAnswer(error);
    const text = JSON.stringify(body);
    res.writeHead(status, {
      ...common,
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
    });
    res.end(text);
  };

  const send = (req: IncomingMessage, res: ServerResponse, tile: Tile, started: number) => {
    const zipped = tile.gzip !== null && acceptsGzip(req.headers['accept-encoding']);
    let headers = headersOf(tile, zipped);
    // a tile just made says what it took here (Server-Timing: the bench and browsers read it)
    if (!tile.cached)
      headers = {
        ...headers,
        'server-timing': `layers;dur=${(tile.waitedMs ?? 0).toFixed(1)}, tile;dur=${(performance.now() - started).toFixed(1)}`,
      };
    const asked = req.headers['if-none-match'];
    if (asked && matches(asked, [tile.etag, tile.gzipEtag])) {
      const {
        'content-length': _length,
        'content-encoding': _coding,
        ...kept
      } = headers as Record<string, string>;
      res.writeHead(304, kept);
      res.end();
      return;
    }
    res.writeHead(200, headers as Record<string, string>);
    res.end(zipped ? tile.gzip : tile.body);
  };

  async function serve(req: IncomingMessage, res: ServerResponse, url: string) {
    const started = performance.now();
    const at = now();
    const { path, query } = partsOf(url);
    let viewer: Viewer;
    try {
      viewer = await viewerOf(req.headers, at);
    } catch (error) {
      if (!(error instanceof YituError)) throw error;
      return refuse(res, error);
    }
    const guard = new Guard(viewer, database, now);
    try {
      guard.require('places:read', 'map tiles');
      const { address, layers, crs } = tileRequestOf(path, query.layers, query.crs);
      const tile =
        tiles.cachedTile(viewer, address, layers, crs, at) ??
        (await tiles.tile(viewer, address, layers, crs));
      if (viewer.via === 'token')
        await guard.audit({
          action: ACTION,
          target: null,
          result: 'OK',
          details: {
            tile: `${address.z}/${address.x}/${address.y}`,
            layers,
            ...(crs === 'WGS84' ? {} : { crs }),
          },
        });
      send(req, res, tile, started);
    } catch (error) {
      if (error instanceof YituError) {
        await guard
          .audit({ action: ACTION, result: resultOf(error), details: { path, query } })
          .catch(() => {});
        return refuse(res, error);
      }
      throw error;
    }
  }

  /**
   * The map's usual request, a remembered session asking for a tile already made, answered at
   * once without a turn of the event loop; anything else (or any doubt) goes through serve().
   */
  function answerAtOnce(req: IncomingMessage, res: ServerResponse, url: string): boolean {
    const started = performance.now();
    const at = now();
    const viewer = sessions.remembered(req.headers, at);
    if (!viewer) return false;
    try {
      new Guard(viewer, database, now).require('places:read', 'map tiles');
      const { path, query } = partsOf(url);
      const { address, layers, crs } = tileRequestOf(path, query.layers, query.crs);
      const tile = tiles.cachedTile(viewer, address, layers, crs, at);
      if (!tile) return false;
      send(req, res, tile, started);
      return true;
    } catch {
      return false; // refused or malformed: serve() answers it, audited
    }
  }

  return {
    handle(req, res) {
      const url = req.url;
      if (!url?.startsWith(PREFIX) || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
      if (answerAtOnce(req, res, url)) return true;
      serve(req, res, url).catch((error: unknown) => {
        console.error('tile failed', error);
        refuse(res, new YituError(ErrorCode.INTERNAL_SERVER_ERROR, 'could not make the tile'));
      });
      return true;
    },
  };
}
