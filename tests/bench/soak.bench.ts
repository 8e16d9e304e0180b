// pnpm bench:soak [--minutes 10] [--scale 1]
// Does the API keep its memory under a steady load? The API in a process of its own, signed in as
// the command centre, 10 autocannon clients for --minutes asking what a busy street asks over and
// over (a viewport of compounds with their open tickets, compounds with their community and
// property company, the grid under a point), its RSS read from /proc every 5 s. Goal (issue 19):
// after 10 minutes within 20% of after 1 minute, and under 300 MB. Engine: DATABASE_URL (a fresh
// database there) or embedded PGlite (in the API's process, so its RSS counts the database too).
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import { createDb, migrate, seedDemoCity } from '@yitu/api/testing';
import { makeBenchPlace, startApi, type Api } from './support';
import { signIn } from '../support/auth';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    scale: { type: 'string', default: '1' },
  },
});
const minutes = Number(values.minutes);
const scale = Number(values.scale);
const CONNECTIONS = 10;
const SAMPLE_MS = 5_000;

const rssMb = (pid: number) => {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024);
};

const { place, drop } = await makeBenchPlace(`yitu_bench_soak_${process.pid}`);
let api: Api | undefined;
try {
  const database = await createDb(place);
  await migrate(database);
  await seedDemoCity(database, { scale, asOf: new Date('2026-11-23T00:00:00Z') });
  await database.rows(sql`ANALYZE`);
  const [point] = await database.rows<{ lon: number; lat: number }>(sql`
    SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (
      SELECT ST_PointOnSurface(boundary) AS p FROM grids WHERE parent_id IS NULL ORDER BY id LIMIT 1) g`);
  await database.close();

  api = await startApi(place);
  const cookie = await signIn(api.url, 'command');
  const b = { west: 118.99, south: 32.67, east: 119.02, north: 32.7 };
  const asks = [
    {
      query: `query ($b: BBoxInput!) { compounds(filter: { bbox: $b }, first: 500) {
        totalCount nodes { id code name boundary(precision: 6) stats { openTickets } } } }`,
      variables: { b },
    },
    {
      query: `{ compounds(first: 200) { nodes { code name community { code name parent { code name } }
        propertyCompany { code name } } } }`,
      variables: {},
    },
    {
      query: `query ($lon: Float!, $lat: Float!) { gridAt(lon: $lon, lat: $lat) { code name boundary(precision: 6) } }`,
      variables: point!,
    },
  ];
  const requests = asks.map((body) => ({
    method: 'POST' as const,
    path: '/graphql',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify(body),
  }));
  for (const r of requests) {
    const res = await fetch(`${api.url}${r.path}`, {
      method: 'POST',
      headers: r.headers,
      body: r.body,
    });
    const answer = (await res.json()) as { errors?: unknown };
    if (answer.errors) throw new Error(`asked before the run: ${JSON.stringify(answer.errors)}`);
  }

  const pid = api.pid;
  const started = performance.now();
  const samples: { at: number; rss: number }[] = [{ at: 0, rss: rssMb(pid) }];
  const sampler = setInterval(
    () => samples.push({ at: (performance.now() - started) / 1000, rss: rssMb(pid) }),
    SAMPLE_MS,
  );
  const result = await autocannon({
    url: api.url,
    connections: CONNECTIONS,
    duration: minutes * 60,
    requests,
  });
  clearInterval(sampler);
  samples.push({ at: (performance.now() - started) / 1000, rss: rssMb(pid) });

  // RSS swings with each garbage collection: a minute is told by its samples' median and peak
  const inMinute = (m: number) =>
    samples
      .filter((x) => x.at > (m - 1) * 60 && x.at <= m * 60 + 0.5)
      .map((x) => x.rss)
      .sort((a, b) => a - b);
  const median = (xs: number[]) => xs[Math.floor(xs.length / 2)]!;
  console.log(
    `${place.databaseUrl ? 'postgres' : 'pglite'}, scale ${scale}: ${CONNECTIONS} clients for ${minutes} min, ` +
      `${result.requests.total.toLocaleString('en')} requests (${Math.round(result.requests.average)}/s), ` +
      `${result.non2xx} not 2xx, ${result.errors} errors, p50 ${result.latency.p50} ms`,
  );
  console.log(
    `RSS of the API (MB), every ${SAMPLE_MS / 1000} s: before the run ${samples[0]!.rss}`,
  );
  for (let m = 1; m <= minutes; m++) {
    const xs = inMinute(m);
    console.log(`  minute ${m}: median ${median(xs)}, min ${xs[0]}, peak ${xs.at(-1)}`);
  }
  const first = median(inMinute(1));
  const last = median(inMinute(minutes));
  const peak = Math.max(...samples.map((x) => x.rss));
  console.log(
    `median of minute ${minutes} ${last} MB against minute 1 ${first} MB: ×${(last / first).toFixed(2)} ` +
      `(goal ≤ ×1.20); peak ${peak} MB (goal < 300 MB)`,
  );
} finally {
  await api?.stop();
  await drop();
}
