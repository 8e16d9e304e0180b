import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The only reader of process.env. Everything else receives a Config.
export interface Config {
  port: number;
  host: string;
  /** Set: node-postgres against a PostgreSQL + PostGIS server. Unset: embedded PGlite. */
  databaseUrl: string | undefined;
  /** Where PGlite keeps its files (and, later, uploads). */
  dataDir: string;
  /** Seed the demo city on start when the database is empty. */
  seedDemo: boolean;
  /**
   * Answer a signed-in map's reads of places with one statement written by PostgreSQL
   * (http/sql-answers.ts); false sends every request through Apollo (YITU_SQL_ANSWERS).
   */
  sqlAnswers: boolean;
  /** Mark the session cookie Secure (behind a TLS proxy); on by itself for HTTPS requests. */
  secureCookies: boolean;
  /** Proxy hops in front of the API whose X-Forwarded-For names the client (0: none). */
  trustProxyHops: number;
  production: boolean;
  /** How often the deadline job looks for overdue tickets; 0 turns it off. */
  escalationIntervalMs: number;
  /** Shifts the product's clock (demos and tests of deadlines); 0 in normal use. */
  clockOffsetMs: number;
  /** Database time one GraphQL request may use, ms (db/budget.ts). */
  timeBudgetMs: number;
  /** Largest photo accepted, bytes. */
  maxPhotoBytes: number;
  /** Largest file one import takes, bytes (a street's shapefile is a few MB). */
  maxImportBytes: number;
  /** Bytes of vector tiles one API process keeps (0: none, every tile from the database). */
  tileCacheBytes: number;
  /** Largest photo accepted, pixels (width × height), checked from its header before decoding. */
  maxPhotoPixels: number;
  /** Uploads one client address may attempt an hour without signing in. */
  anonymousUploadsPerHour: number;
  /** Bytes that photos not yet on a ticket may hold; past it anonymous uploads wait. */
  unattachedPhotoQuotaBytes: number;
  /** Public holidays (YYYY-MM-DD) and make-up working weekend days (调休) for deadlines. */
  holidays: string[];
  workingWeekends: string[];
  /** A raster basemap under the map, or none (boundaries over a plain background, offline). */
  basemap: Basemap | null;
  /** The CJK font every PDF embeds (reports, posters): a .ttf/.otf/.ttc path, #PostScriptName for a collection. */
  pdfFont: string;
  /**
   * Where residents reach this product (QR posters point at <it>/r/<code>): the API may sit
   * behind a proxy on another host and path. Unset: the host the request came in on.
   */
  publicBaseUrl: string | null;
}

export interface Basemap {
  /** raster: an XYZ tile template; style: a MapLibre style JSON (vector tiles). */
  kind: 'raster' | 'style';
  /** XYZ tile URL template with {z}/{x}/{y} (e.g. Tianditu with its key), or the style's URL. */
  url: string;
  /** GCJ02 for tiles in China's shifted system (Gaode/AMap); Tianditu and OSM are WGS84. */
  crs: 'WGS84' | 'GCJ02';
  attribution: string;
}

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = env.PORT === undefined || env.PORT === '' ? 4000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be an integer 0–65535, got "${env.PORT}"`);
  }
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const seed = (env.YITU_SEED_DEMO ?? 'true').toLowerCase();
  if (!['true', 'false', '1', '0'].includes(seed)) {
    throw new ConfigError(`YITU_SEED_DEMO must be true or false, got "${env.YITU_SEED_DEMO}"`);
  }
  const secure = (env.YITU_SECURE_COOKIES ?? 'false').toLowerCase();
  if (!['true', 'false', '1', '0'].includes(secure)) {
    throw new ConfigError(
      `YITU_SECURE_COOKIES must be true or false, got "${env.YITU_SECURE_COOKIES}"`,
    );
  }
  const integer = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value)) throw new ConfigError(`${name} must be an integer, got "${raw}"`);
    return value;
  };
  const dates = (name: string) => {
    const list = (env[name] ?? '')
      .split(',')
      .map((d) => d.trim())
      .filter(Boolean);
    for (const d of list) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(d))
        throw new ConfigError(`${name}: "${d}" is not YYYY-MM-DD`);
    }
    return list;
  };
  const basemapUrl = env.YITU_BASEMAP_URL?.trim() || '';
  const isTemplate = (u: string) =>
    /^https?:\/\//.test(u) && ['{z}', '{x}', '{y}'].every((p) => u.includes(p));
  if (basemapUrl && !isTemplate(basemapUrl)) {
    throw new ConfigError(
      `YITU_BASEMAP_URL must be an http(s) tile template with {z}, {x} and {y}, got "${basemapUrl}"`,
    );
  }
  const styleUrl = env.YITU_BASEMAP_STYLE_URL?.trim() || '';
  if (styleUrl && !/^https?:\/\/\S+$/.test(styleUrl)) {
    throw new ConfigError(`YITU_BASEMAP_STYLE_URL must be an http(s) URL, got "${styleUrl}"`);
  }
  if (styleUrl && basemapUrl) {
    throw new ConfigError(
      'set YITU_BASEMAP_URL (raster tiles) or YITU_BASEMAP_STYLE_URL, not both',
    );
  }
  const basemapCrs = (env.YITU_BASEMAP_CRS?.trim() || 'WGS84').toUpperCase();
  if (basemapCrs !== 'WGS84' && basemapCrs !== 'GCJ02') {
    throw new ConfigError(`YITU_BASEMAP_CRS must be WGS84 or GCJ02, got "${env.YITU_BASEMAP_CRS}"`);
  }
  const escalationIntervalMs = integer('YITU_ESCALATION_INTERVAL_MS', 60_000);
  if (escalationIntervalMs < 0) throw new ConfigError('YITU_ESCALATION_INTERVAL_MS must be ≥ 0');
  const atLeast = (name: string, fallback: number, min: number) => {
    const value = integer(name, fallback);
    if (value < min) throw new ConfigError(`${name} must be ≥ ${min}, got "${env[name]}"`);
    return value;
  };
  const timeBudgetMs = atLeast('YITU_TIME_BUDGET_MS', 10_000, 1);
  const publicBaseUrl = env.YITU_PUBLIC_BASE_URL?.trim().replace(/\/+$/, '') || null;
  if (publicBaseUrl && !/^https?:\/\/[^/\s?#]+(\/[^\s?#]*)?$/.test(publicBaseUrl)) {
    throw new ConfigError(
      `YITU_PUBLIC_BASE_URL must be an http(s) URL without query or fragment, got "${publicBaseUrl}"`,
    );
  }
  const sqlAnswers = (env.YITU_SQL_ANSWERS ?? 'true').toLowerCase();
  if (!['true', 'false', '1', '0'].includes(sqlAnswers)) {
    throw new ConfigError(`YITU_SQL_ANSWERS must be true or false, got "${env.YITU_SQL_ANSWERS}"`);
  }
  return {
    sqlAnswers: sqlAnswers === 'true' || sqlAnswers === '1',
    publicBaseUrl,
    escalationIntervalMs,
    timeBudgetMs,
    clockOffsetMs: integer('YITU_CLOCK_OFFSET_MS', 0),
    maxPhotoBytes: atLeast('YITU_MAX_PHOTO_BYTES', 8 * 1024 * 1024, 1),
    maxImportBytes: atLeast('YITU_MAX_IMPORT_BYTES', 64 * 1024 * 1024, 1),
    tileCacheBytes: atLeast('YITU_TILE_CACHE_BYTES', 64 * 1024 * 1024, 0),
    maxPhotoPixels: atLeast('YITU_MAX_PHOTO_PIXELS', 64_000_000, 1),
    anonymousUploadsPerHour: atLeast('YITU_ANONYMOUS_UPLOADS_PER_HOUR', 30, 0),
    unattachedPhotoQuotaBytes: atLeast('YITU_UNATTACHED_PHOTO_QUOTA_BYTES', 256 * 1024 * 1024, 0),
    trustProxyHops: atLeast('YITU_TRUST_PROXY_HOPS', 0, 0),
    holidays: dates('YITU_HOLIDAYS'),
    workingWeekends: dates('YITU_WORKING_WEEKENDS'),
    // Debian's fonts-noto-cjk by default
    pdfFont:
      env.YITU_PDF_FONT?.trim() ||
      '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#NotoSansCJKsc-Regular',
    port,
    host: env.HOST?.trim() || '0.0.0.0',
    databaseUrl,
    dataDir: path.resolve(env.DATA_DIR?.trim() || path.join(repoRoot, 'data')),
    seedDemo: seed === 'true' || seed === '1',
    secureCookies: secure === 'true' || secure === '1',
    production: env.NODE_ENV === 'production',
    basemap:
      basemapUrl || styleUrl
        ? {
            kind: styleUrl ? 'style' : 'raster',
            url: styleUrl || basemapUrl,
            crs: basemapCrs,
            attribution: env.YITU_BASEMAP_ATTRIBUTION?.trim() || '',
          }
        : null,
  };
}
