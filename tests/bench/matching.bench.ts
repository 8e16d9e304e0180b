// pnpm bench:matching [--resources N] [--requests N]
// Matching one ticket among 100,000 generated resources (on top of the demo city), in the same
// run as two references: the same score computed over every capable resource instead of the
// pool the GiST index finds nearest-first (the baseline), and a bare nearest-10 KNN query (the
// floor: no scoring). Also checks the two rankings agree. Engine:
// DATABASE_URL (a fresh database is made there) or embedded PGlite. Prints median, p95, ratios
// and the query plan's use of the GiST index.
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import {
  loadConfig,
  matchSql,
  matchTickets,
  migrate,
  seedDemoCity,
  startApp,
} from '@yitu/api/testing';
import { measure, openBenchDatabase, type Stats } from './support';
import { signIn } from '../support/auth';

const { values } = parseArgs({
  options: {
    resources: { type: 'string', default: '100000' },
    requests: { type: 'string', default: '300' },
  },
});
const resourceCount = Number(values.resources);
const requests = Number(values.requests);
const now = new Date('2026-11-24T02:00:00Z'); // a Tuesday, 10:00 in Beijing

const { database, cleanup } = await openBenchDatabase();
try {
  const setupStarted = performance.now();
  await migrate(database);
  await seedDemoCity(database, { asOf: new Date('2026-11-23T00:00:00Z') });
  // Deterministic resources spread over the demo streets (and 2 km around): capabilities drawn
  // from the categories', 1–5 places, a mix of hours; 10% claim a grid, 10% hold a ticket.
  await database.db.execute(sql`SELECT setseed(0.42)`);
  await database.db.execute(sql`
    WITH box AS (
      SELECT ST_XMin(e) - 0.02 AS x0, ST_XMax(e) + 0.02 AS x1, ST_YMin(e) - 0.02 AS y0, ST_YMax(e) + 0.02 AS y1
      FROM (SELECT ST_Extent(boundary) AS e FROM regions WHERE level = 'COMMUNITY') b),
    caps AS (SELECT array_agg(DISTINCT c) AS all FROM categories, unnest(capabilities) c)
    INSERT INTO resources (code, kind, name, location, capabilities, capacity, availability, may_decline)
    SELECT 'BR-' || i,
      (CASE WHEN r < 0.7 THEN 'PARTY_MEMBER' WHEN r < 0.9 THEN 'COMMUNITY_PARTNER'
            WHEN r < 0.95 THEN 'SOCIAL_ORG' ELSE 'VOLUNTEER_TEAM' END)::resource_kind,
      'bench resource ' || i,
      ST_SetSRID(ST_MakePoint(box.x0 + random() * (box.x1 - box.x0), box.y0 + random() * (box.y1 - box.y0)), 4326),
      ARRAY(SELECT DISTINCT caps.all[1 + floor(random() * cardinality(caps.all))::int]
            FROM generate_series(1, 1 + (i % 3)) WHERE i > 0),
      1 + floor(random() * 5)::int,
      CASE WHEN a < 0.4 THEN '{"always": true}'::jsonb
           WHEN a < 0.75 THEN '{"weekly": [[1,"08:00","18:00"],[2,"08:00","18:00"],[3,"08:00","18:00"],[4,"08:00","18:00"],[5,"08:00","18:00"]]}'::jsonb
           ELSE '{"weekly": [[6,"09:00","17:00"],[7,"09:00","17:00"]], "monthlyDays": [8,18,28]}'::jsonb END,
      true
    FROM box, caps, (SELECT i, random() AS r, random() AS a FROM generate_series(1, ${resourceCount}) i) g`);
  await database.db.execute(sql`
    WITH g AS (SELECT array_agg(id) AS ids FROM grids WHERE parent_id IS NULL)
    INSERT INTO resource_claims (resource_id, grid_id)
    SELECT s.id, g.ids[1 + floor(random() * cardinality(g.ids))::int]
    FROM resources s, g WHERE s.code LIKE 'BR-%' AND random() < 0.1`);
  await database.db.execute(sql`
    WITH t AS (SELECT array_agg(id) AS ids FROM tickets WHERE status IN ('DISPATCHED', 'IN_PROGRESS'))
    INSERT INTO ticket_assignments (ticket_id, resource_id, status, assigned_by)
    SELECT t.ids[1 + floor(random() * cardinality(t.ids))::int], s.id, 'ACCEPTED', 'bench'
    FROM resources s, t WHERE s.code LIKE 'BR-%' AND random() < 0.1
    ON CONFLICT DO NOTHING`);
  await database.db.execute(sql`ANALYZE`);
  const [counts] = await database.rows<{ resources: number; claims: number; held: number }>(sql`
    SELECT (SELECT count(*) FROM resources)::int AS resources,
      (SELECT count(*) FROM resource_claims)::int AS claims,
      (SELECT count(*) FROM ticket_assignments)::int AS held`);
  const tickets = (
    await database.rows<{ id: number }>(sql`
      SELECT id FROM tickets WHERE category_code IS NOT NULL
        AND status NOT IN ('CLOSED', 'REJECTED', 'TRANSFERRED') ORDER BY id LIMIT 50`)
  ).map((t) => t.id);
  console.log(
    `engine ${database.engine}: ${counts!.resources} resources (${resourceCount} generated), ` +
      `${counts!.claims} claims, ${counts!.held} assignments; set up in ` +
      `${((performance.now() - setupStarted) / 1000).toFixed(1)} s; ${tickets.length} tickets in turn`,
  );

  let turn = 0;
  const nextTicket = () => tickets[turn++ % tickets.length]!;
  const options = { now, first: 10 };
  const app = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1' }), database);
  // signed in as the district's command centre, as the map app is
  const cookie = await signIn(app.url, 'command');
  const ids = new Map(tickets.map((id) => [id, Buffer.from(`Ticket:${id}`).toString('base64url')]));
  const graphql = async () => {
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({
        query: `query($id: ID!) { matchResources(ticketId: $id, first: 10) { score distanceMeters resource { code name } } }`,
        variables: { id: ids.get(nextTicket()) },
      }),
    });
    const body = (await res.json()) as { errors?: unknown; data?: { matchResources: unknown[] } };
    if (body.errors || body.data?.matchResources.length !== 10)
      throw new Error(JSON.stringify(body));
  };

  const cases: { name: string; run: () => Promise<unknown>; requests: number }[] = [
    {
      name: 'matchResources statement (KNN pools + scoring)',
      run: () => matchTickets(database, [nextTicket()], options),
      requests,
    },
    { name: 'matchResources over GraphQL/HTTP', run: graphql, requests },
    {
      name: 'baseline: the same score over every capable resource (no KNN pool)',
      run: () => matchTickets(database, [nextTicket()], { ...options, exhaustive: true }),
      requests: Math.max(5, Math.round(requests / 20)),
    },
    {
      name: 'floor: nearest 10 capable by KNN, no scoring',
      run: () =>
        database.rows(sql`
          SELECT n.id FROM tickets t JOIN categories c ON c.code = t.category_code
          CROSS JOIN LATERAL (SELECT s.id FROM resources s WHERE s.capabilities && c.capabilities
            ORDER BY s.location <-> t.location LIMIT 10) n
          WHERE t.id = ${nextTicket()}`),
      requests,
    },
  ];
  // The pool should not change the answer: compare with scoring every capable resource.
  let identical = 0;
  let sameBest = 0;
  let shared = 0;
  const compared = tickets.slice(0, 20);
  for (const id of compared) {
    const pooled = (await matchTickets(database, [id], options)).map((m) => m.resourcePk);
    const all = (await matchTickets(database, [id], { ...options, exhaustive: true })).map(
      (m) => m.resourcePk,
    );
    if (JSON.stringify(pooled) === JSON.stringify(all)) identical++;
    if (pooled[0] === all[0]) sameBest++;
    shared += pooled.filter((pk) => all.includes(pk)).length;
  }
  console.log(
    `against scoring every capable resource, over ${compared.length} tickets: top 10 identical ` +
      `for ${identical}, same best for ${sameBest}, ${((shared / (compared.length * 10)) * 100).toFixed(1)}% ` +
      `of the top-10 places shared`,
  );
  const results: Stats[] = [];
  for (const c of cases) {
    const stats = await measure(c.run, c.requests);
    results.push(stats);
    console.log(
      `${c.name}: median ${stats.median.toFixed(2)} ms, p95 ${stats.p95.toFixed(2)} ms ` +
        `(${c.requests} runs)`,
    );
  }
  const [match, viaHttp, everyone, floor] = results as [Stats, Stats, Stats, Stats];
  console.log(
    `\nratios (same run): scoring every capable resource is ×${(everyone.median / match.median).toFixed(1)} slower; ` +
      `scoring costs ×${(match.median / floor.median).toFixed(1)} the bare KNN; ` +
      `GraphQL/HTTP adds ×${(viaHttp.median / match.median).toFixed(2)}`,
  );
  console.log(
    `target p95 < 20 ms on the PostgreSQL server: statement p95 ${match.p95.toFixed(2)} ms ` +
      `on ${database.engine}`,
  );
  const plan = await database.rows<{ 'QUERY PLAN': string }>(
    sql`EXPLAIN (COSTS OFF) ${matchSql([tickets[0]!], options)}`,
  );
  const lines = plan.map((p) => p['QUERY PLAN']);
  console.log('\nquery plan, the lines that reach resources:');
  for (const [i, line] of lines.entries()) {
    if (/resources|Order By/.test(line) && !/ticket_assignments|resource_claims/.test(line))
      console.log(
        `  ${line.trim()}${/Order By/.test(line) ? '' : ` (${lines[i + 1]?.trim() ?? ''})`}`,
      );
  }
  const knn = lines.filter((l) => /Index Scan using resources_location_gist/.test(l)).length;
  const seq = lines.filter((l) => /Seq Scan on resources\b/.test(l)).length;
  console.log(`GiST KNN scans on resources: ${knn}; sequential scans of resources: ${seq}`);
  await app.stop();
} finally {
  await cleanup();
}
