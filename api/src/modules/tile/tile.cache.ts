import { createHash } from 'node:crypto';
import { LAYER_SPECS, MAX_ZOOM, tilesCovering, type TileLayer } from './tile.layers';

// Layer tiles kept in this process, least recently used first out, bounded in bytes and entries.
// A key is layer + visibility class + z/x/y; an index by layer, zoom and x/y finds every class of
// a tile when a change in a box drops it. A tile whose figures change by the clock alone (a
// ticket falls overdue) expires then. A tile made while a change to it was being announced is
// served but not kept, so a slow render never puts back what an invalidation removed.

export interface CachedLayer {
  bytes: Uint8Array;
  /** sha1 of bytes, base64url: the parts of a tile's ETag. */
  hash: string;
  /** Epoch ms after which a clock-driven property has changed (Infinity: never). */
  due: number;
  features: number;
}

export const hashOf = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('base64url');

interface Invalidation {
  generation: number;
  layers: readonly TileLayer[] | 'all';
  /** EPSG:3857 box, or null for everywhere. */
  box: readonly [number, number, number, number] | null;
}

/** Tiles a range of at most this many is dropped tile by tile; a wider one scans the index. */
const RANGE_WALK_LIMIT = 1024;
const LOG_LENGTH = 512;

export class TileCache {
  private readonly entries = new Map<string, CachedLayer>();
  /** `${layer}/${z}` → `${x}/${y}` → keys (one per visibility class). */
  private readonly index = new Map<string, Map<string, Set<string>>>();
  private bytes = 0;
  private generation = 0;
  private readonly log: Invalidation[] = [];
  hits = 0;
  misses = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly maxEntries: number,
  ) {}

  get size() {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  /** The generation a render starts at: store() compares it with what changed since. */
  get current(): number {
    return this.generation;
  }

  static key(layer: TileLayer, visibility: string, z: number, x: number, y: number) {
    return `${layer}|${z}/${x}/${y}|${visibility}`;
  }

  get(key: string, nowMs: number): CachedLayer | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.due < nowMs) {
      this.remove(key);
      return undefined;
    }
    // most recently used last
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  /** The entry under key, if kept, without counting it as used (nor dropping it when due). */
  peek(key: string): CachedLayer | undefined {
    return this.entries.get(key);
  }

  /** Whether no change announced since generation `since` reaches these layers' tile z/x/y. */
  unchangedSince(since: number, layers: readonly TileLayer[], z: number, x: number, y: number) {
    if (since === this.generation) return true;
    const oldest = this.log[0]?.generation ?? Infinity;
    if (since < oldest - 1) return false; // too much happened meanwhile to tell
    for (const change of this.log)
      if (change.generation > since && layers.some((l) => reaches(change, l, z, x, y)))
        return false;
    return true;
  }

  /** Keeps the layer unless a change that reaches its tile was announced since `since`. */
  store(key: string, entry: CachedLayer, since: number): boolean {
    const [layer, zxy] = key.split('|') as [TileLayer, string];
    const [z, x, y] = zxy.split('/').map(Number) as [number, number, number];
    if (!this.unchangedSince(since, [layer], z, x, y)) return false;
    this.remove(key);
    this.entries.set(key, entry);
    this.bytes += entry.bytes.byteLength + key.length;
    const zoom = `${layer}/${z}`;
    let tiles = this.index.get(zoom);
    if (!tiles) this.index.set(zoom, (tiles = new Map()));
    let keys = tiles.get(`${x}/${y}`);
    if (!keys) tiles.set(`${x}/${y}`, (keys = new Set()));
    keys.add(key);
    while (this.bytes > this.maxBytes || this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.remove(oldest);
    }
    return true;
  }

  /** Drops every class of the layers' tiles that a EPSG:3857 box reaches, at every zoom. */
  invalidate(layers: readonly TileLayer[], box: readonly [number, number, number, number]) {
    this.note({ generation: ++this.generation, layers, box });
    for (const layer of layers)
      for (let z = LAYER_SPECS[layer].minZoom; z <= MAX_ZOOM; z++) {
        const tiles = this.index.get(`${layer}/${z}`);
        if (!tiles) continue;
        const { x0, x1, y0, y1 } = tilesCovering(z, box);
        if ((x1 - x0 + 1) * (y1 - y0 + 1) <= RANGE_WALK_LIMIT) {
          for (let x = x0; x <= x1; x++)
            for (let y = y0; y <= y1; y++) this.dropTile(tiles, `${x}/${y}`);
        } else {
          for (const xy of [...tiles.keys()]) {
            const [x, y] = xy.split('/').map(Number) as [number, number];
            if (x >= x0 && x <= x1 && y >= y0 && y <= y1) this.dropTile(tiles, xy);
          }
        }
      }
  }

  /** Drops the layers' tiles everywhere (every layer without an argument). */
  flush(layers?: readonly TileLayer[]) {
    this.note({ generation: ++this.generation, layers: layers ?? 'all', box: null });
    for (const key of [...this.entries.keys()])
      if (!layers || layers.includes(key.slice(0, key.indexOf('|')) as TileLayer)) this.remove(key);
  }

  private note(change: Invalidation) {
    this.log.push(change);
    if (this.log.length > LOG_LENGTH) this.log.shift();
  }

  private dropTile(tiles: Map<string, Set<string>>, xy: string) {
    const keys = tiles.get(xy);
    if (!keys) return;
    for (const key of [...keys]) this.remove(key);
  }

  private remove(key: string) {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes.byteLength + key.length;
    const [layer, zxy] = key.split('|') as [string, string];
    const cut = zxy.indexOf('/');
    const zoom = `${layer}/${zxy.slice(0, cut)}`;
    const tiles = this.index.get(zoom);
    const keys = tiles?.get(zxy.slice(cut + 1));
    keys?.delete(key);
    if (keys?.size === 0) tiles!.delete(zxy.slice(cut + 1));
  }
}

function reaches(change: Invalidation, layer: TileLayer, z: number, x: number, y: number) {
  if (change.layers !== 'all' && !change.layers.includes(layer)) return false;
  if (!change.box) return true;
  const { x0, x1, y0, y1 } = tilesCovering(z, change.box);
  return x >= x0 && x <= x1 && y >= y0 && y <= y1;
}
