// pnpm bench:peer [--scale N] [--rounds N] [--seconds N] [--requests N] [--profile DIR]
// Yitu against its peers on the same PostgreSQL database: PostGraphile 4 (with @graphile/postgis
// and the connection-filter plugin, tests/bench/peer-postgraphile.mjs) and the raw SQL (one
// statement a case, served by a plain Node HTTP server over pg, tests/bench/peer-sql.mjs), each
// in its own process, as the API is. Each answer is checked first: the same rows (codes, names,
// counts) and the same geometry (within 1e-6°, the 6 decimals Yitu writes). Then, per case:
// single-client latency (--requests sequential requests a round), and autocannon with 10
// connections for --seconds, rounds alternating which goes first; medians of the rounds. Every
// answer under load must be byte-for-byte the checked one (autocannon's expectBody).
// --profile DIR: before the timed rounds, statements per request (every pg query the API
// process sends, counted by tests/bench/probe.mjs) and a CPU profile and an allocation profile of
// the API under load per case, written to DIR and summarised (the probe stays loaded for the
// rounds). Engine: DATABASE_URL (a fresh database there) or PGlite (Yitu's figures alone).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import { createDb, migrate, repoRoot, seedDemoCity } from '@yitu/api/testing';
import { makeBenchPlace, serverIn, startApi, type Api } from './support';
import { signIn } from '../support/auth';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
    requests: { type: 'string', default: '40' },
    profile: { type: 'string' },
  },
});
const scale = Number(values.scale);
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const requests = Number(values.requests);
const CONNECTIONS = 10;
const here = path.join(repoRoot, 'tests', 'bench');

type Target = 'Yitu' | 'PostGraphile' | 'SQL';
interface Request {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}
interface Case {
  name: string;
  /** Key of the SQL server's statement, and of the profile's files. */
  key: string;
  yitu: { query: string; variables: object };
  /** Absent: Yitu alone (the map's query has no counterpart written here). */
  peer?: { query: string; variables: object };
  sql?: string;
  /** The answer of each target as the same plain rows (geometry as GeoJSON objects). */
  rows: Partial<Record<Target, (body: unknown) => unknown>>;
}

/** A process's CPU time so far (user + system), seconds. */
const cpuSecondsOf = (pid: number) => {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ ticks
};
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const median = (list: number[]) =>
  percentile(
    [...list].sort((a, b) => a - b),
    0.5,
  );
const load = () =>
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} on ${os.cpus().length} cores`;

/** The first difference between two answers (numbers within 1e-6: coordinates), or null. */
function difference(a: unknown, b: unknown, at = ''): string | null {
  if (typeof a === 'number' && typeof b === 'number')
    return Math.abs(a - b) <= 1e-6 + 1e-12 ? null : `${at}: ${a} ≠ ${b}`;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${at}: ${a.length} items ≠ ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = difference(a[i], b[i], `${at}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const d = difference(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        `${at}.${k}`,
      );
      if (d) return d;
    }
    return null;
  }
  return a === b ? null : `${at}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`;
}

// answers are read loosely: a shape not as expected fails the check, which is its purpose
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const byCode = <T extends { code: string }>(rows: T[]) =>
  [...rows].sort((x, y) => (x.code < y.code ? -1 : x.code > y.code ? 1 : 0));
const dataOf = (body: unknown) => {
  const { data, errors } = body as { data?: Record<string, unknown>; errors?: unknown };
  if (errors || !data) throw new Error(`GraphQL errors: ${JSON.stringify(errors)}`);
  return data as Record<string, Json>;
};

const { place, drop } = await makeBenchPlace(`yitu_bench_peer_${process.pid}`);
const engine = place.databaseUrl ? 'postgres' : 'pglite';
const database = await createDb(place);
const servers: Api[] = [];
try {
  const seeded = performance.now();
  await migrate(database);
  await seedDemoCity(database, { scale, asOf: new Date('2026-11-23T00:00:00Z') });
  await database.rows(sql`ANALYZE`);
  console.log(
    `${engine}, scale ${scale}: seeded and analyzed in ${((performance.now() - seeded) / 1000).toFixed(1)} s`,
  );
  // Yitu's clock after every open ticket's deadline: whether a ticket is overdue (MapLayers) then
  // holds for the whole run, so its answers under load can be held to the checked one
  const [deadlines] = await database.rows<{ last: string | null }>(
    sql`SELECT max(resolve_by)::text AS last FROM tickets`,
  );
  const clockOffsetMs = deadlines?.last
    ? Math.max(0, new Date(deadlines.last).getTime() + 3_600_000 - Date.now())
    : 0;
  // the viewport of bench:graph (the centre of the first city); a point inside a top-level grid
  // from the middle of the list
  const b = { west: 118.99, south: 32.67, east: 119.02, north: 32.7 };
  const [point] = await database.rows<{ lon: number; lat: number }>(sql`
    SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (
      SELECT ST_PointOnSurface(boundary) AS p FROM grids WHERE parent_id IS NULL AND retired_at IS NULL
      ORDER BY id OFFSET (SELECT count(*) / 2 FROM grids WHERE parent_id IS NULL) LIMIT 1) g`);
  const { lon, lat } = point!;
  if (engine === 'postgres')
    // what a PostGraphile project adds for these two questions: SQL functions in a schema of its
    // own, shown as Query.compoundsInBbox and Query.gridAt
    await database.rows(
      sql.raw(`
      CREATE SCHEMA peer;
      CREATE FUNCTION peer.compounds_in_bbox(west float8, south float8, east float8, north float8)
        RETURNS SETOF public.compounds LANGUAGE sql STABLE AS $$
        SELECT c.* FROM public.compounds c
        WHERE c.boundary && ST_MakeEnvelope(west, south, east, north, 4326)
          AND ST_Intersects(c.boundary, ST_MakeEnvelope(west, south, east, north, 4326))
          AND c.retired_at IS NULL
        ORDER BY c.id $$;
      CREATE FUNCTION peer.grid_at(lon float8, lat float8)
        RETURNS public.grids LANGUAGE sql STABLE AS $$
        SELECT g.* FROM public.grids g
        WHERE ST_Covers(g.boundary, ST_SetSRID(ST_MakePoint(lon, lat), 4326))
          AND g.retired_at IS NULL AND g.parent_id IS NULL
        ORDER BY g.id LIMIT 1 $$;`),
    );
  await database.close(); // each server opens it itself (PGlite: one process at a time)

  const envelope = `ST_MakeEnvelope(${b.west}, ${b.south}, ${b.east}, ${b.north}, 4326)`;
  const OPEN = `t.status NOT IN ('CLOSED', 'REJECTED', 'TRANSFERRED')`;
  const cases: Case[] = [
    {
      name: `viewport: compounds + boundary + open count`,
      key: 'viewport',
      yitu: {
        query: `query ($b: BBoxInput!) { compounds(filter: { bbox: $b }, first: 500) {
          totalCount nodes { id code name boundary(precision: 6) stats { openTickets } } } }`,
        variables: { b },
      },
      peer: {
        query: `query ($w: Float!, $s: Float!, $e: Float!, $n: Float!) {
          compoundsInBbox(west: $w, south: $s, east: $e, north: $n, first: 500) {
            totalCount nodes { id code name boundary { geojson }
              open: ticketsByCompoundId(filter: { status: { notIn: [CLOSED, REJECTED, TRANSFERRED] } }) {
                totalCount } } } }`,
        variables: { w: b.west, s: b.south, e: b.east, n: b.north },
      },
      sql: `WITH page AS (
          SELECT c.id, c.code, c.name, c.boundary FROM compounds c
          WHERE c.boundary && ${envelope} AND ST_Intersects(c.boundary, ${envelope})
            AND c.retired_at IS NULL ORDER BY c.id LIMIT 500)
        SELECT json_build_object(
          'totalCount', (SELECT count(*) FROM compounds c WHERE c.boundary && ${envelope}
            AND ST_Intersects(c.boundary, ${envelope}) AND c.retired_at IS NULL),
          'nodes', (SELECT coalesce(json_agg(json_build_object('code', p.code, 'name', p.name,
              'boundary', ST_AsGeoJSON(p.boundary, 6)::json,
              'openTickets', (SELECT count(*) FROM tickets t WHERE t.compound_id = p.id AND ${OPEN})
            ) ORDER BY p.id), '[]') FROM page p))::text`,
      rows: {
        Yitu: (body) => {
          const c = dataOf(body).compounds;
          return {
            total: c.totalCount,
            rows: byCode(
              c.nodes.map((n: Json) => ({
                code: n.code,
                name: n.name,
                boundary: n.boundary,
                open: n.stats.openTickets,
              })),
            ),
          };
        },
        PostGraphile: (body) => {
          const c = dataOf(body).compoundsInBbox;
          return {
            total: c.totalCount,
            rows: byCode(
              c.nodes.map((n: Json) => ({
                code: n.code,
                name: n.name,
                boundary: n.boundary.geojson,
                open: n.open.totalCount,
              })),
            ),
          };
        },
        SQL: (body: Json) => ({
          total: body.totalCount,
          rows: byCode(
            body.nodes.map((n: Json) => ({
              code: n.code,
              name: n.name,
              boundary: n.boundary,
              open: n.openTickets,
            })),
          ),
        }),
      },
    },
    {
      name: '200 compounds → community → parent, property company',
      key: 'nested',
      yitu: {
        query: `{ compounds(first: 200) { nodes { code name
          community { code name parent { code name } } propertyCompany { name } } } }`,
        variables: {},
      },
      peer: {
        query: `{ allCompounds(first: 200, orderBy: PRIMARY_KEY_ASC, filter: { retiredAt: { isNull: true } }) {
          nodes { code name
            regionByCommunityId { code name regionByParentId { code name } }
            propertyCompanyByPropertyCompanyId { name } } } }`,
        variables: {},
      },
      sql: `SELECT coalesce(json_agg(json_build_object('code', c.code, 'name', c.name,
          'community', r.code, 'communityName', r.name, 'parent', s.code, 'parentName', s.name,
          'property', p.name) ORDER BY c.id), '[]')::text
        FROM (SELECT * FROM compounds WHERE retired_at IS NULL ORDER BY id LIMIT 200) c
        JOIN regions r ON r.id = c.community_id LEFT JOIN regions s ON s.id = r.parent_id
        LEFT JOIN property_companies p ON p.id = c.property_company_id`,
      rows: {
        Yitu: (body) =>
          dataOf(body).compounds.nodes.map((n: Json) => ({
            code: n.code,
            name: n.name,
            community: [n.community.code, n.community.name],
            parent: [n.community.parent?.code, n.community.parent?.name],
            property: n.propertyCompany?.name ?? null,
          })),
        PostGraphile: (body) =>
          dataOf(body).allCompounds.nodes.map((n: Json) => ({
            code: n.code,
            name: n.name,
            community: [n.regionByCommunityId.code, n.regionByCommunityId.name],
            parent: [
              n.regionByCommunityId.regionByParentId?.code,
              n.regionByCommunityId.regionByParentId?.name,
            ],
            property: n.propertyCompanyByPropertyCompanyId?.name ?? null,
          })),
        SQL: (body: Json) =>
          body.map((n: Json) => ({
            code: n.code,
            name: n.name,
            community: [n.community, n.communityName],
            parent: [n.parent ?? undefined, n.parentName ?? undefined],
            property: n.property,
          })),
      },
    },
    {
      name: '`gridAt` one point',
      key: 'gridAt',
      yitu: {
        query: `query ($lat: Float!, $lon: Float!) { gridAt(lat: $lat, lon: $lon) {
          code name boundary(precision: 6) } }`,
        variables: { lat, lon },
      },
      peer: {
        query: `query ($lat: Float!, $lon: Float!) { gridAt(lon: $lon, lat: $lat) {
          code name boundary { geojson } } }`,
        variables: { lat, lon },
      },
      sql: `SELECT json_build_object('code', g.code, 'name', g.name,
          'boundary', ST_AsGeoJSON(g.boundary, 6)::json)::text
        FROM grids g WHERE ST_Covers(g.boundary, ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326))
          AND g.retired_at IS NULL AND g.parent_id IS NULL ORDER BY g.id LIMIT 1`,
      rows: {
        Yitu: (body) => dataOf(body).gridAt,
        PostGraphile: (body) => {
          const g = dataOf(body).gridAt;
          return g && { code: g.code, name: g.name, boundary: g.boundary.geojson };
        },
        SQL: (body) => body,
      },
    },
    {
      // the map's start-up query before the map drew from vector tiles (schema/index.ts until
      // 7c69521), as issue 19 measured it: everything drawn, with light shapes
      name: "the map's `MapLayers`",
      key: 'mapLayers',
      yitu: {
        query: `query MapLayers($crs: Crs! = WGS84) {
          regions(first: 500) { nodes { id code name level synthetic boundary(precision: 6, crs: $crs) } }
          compounds(first: 500) { totalCount nodes { id code name households
            propertyCompany { name hasPartyBranch }
            stats { openTickets overdueTickets satisfactionRate }
            boundary(precision: 6, crs: $crs) } }
          grids(first: 500) { nodes { id code name parent { code } boundary(precision: 6, crs: $crs) } }
          tickets(openOnly: true, first: 500) { nodes { id code status overdue location(precision: 6, crs: $crs) } } }`,
        variables: {},
      },
      rows: {
        Yitu: (body) => {
          const d = dataOf(body);
          if (!d.compounds.nodes.length) throw new Error('MapLayers: no compounds');
          return ['regions', 'compounds', 'grids', 'tickets'].map(
            (k) => `${d[k].nodes.length} ${k}`,
          );
        },
      },
    },
  ];

  // the servers, each in its own process
  const probe = path.join(here, 'probe.mjs');
  const yitu = await startApi(place, {
    nodeArgs: values.profile ? ['--import', probe] : [],
    env: { YITU_CLOCK_OFFSET_MS: String(clockOffsetMs) },
  });
  servers.push(yitu);
  const cookie = await signIn(yitu.url, 'command');
  const targets: Target[] = engine === 'postgres' ? ['Yitu', 'PostGraphile', 'SQL'] : ['Yitu'];
  const url: Partial<Record<Target, string>> = { Yitu: yitu.url };
  const pids: Partial<Record<Target, number>> = { Yitu: yitu.pid };
  if (engine === 'postgres') {
    const env = { ...process.env, DATABASE_URL: place.databaseUrl! };
    const peer = await serverIn(
      spawn(
        process.execPath,
        [...(values.profile ? ['--import', probe] : []), path.join(here, 'peer-postgraphile.mjs')],
        {
          cwd: path.join(repoRoot, 'tests'),
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      ),
      /PostGraphile: (http:\/\/\S+)\/graphql/,
      'PostGraphile',
    );
    servers.push(peer);
    const statements = Object.fromEntries(cases.filter((c) => c.sql).map((c) => [c.key, c.sql]));
    const raw = await serverIn(
      spawn(process.execPath, [path.join(here, 'peer-sql.mjs')], {
        cwd: path.join(repoRoot, 'tests'),
        env: { ...env, PEER_SQL: JSON.stringify(statements) },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
      /SQL: (http:\/\/\S+)/,
      'the SQL server',
    );
    servers.push(raw);
    url.PostGraphile = peer.url;
    url.SQL = raw.url;
    pids.PostGraphile = peer.pid;
    pids.SQL = raw.pid;
  }
  const requestOf = (c: Case, target: Target): Request | null => {
    const json = { 'content-type': 'application/json' };
    if (target === 'Yitu')
      return {
        url: `${url.Yitu}/graphql`,
        method: 'POST',
        headers: { ...json, cookie },
        body: JSON.stringify(c.yitu),
      };
    if (target === 'PostGraphile')
      return c.peer
        ? {
            url: `${url.PostGraphile}/graphql`,
            method: 'POST',
            headers: json,
            body: JSON.stringify(c.peer),
          }
        : null;
    return c.sql ? { url: `${url.SQL}/${c.key}`, method: 'GET', headers: {} } : null;
  };
  const send = async (r: Request) => {
    // no compression asked, as autocannon asks none: fetch would ask for it, and Yitu alone
    // compresses (its answers of 1 kB or more), so the single client would time Yitu's brotli
    const res = await fetch(r.url, {
      method: r.method,
      headers: { 'accept-encoding': 'identity', ...r.headers },
      body: r.body ?? null,
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${r.url}: ${res.status} ${text.slice(0, 500)}`);
    return text;
  };

  // 1. the same rows from each, or no timing at all
  const expected = new Map<string, string>();
  for (const c of cases) {
    let first: { target: Target; rows: unknown } | null = null;
    const counts: string[] = [];
    for (const target of targets) {
      const r = requestOf(c, target);
      if (!r) continue;
      const text = await send(r);
      expected.set(`${c.key}:${target}`, text);
      const rows = c.rows[target]!(JSON.parse(text));
      if (rows == null && c.rows.SQL)
        throw new Error(`${c.name}: ${target} found nothing to compare`);
      const n = Array.isArray(rows)
        ? typeof rows[0] === 'string'
          ? rows.join(' + ')
          : rows.length
        : ((rows as { rows?: unknown[] } | null)?.rows?.length ?? (rows ? 1 : 0));
      counts.push(`${target} ${n}`);
      if (!first) first = { target, rows };
      else {
        const d = difference(first.rows, rows);
        if (d)
          throw new Error(
            `${c.name}: ${target}'s answer differs from ${first.target}'s at ${d}; not timing it`,
          );
      }
    }
    console.log(
      `checked ${c.name}: ${counts.join(', ')} rows${targets.length > 1 && c.sql ? ', the same' : ''} (${Math.round(expected.get(`${c.key}:Yitu`)!.length / 1024)} kB from Yitu)`,
    );
  }

  // 2. where Yitu's time goes (--profile): statements per request, CPU and allocations under load
  if (values.profile) await breakdown(cases, values.profile);

  // 3. single-client latency, then throughput at 10 connections; rounds alternate the order
  // PostgreSQL: the cases with a peer alternate; PGlite: Yitu alone, every case each round
  const timed =
    engine === 'pglite'
      ? cases
      : cases.filter((c) => targets.some((t) => t !== 'Yitu' && requestOf(c, t)));
  const yituOnly = cases.filter((c) => !timed.includes(c));
  interface Figures {
    single: number[];
    perSecond: number[];
    p50: number[];
    p975: number[];
    /** The server process's own CPU (user + system) per answer under load, ms. */
    cpu: number[];
  }
  const figures = new Map<string, Figures>();
  const figuresOf = (c: Case, t: Target) => {
    const key = `${c.key}:${t}`;
    if (!figures.has(key))
      figures.set(key, { single: [], perSecond: [], p50: [], p975: [], cpu: [] });
    return figures.get(key)!;
  };
  const startedAt = load();
  const single = async (c: Case, t: Target) => {
    const r = requestOf(c, t)!;
    for (let i = 0; i < 5; i++) await send(r); // warm
    const times: number[] = [];
    for (let i = 0; i < requests; i++) {
      const started = performance.now();
      await send(r);
      times.push(performance.now() - started);
    }
    figuresOf(c, t).single.push(median(times));
  };
  // autocannon joins an answer's chunks as text, each decoded by itself (`body += chunk`): a
  // character split between two socket reads comes out garbled. An answer longer than one read
  // (64 kB on loopback) is checked by fetch, which decodes the whole, after its load instead.
  const ONE_READ = 60_000;
  const loaded = async (c: Case, t: Target, duration: number) => {
    const r = requestOf(c, t)!;
    const checked = expected.get(`${c.key}:${t}`)!;
    const whole = Buffer.byteLength(checked) <= ONE_READ;
    const cpuBefore = cpuSecondsOf(pids[t]!);
    const result = await autocannon({
      url: r.url,
      method: r.method,
      headers: r.headers,
      ...(r.body ? { body: r.body } : {}),
      connections: CONNECTIONS,
      duration,
      timeout: 60, // slow is a figure here (MapLayers at ×10 takes seconds), not a failure
      // every answer under load is the one checked
      ...(whole ? { expectBody: checked } : {}),
    });
    if (!whole)
      for (let i = 0; i < 3; i++)
        if ((await send(r)) !== checked)
          throw new Error(`${c.name}, ${t}: an answer after the load is not the checked one`);
    if (result.non2xx || result.errors || result.mismatches || result.timeouts)
      throw new Error(
        `${c.name}, ${t}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.mismatches} answers not the checked one, ${result.timeouts} timeouts`,
      );
    const f = figuresOf(c, t);
    f.perSecond.push(result.requests.average);
    f.p50.push(result.latency.p50);
    f.p975.push(result.latency.p97_5);
    f.cpu.push(((cpuSecondsOf(pids[t]!) - cpuBefore) * 1000) / Math.max(1, result.requests.total));
  };
  for (let round = 0; round < rounds; round++) {
    for (const c of timed) {
      const order = targets.filter((t) => requestOf(c, t));
      const rotated = [
        ...order.slice(round % order.length),
        ...order.slice(0, round % order.length),
      ];
      for (const t of rotated) await single(c, t);
      for (const t of rotated) await loaded(c, t, seconds);
    }
    console.log(`round ${round + 1} of ${rounds} done (${load()})`);
  }
  // PostgreSQL, Yitu alone (nothing to alternate with): one run
  for (const c of yituOnly) {
    await single(c, 'Yitu');
    await loaded(c, 'Yitu', seconds);
  }
  const rss = Object.fromEntries(
    Object.entries(pids).map(([t, pid]) => {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      return [t, Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024)];
    }),
  );

  // 4. the table
  const rate = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en') : n.toPrecision(3));
  const cell = (c: Case, t: Target) => {
    const f = figures.get(`${c.key}:${t}`);
    if (!f) return '–';
    // autocannon counts the answers that came within the run
    if (median(f.perSecond) === 0) return `none came within ${seconds} s`;
    return `${rate(median(f.perSecond))} (${median(f.p50)} / ${median(f.p975)} ms)`;
  };
  const ratio = (c: Case, t: Target) => {
    const y = figures.get(`${c.key}:Yitu`);
    const o = figures.get(`${c.key}:${t}`);
    return y && o ? (median(y.perSecond) / median(o.perSecond)).toFixed(2) : '–';
  };
  const cpuCell = (c: Case, t: Target) => {
    const f = figures.get(`${c.key}:${t}`);
    return f ? median(f.cpu).toFixed(2) : '–';
  };
  // CPU per answer holds still on a shared machine where throughput does not: the other
  // server's CPU per answer over Yitu's is how much more Yitu would answer on the same CPU
  const cpuRatio = (c: Case) => {
    const y = figures.get(`${c.key}:Yitu`);
    const o = figures.get(`${c.key}:PostGraphile`);
    return y && o ? (median(o.cpu) / median(y.cpu)).toFixed(2) : '–';
  };
  const singleCell = (c: Case, t: Target) => {
    const f = figures.get(`${c.key}:${t}`);
    return f ? median(f.single).toFixed(1) : '–';
  };
  const x = scale === 1 ? '×1' : `×${scale}`;
  console.log(
    `\n${engine}, scale ${scale}, ${CONNECTIONS} connections, ${rounds} round(s) × ${seconds} s, medians of rounds; ` +
      `single client: median of ${requests} sequential requests a round; started at ${startedAt}, ended at ${load()}\n`,
  );
  if (engine === 'postgres') {
    console.log(
      '| case | Yitu req/s (p50 / p97.5) | PostGraphile 4 req/s (p50 / p97.5) | SQL req/s (p50 / p97.5) | Yitu/PG | Yitu/SQL | 1 client ms: Yitu / PG / SQL | Yitu/SQL, 1 client | server CPU ms an answer: Yitu / PG / SQL | PG/Yitu by CPU |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    for (const c of cases) {
      const y = figures.get(`${c.key}:Yitu`);
      const s = figures.get(`${c.key}:SQL`);
      console.log(
        `| ${c.name}, ${x} | ${cell(c, 'Yitu')} | ${cell(c, 'PostGraphile')} | ${cell(c, 'SQL')} | ${ratio(c, 'PostGraphile')} | ${ratio(c, 'SQL')} | ` +
          `${singleCell(c, 'Yitu')} / ${singleCell(c, 'PostGraphile')} / ${singleCell(c, 'SQL')} | ${y && s ? (median(y.single) / median(s.single)).toFixed(2) : '–'} | ` +
          `${cpuCell(c, 'Yitu')} / ${cpuCell(c, 'PostGraphile')} / ${cpuCell(c, 'SQL')} | ${cpuRatio(c)} |`,
      );
    }
    console.log(
      `\ngoals (issue 19): Yitu/PG ≥ 1.5 on every case; single-client latency ≤ 2× the SQL's. ` +
        `Server CPU is each server process's own (the database's work is not in it). ` +
        `RSS after the run: ${Object.entries(rss)
          .map(([t, mb]) => `${t} ${mb} MB`)
          .join(', ')}`,
    );
  } else {
    console.log('| case | Yitu req/s (p50 / p97.5) | 1 client ms |');
    console.log('|---|---|---|');
    for (const c of cases)
      console.log(`| ${c.name}, ${x} | ${cell(c, 'Yitu')} | ${singleCell(c, 'Yitu')} |`);
    console.log(`\n(PGlite: no peers run; RSS after the run: Yitu ${rss.Yitu} MB)`);
  }

  /** Per case: statements per request, then a CPU and allocation profile under load, summarised. */
  async function breakdown(list: Case[], dir: string) {
    const at = path.resolve(dir);
    const probeGet = async (t: Target, p: string) =>
      JSON.parse(await send({ url: `${url[t]}${p}`, method: 'GET', headers: {} }));
    interface Counted {
      count: number;
      ms: number;
      texts: Record<string, [number, number]>;
    }
    // statements a request, from n sequential requests (1 client)
    const counted = async (c: Case, t: Target, n = 20) => {
      const r = requestOf(c, t)!;
      await send(r);
      await probeGet(t, '/__probe/statements');
      const started = performance.now();
      for (let i = 0; i < n; i++) await send(r);
      const wall = (performance.now() - started) / n;
      return { wall, n, ...((await probeGet(t, '/__probe/statements')) as Counted) };
    };
    console.log(`\nbreakdown of Yitu (profiles in ${at}):`);
    for (const c of list) {
      const r = requestOf(c, 'Yitu')!;
      const s = await counted(c, 'Yitu');
      const peer = requestOf(c, 'PostGraphile') ? await counted(c, 'PostGraphile') : null;
      console.log(
        `\n${c.name}: ${(s.count / s.n).toFixed(1)} statements a request (PostGraphile: ${peer ? (peer.count / peer.n).toFixed(1) : '–'}), ` +
          `${(s.ms / s.n).toFixed(1)} ms until each answered, summed (they may overlap), of ${s.wall.toFixed(1)} ms a request (1 client)`,
      );
      for (const [text, [count, ms]] of Object.entries(s.texts).sort((a, b) => b[1][1] - a[1][1]))
        console.log(
          `  ${(count / s.n).toFixed(1)}× ${(ms / count).toFixed(1).padStart(5)} ms  ${text}`,
        );
      await probeGet('Yitu', '/__probe/start');
      const result = await autocannon({
        url: r.url,
        method: r.method,
        headers: r.headers,
        body: r.body!,
        connections: CONNECTIONS,
        duration: seconds,
        timeout: 60,
      });
      const files = (await probeGet(
        'Yitu',
        `/__probe/stop?dir=${encodeURIComponent(at)}&name=yitu-${c.key}-x${scale}`,
      )) as { cpu: string; allocations: string };
      summarise(files, result.requests.total);
    }
  }
} finally {
  for (const s of servers.reverse()) await s.stop();
  await drop();
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
  hitCount?: number;
}
interface HeapNode {
  callFrame: { functionName: string; url: string };
  selfSize: number;
  children: HeapNode[];
}

/** Where a frame's cost goes: its package, the API's own file, GC, or the frame that called it. */
function whereFrom(url: string): string | null {
  if (!url) return null;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [a, b] = url.slice(modules + 14).split('/');
    return a!.startsWith('@') ? `${a}/${b}` : a!;
  }
  const api = url.indexOf('/api/src/');
  if (api >= 0) return url.slice(api + 1).replace(/^file:\/\//, '');
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:');
  return url.replace(/^file:\/\//, '');
}

function summarise(files: { cpu: string; allocations: string }, requestsDone: number) {
  const profile = JSON.parse(fs.readFileSync(files.cpu, 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    startTime: number;
    endTime: number;
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const categoryOf = new Map<number, string>();
  const filesOn = new Map<number, Set<string>>();
  const categorise = (id: number): string => {
    const known = categoryOf.get(id);
    if (known) return known;
    const n = byId.get(id)!;
    const name = n.callFrame.functionName;
    let got: string;
    if (name === '(garbage collector)') got = 'GC';
    else if (name === '(idle)') got = 'idle';
    else if (name === '(program)') got = 'V8 (program)';
    else
      got =
        whereFrom(n.callFrame.url) ??
        (parent.has(id) ? categorise(parent.get(id)!) : `(native) ${name}`);
    categoryOf.set(id, got);
    return got;
  };
  const apiFilesOn = (id: number): Set<string> => {
    const known = filesOn.get(id);
    if (known) return known;
    const up = parent.has(id) ? apiFilesOn(parent.get(id)!) : new Set<string>();
    const mine = whereFrom(byId.get(id)!.callFrame.url);
    const got = mine?.startsWith('api/src/') && !up.has(mine) ? new Set([...up, mine]) : up;
    filesOn.set(id, got);
    return got;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busy = 0;
  for (const id of profile.samples) {
    const category = categorise(id);
    if (category === 'idle') continue;
    busy++;
    self.set(category, (self.get(category) ?? 0) + 1);
    for (const f of apiFilesOn(id)) inclusive.set(f, (inclusive.get(f) ?? 0) + 1);
  }
  const seconds = (profile.endTime - profile.startTime) / 1e6;
  const share = (n: number) => `${((100 * n) / busy).toFixed(0)}%`;
  const top = (m: Map<string, number>, k: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([name, n]) => `${name} ${share(n)}`)
      .join(', ');
  console.log(
    `  under load: ${requestsDone} requests in ${seconds.toFixed(1)} s; busy ${((100 * busy) / profile.samples.length).toFixed(0)}% of the samples; ` +
      `CPU by where (self, builtins charged to their caller): ${top(self, 10)}`,
  );
  console.log(`  API files on the stack (inclusive): ${top(inclusive, 8)}`);
  const heap = JSON.parse(fs.readFileSync(files.allocations, 'utf8')) as { head: HeapNode };
  const allocated = new Map<string, number>();
  let total = 0;
  const walk = (n: HeapNode, inherited: string) => {
    const here = whereFrom(n.callFrame.url) ?? inherited;
    allocated.set(here, (allocated.get(here) ?? 0) + n.selfSize);
    total += n.selfSize;
    for (const c of n.children) walk(c, here);
  };
  walk(heap.head, '(root)');
  const mb = (n: number) => `${(n / 1048576).toFixed(2)} MB`;
  console.log(
    `  allocated (sampled): ${requestsDone ? `${mb(total / requestsDone)} a request` : `${mb(total)} (no answer came within the run)`}; by where: ${[
      ...allocated.entries(),
    ]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([name, n]) => `${name} ${((100 * n) / total).toFixed(0)}%`)
      .join(', ')}`,
  );
}
