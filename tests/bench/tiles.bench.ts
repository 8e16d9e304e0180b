// pnpm bench:tiles [--scale N] [--rounds N] [--tiles N] [--seconds N] [--profile DIR]
// Vector tiles from one API process (its own process, as in production): the latency of a tile
// made from the database (the tile cache off) at zooms 12, 14 and 16, against the one raw
// ST_AsMVT statement that makes the same tile (PostgreSQL only: PGlite has no ST_AsMVT) and the
// API's own statement run here (what HTTP and the API add is the difference), in alternating
// order. The raw statement is timed as a client sends it (parsed and planned each time: the
// goal's baseline) and as a prepared statement (what the API does). Then cached tiles per second
// (the cache on, the tiles warmed), gzip'd as a browser asks and as they are, against a no-op
// plain Node handler and /config.json (Express) in the same process under the same load, rounds
// alternating. The load comes from wrk (Debian's `wrk`, one thread) when it is installed: a load
// generator in C leaves the API its own core, where autocannon (the fallback) spends as much CPU
// reading answers as the API spends making them and measures itself. The machine's load average
// is printed with each part. Engine: DATABASE_URL (a fresh database there) or PGlite in a
// temporary directory.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import {
  authenticateSecret,
  createDb,
  LAYER_SPECS,
  LAYERS,
  layersByMvt,
  migrate,
  repoRoot,
  seedDemoCity,
  tileByMvtSql,
} from '@yitu/api/testing';
import { makeBenchPlace, startApi, type BenchPlace } from './support';
import { signIn } from '../support/auth';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '3' },
    tiles: { type: 'string', default: '40' },
    seconds: { type: 'string', default: '10' },
    // a CPU profile of each API process (node --cpu-prof), written there when it stops
    profile: { type: 'string' },
  },
});
const scale = Number(values.scale);
const rounds = Number(values.rounds);
const tileCount = Number(values.tiles);
const seconds = Number(values.seconds);
const ZOOMS = [12, 14, 16];

/** The product in its own process; --profile adds a CPU profile, written when it stops. */
function startTilesApi(place: BenchPlace, env: Record<string, string> = {}) {
  const profile = values.profile
    ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(values.profile)}`]
    : [];
  const noop = path.join(repoRoot, 'tests', 'bench', 'noop-route.mjs');
  return startApi(place, { env, nodeArgs: [...profile, '--import', noop] });
}

function tileAt(lon: number, lat: number, z: number) {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return {
    z,
    x: Math.floor(((lon + 180) / 360) * n),
    y: Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n),
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const ms = (n: number) => n.toFixed(1).padStart(7);
const load = () =>
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} on ${os.cpus().length} cores`;
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const CONNECTIONS = 32;
const WRK = (() => {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // wrk prints its usage and exits 1 when it is there
    return (error as { status?: number }).status === 1;
  }
})();

interface Load {
  url?: string;
  headers?: Record<string, string>;
  requests?: readonly { method: 'GET'; path: string }[];
}

/** Requests per second and bytes per answer, from wrk (one thread) or else autocannon. */
async function hammer(base: string, load: Load) {
  if (!WRK) {
    const result = await autocannon({
      url: base,
      connections: CONNECTIONS,
      duration: seconds,
      ...load,
      requests: load.requests ? [...load.requests] : undefined,
    } as autocannon.Options);
    if (result.non2xx || result.errors)
      throw new Error(`${result.non2xx} non-2xx answers, ${result.errors} errors`);
    return {
      perSecond: result.requests.average,
      requests: result.requests.total,
      bytesPerRequest: result.throughput.average / result.requests.average,
    };
  }
  // the paths in turn, from a wrk script (Lua) written for this load
  const script = path.join(os.tmpdir(), `yitu-bench-wrk-${process.pid}.lua`);
  const paths = load.requests?.map((r) => r.path) ?? [new URL(load.url!).pathname];
  fs.writeFileSync(
    script,
    `local paths = {${paths.map((p) => JSON.stringify(p)).join(',')}}\n` +
      `local i = 0\n` +
      `request = function() i = i % #paths + 1; return wrk.format('GET', paths[i]) end\n`,
  );
  const headers = Object.entries(load.headers ?? {}).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
  const args = ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, ...headers, '-s', script, base];
  const out = await new Promise<string>((resolve, reject) =>
    execFile('wrk', args, (error, stdout) => (error ? reject(error) : resolve(stdout))),
  );
  fs.rmSync(script, { force: true });
  const number = (pattern: RegExp) => Number(pattern.exec(out)?.[1] ?? NaN);
  const bad = number(/Non-2xx or 3xx responses: (\d+)/) || 0;
  const errors = /Socket errors: (.*)/.exec(out)?.[1];
  if (bad || (errors && /[1-9]/.test(errors)))
    throw new Error(`wrk: ${bad} non-2xx answers; socket errors: ${errors ?? 'none'}\n${out}`);
  const perSecond = number(/Requests\/sec:\s+([\d.]+)/);
  const requests = number(/(\d+) requests in/);
  const [, amount, unit] = /requests in [\d.]+\w+, ([\d.]+)(\w+) read/.exec(out) ?? [];
  const scaleOf: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };
  return {
    perSecond,
    requests,
    bytesPerRequest: (Number(amount) * (scaleOf[unit!] ?? NaN)) / requests,
  };
}

const { place, drop } = await makeBenchPlace(`yitu_bench_tiles_${process.pid}`);
const engine = place.databaseUrl ? 'postgres' : 'pglite';
const database = await createDb(place);
try {
  const seeded = performance.now();
  await migrate(database);
  await seedDemoCity(database, { scale, asOf: new Date('2026-11-23T00:00:00Z') });
  await database.rows(sql`ANALYZE`);
  console.log(
    `${engine}, scale ${scale}: seeded in ${((performance.now() - seeded) / 1000).toFixed(1)} s`,
  );
  // tiles where the city is: those of compounds spread over the whole list, distinct per zoom
  const points = await database.rows<{ lon: number; lat: number }>(sql`
    SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (
      SELECT ST_PointOnSurface(boundary) AS p, row_number() OVER (ORDER BY id) AS n,
        count(*) OVER () AS total FROM compounds) c
    WHERE n % GREATEST(1, total / ${tileCount * 4}) = 0`);
  const tilesAt = new Map(
    ZOOMS.map((z) => {
      const seen = new Map<string, { z: number; x: number; y: number }>();
      for (const p of points) {
        const t = tileAt(p.lon, p.lat, z);
        seen.set(`${t.x}/${t.y}`, t);
      }
      return [z, [...seen.values()].slice(0, tileCount)] as const;
    }),
  );
  const now = new Date();
  if (engine === 'pglite') await database.close(); // one process at a time on a PGlite directory

  // 1. latency of a tile from the database: the API with its cache off, and the raw statement
  const uncached = await startTilesApi(place, { YITU_TILE_CACHE_BYTES: '0' });
  const cookie = await signIn(uncached.url, 'command');
  // the statements run here (PostgreSQL) for the viewer the API serves: its jurisdiction
  const signedIn =
    engine === 'postgres'
      ? await authenticateSecret(
          database,
          decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1)),
          'SESSION',
          new Date(),
        )
      : null;
  if (signedIn && !signedIn.ok) throw new Error('the bench session is not valid');
  const viewer = signedIn?.viewer;
  const fetchTile = async (url: string, t: { z: number; x: number; y: number }) => {
    const res = await fetch(`${url}/tiles/${t.z}/${t.x}/${t.y}.mvt`, { headers: { cookie } });
    if (res.status !== 200) throw new Error(`tile ${t.z}/${t.x}/${t.y}: ${res.status}`);
    const timing = res.headers.get('server-timing') ?? '';
    const of = (name: string) =>
      Number(new RegExp(`${name};dur=([\\d.]+)`).exec(timing)?.[1] ?? NaN);
    return {
      bytes: (await res.arrayBuffer()).byteLength,
      inside: of('tile'),
      layers: of('layers'),
    };
  };
  console.log(
    `\ntile from the database (${rounds} rounds × tiles; ms; ${load()})\n` +
      `${''.padEnd(28)}API p50     p95 | raw ST_AsMVT p50   p95 | ratio p50  p95 | raw, prepared p50 (ratio) | API's statement p50  p95 | in the API p50 (layers) | no-op HTTP p50  p95 | bytes`,
  );
  const ratios: Record<number, { p50: number; p95: number }> = {};
  for (const z of ZOOMS) {
    const tiles = tilesAt.get(z)!;
    const api: number[] = [];
    const raw: number[] = [];
    const rawPrepared: number[] = [];
    const own: number[] = [];
    const inside: number[] = [];
    const waited: number[] = [];
    const noop: number[] = [];
    const drawn = LAYERS.filter((l) => z >= LAYER_SPECS[l].minZoom);
    let bytes = 0;
    for (const t of tiles.slice(0, 3)) await fetchTile(uncached.url, t); // warm plans
    for (let round = 0; round < rounds; round++)
      for (const t of tiles) {
        const viaApi = async () => {
          const started = performance.now();
          const got = await fetchTile(uncached.url, t);
          api.push(performance.now() - started);
          bytes += got.bytes;
          inside.push(got.inside);
          waited.push(got.layers);
        };
        const viaSql = async () => {
          if (engine !== 'postgres') return;
          const started = performance.now();
          await database.rows(tileByMvtSql(LAYERS, t, viewer!, now));
          raw.push(performance.now() - started);
        };
        const viaPrepared = async () => {
          if (engine !== 'postgres') return;
          const started = performance.now();
          await database.preparedRows(tileByMvtSql(LAYERS, t, viewer!, now));
          rawPrepared.push(performance.now() - started);
        };
        const viaOwn = async () => {
          if (engine !== 'postgres') return;
          const started = performance.now();
          await layersByMvt(database, drawn, t, viewer!, now);
          own.push(performance.now() - started);
        };
        // an HTTP round trip to the same process that does nothing: the floor of any answer
        const viaNoop = async () => {
          const started = performance.now();
          await (await fetch(`${uncached.url}/__noop`)).arrayBuffer();
          noop.push(performance.now() - started);
        };
        // rotate which goes first
        const order = [viaApi, viaSql, viaPrepared, viaOwn, viaNoop];
        for (let i = 0; i < order.length; i++) await order[(i + round) % order.length]!();
      }
    api.sort((a, b) => a - b);
    raw.sort((a, b) => a - b);
    rawPrepared.sort((a, b) => a - b);
    own.sort((a, b) => a - b);
    inside.sort((a, b) => a - b);
    waited.sort((a, b) => a - b);
    noop.sort((a, b) => a - b);
    const line = `  z${z}: ${tiles.length} tiles`.padEnd(24);
    if (raw.length) {
      ratios[z] = {
        p50: percentile(api, 0.5) / percentile(raw, 0.5),
        p95: percentile(api, 0.95) / percentile(raw, 0.95),
      };
      console.log(
        `${line}${ms(percentile(api, 0.5))} ${ms(percentile(api, 0.95))} |      ${ms(percentile(raw, 0.5))} ${ms(percentile(raw, 0.95))} | ${ratios[z]!.p50.toFixed(2)}× ${ratios[z]!.p95.toFixed(2)}× |      ${ms(percentile(rawPrepared, 0.5))} (${(percentile(api, 0.5) / percentile(rawPrepared, 0.5)).toFixed(2)}×) |          ${ms(percentile(own, 0.5))} ${ms(percentile(own, 0.95))} |     ${ms(percentile(inside, 0.5))} (${percentile(waited, 0.5).toFixed(1)}) |    ${ms(percentile(noop, 0.5))} ${ms(percentile(noop, 0.95))} | ${Math.round(bytes / api.length)}`,
      );
    } else
      console.log(
        `${line}${ms(percentile(api, 0.5))} ${ms(percentile(api, 0.95))}   |  (no ST_AsMVT on PGlite)       |              ${Math.round(bytes / api.length)}`,
      );
  }
  await uncached.stop();

  // --seconds 0: the latency part only
  let tilesPerSecond = NaN;
  let tilesPerCpuSecond = NaN;
  if (seconds > 0) {
    // 2. cached tiles per second from one API process, rounds alternating with its no-op handler
    // (plain Node, tests/bench/noop-route.mjs) and /config.json (Express and its middleware)
    const cached = await startTilesApi(place);
    const cookie2 = await signIn(cached.url, 'command');
    const paths = ZOOMS.flatMap((z) =>
      tilesAt.get(z)!.map((t) => `/tiles/${t.z}/${t.x}/${t.y}.mvt`),
    );
    for (const p of paths) await fetch(`${cached.url}${p}`, { headers: { cookie: cookie2 } });
    await new Promise((r) => setTimeout(r, 500)); // the gzip'd answers, made in the background
    const requests = paths.map((p) => ({ method: 'GET' as const, path: p }));
    const kinds = {
      'tiles, gzip': { headers: { cookie: cookie2, 'accept-encoding': 'gzip' }, requests },
      'tiles, as they are': { headers: { cookie: cookie2 }, requests },
      'no-op handler': { url: `${cached.url}/__noop` },
      '/config.json': { url: `${cached.url}/config.json` },
    } as const;
    const perSecond: Record<string, number[]> = {};
    // answers per CPU second of the API process: what one process makes of one core whatever
    // else the machine (the load generator, other jobs) takes of its two
    const perCpuSecond: Record<string, number[]> = {};
    const shares: number[] = [];
    const firstLoad = load();
    let hitShare = 0;
    for (let round = 0; round < rounds; round++) {
      const got: Record<string, number> = {};
      const entries = Object.entries(kinds);
      const rotated = [
        ...entries.slice(round % entries.length),
        ...entries.slice(0, round % entries.length),
      ];
      for (const [kind, options] of rotated) {
        const cpuBefore = cached.cpuSeconds();
        const result = await hammer(cached.url, options);
        const cpu = cached.cpuSeconds() - cpuBefore;
        got[kind] = result.perSecond;
        (perSecond[kind] ??= []).push(result.perSecond);
        (perCpuSecond[kind] ??= []).push(result.requests / cpu);
        if (kind === 'tiles, gzip') hitShare = result.bytesPerRequest;
      }
      shares.push(got['tiles, gzip']! / got['no-op handler']!);
      console.log(
        `  round ${round + 1}: ${Object.entries(kinds)
          .map(([k]) => [k, got[k]!] as const)
          .map(([k, v]) => `${k} ${Math.round(v)}/s`)
          .join(', ')} (${load()})`,
      );
    }
    const hit = await fetch(`${cached.url}${paths[0]}`, { headers: { cookie: cookie2 } });
    tilesPerSecond = median(perSecond['tiles, gzip']!);
    tilesPerCpuSecond = median(perCpuSecond['tiles, gzip']!);
    console.log(
      `\ncached tiles (${paths.length} tiles, ${CONNECTIONS} connections from ${WRK ? 'wrk, one thread' : 'autocannon (no wrk here: apt-get install wrk)'}, ${seconds} s × ${rounds} rounds; median of rounds; started at ${firstLoad}):\n` +
        Object.entries(perSecond)
          .map(
            ([k, v]) =>
              `  ${k.padEnd(20)} ${String(Math.round(median(v))).padStart(7)}/s   ${String(Math.round(median(perCpuSecond[k]!))).padStart(7)} per CPU second of the API`,
          )
          .join('\n') +
        `\n  tiles (gzip, ~${Math.round(hitShare)} bytes each; cache ${hit.headers.get('x-tile-cache')}) at ` +
        `${(100 * median(shares)).toFixed(0)}% of the no-op handler (rounds: ${shares.map((r) => `${(100 * r).toFixed(0)}%`).join(', ')})`,
    );
    await cached.stop();
  }
  if (engine === 'postgres')
    console.log(
      `\ngoals: tile ≤ 1.2× the raw statement (p50: ${ZOOMS.map((z) => `z${z} ${ratios[z]!.p50.toFixed(2)}×`).join(', ')}); ` +
        `≥ 10,000 cached tiles/s (${Math.round(tilesPerSecond)}/s; ${Math.round(tilesPerCpuSecond)} per CPU second of the API)`,
    );
} finally {
  if (engine === 'postgres') await database.close();
  await drop();
}
