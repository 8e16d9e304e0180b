import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import express from 'express';
import type { Database } from '../db';
import { resultOf } from '../auth/audit';
import { SESSION_COOKIE } from '../auth/credentials';
import { Guard } from '../auth/guard';
import { authenticate, readCookie } from '../auth/http';
import type { Viewer } from '../auth/viewer';
import { badInput, ErrorCode, YituError } from '../errors';
import {
  LAYERS,
  MAX_ZOOM,
  type TileAddress,
  type TileLayer,
  type TileService,
} from '../modules/tile/tiles';
import { refuse } from './refuse';

// GET /tiles/{z}/{x}/{y}.mvt[?layers=a,b] and /tiles/{layer}/{z}/{x}/{y}.mvt: the contract is at
// the top of modules/tile/tiles.ts. A map asks for dozens of tiles a second, so a session's
// viewer is remembered for a few seconds (dropped at once when the credential is signed out or
// revoked through any process: the same NOTIFY that closes live sockets); API tokens are
// authenticated, counted against their rate and audited on every request, as on /graphql.

const ACTION = 'GET /tiles';
const SESSION_MEMORY_MS = 10_000;
const SESSION_MEMORY_SIZE = 10_000;

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
): { address: TileAddress; layers: TileLayer[] } {
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
  return { address: { z, x, y }, layers };
}

/** Session viewers for a few seconds, by a hash of the secret; never anonymous or tokens. */
class SessionMemory {
  private readonly viewers = new Map<string, { viewer: Viewer; until: number }>();

  get(secret: string, nowMs: number): Viewer | undefined {
    const key = createHash('sha256').update(secret).digest('base64url');
    const held = this.viewers.get(key);
    if (!held) return undefined;
    if (held.until <= nowMs) {
      this.viewers.delete(key);
      return undefined;
    }
    return held.viewer;
  }

  set(secret: string, viewer: Viewer, nowMs: number) {
    if (this.viewers.size >= SESSION_MEMORY_SIZE) this.viewers.clear();
    const key = createHash('sha256').update(secret).digest('base64url');
    const expires = viewer.expiresAt?.getTime() ?? Infinity;
    this.viewers.set(key, { viewer, until: Math.min(nowMs + SESSION_MEMORY_MS, expires) });
  }

  forget(credentialPk: number) {
    for (const [key, held] of this.viewers)
      if (held.viewer.credentialPk === credentialPk) this.viewers.delete(key);
  }
}

export function tileRoutes(
  database: Database,
  tiles: TileService,
  now: () => Date,
): { router: express.Router; forgetCredential(credentialPk: number): void } {
  const sessions = new SessionMemory();
  const viewerOf = async (headers: IncomingHttpHeaders): Promise<Viewer> => {
    const at = now();
    const secret = headers.authorization ? null : readCookie(headers.cookie, SESSION_COOKIE);
    if (secret) {
      const known = sessions.get(secret, at.getTime());
      if (known) return known;
    }
    const { viewer } = await authenticate(database, headers, at, ACTION);
    if (secret && viewer.via === 'session') sessions.set(secret, viewer, at.getTime());
    return viewer;
  };

  const router = express.Router();
  router.get(/^\/tiles\/(.+)$/, async (req, res) => {
    let viewer: Viewer;
    try {
      viewer = await viewerOf(req.headers);
    } catch (error) {
      if (!(error instanceof YituError)) throw error;
      return refuse(res, error);
    }
    const guard = new Guard(viewer, database, now);
    const path = (req.params as Record<string, string>)[0] ?? '';
    try {
      guard.require('places:read', 'map tiles');
      const { address, layers } = tileRequestOf(path, req.query.layers);
      const tile = await tiles.tile(viewer, address, layers);
      if (viewer.via === 'token')
        await guard.audit({
          action: ACTION,
          target: null,
          result: 'OK',
          details: { tile: `${address.z}/${address.x}/${address.y}`, layers },
        });
      res.set({
        'content-type': 'application/vnd.mapbox-vector-tile',
        etag: tile.etag,
        'cache-control': 'private, no-cache',
        vary: 'Cookie, Authorization',
        'x-tile-cache': tile.cached ? 'HIT' : 'MISS',
      });
      const asked = req.headers['if-none-match'];
      if (asked && asked.split(',').some((e) => e.trim().replace(/^W\//, '') === tile.etag))
        return void res.status(304).end();
      res.status(200).end(tile.body);
    } catch (error) {
      if (error instanceof YituError) {
        await guard
          .audit({ action: ACTION, result: resultOf(error), details: { path, query: req.query } })
          .catch(() => {});
        return refuse(res, error);
      }
      console.error('tile failed', error);
      refuse(res, new YituError(ErrorCode.INTERNAL_SERVER_ERROR, 'could not make the tile'));
    }
  });
  return { router, forgetCredential: (pk) => sessions.forget(pk) };
}
