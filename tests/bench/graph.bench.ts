// pnpm bench:graph [--scale N] [--requests N]
// The map query and a nested query over GraphQL/HTTP, against the same data fetched with one
// hand-written SQL statement, in the same run. Engine: DATABASE_URL (a fresh database is made
// there) or embedded PGlite in a temporary directory. Prints median, p95, throughput and ratios.
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { loadConfig, migrate, seedDemoCity, startApp } from '@yitu/api/testing';
import { measure, openBenchDatabase, type Stats } from './support';
import { signIn } from '../support/auth';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    requests: { type: 'string', default: '200' },
  },
});
const scale = Number(values.scale);
const requests = Number(values.requests);

const { database, cleanup } = await openBenchDatabase();
try {
  await migrate(database);
  await seedDemoCity(database, { scale, asOf: new Date('2026-11-23T00:00:00Z') });
  const app = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1' }), database);
  // signed in as the district's command centre, as the map app is
  const cookie = await signIn(app.url, 'command');
  const graphql = async (query: string, variables: object) => {
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
  };
  // A viewport over the centre of the (first) city: about a third of its compounds.
  const viewport = { west: 118.99, south: 32.67, east: 119.02, north: 32.7 };
  const cases: { name: string; graphql: () => Promise<unknown>; sql: () => Promise<unknown> }[] = [
    {
      name: 'map: compounds in viewport + geometry + open tickets',
      graphql: () =>
        graphql(
          `
            query ($b: BBoxInput!) {
              compounds(filter: { bbox: $b }, first: 500) {
                totalCount
                nodes {
                  id
                  code
                  name
                  boundary(precision: 6)
                  stats {
                    openTickets
                  }
                }
              }
            }
          `,
          { b: viewport },
        ),
      sql: () =>
        database.rows(sql`
          SELECT c.id, c.code, c.name, ST_AsGeoJSON(c.boundary, 6)::json AS boundary,
            (SELECT count(*) FROM tickets t WHERE t.compound_id = c.id
               AND t.status NOT IN ('CLOSED', 'REJECTED', 'TRANSFERRED'))::int AS open
          FROM compounds c
          WHERE c.boundary && ST_MakeEnvelope(${viewport.west}, ${viewport.south}, ${viewport.east}, ${viewport.north}, 4326)
            AND ST_Intersects(c.boundary, ST_MakeEnvelope(${viewport.west}, ${viewport.south}, ${viewport.east}, ${viewport.north}, 4326))
          ORDER BY c.id LIMIT 500`),
    },
    {
      name: 'nested: 200 compounds → grids, property company, community, open tickets',
      graphql: () =>
        graphql(
          `
            {
              compounds(first: 200) {
                nodes {
                  code
                  grids {
                    code
                  }
                  propertyCompany {
                    name
                  }
                  community {
                    name
                  }
                  stats {
                    openTickets
                  }
                }
              }
            }
          `,
          {},
        ),
      sql: () =>
        database.rows(sql`
          SELECT c.code, p.name AS property, r.name AS community,
            (SELECT json_agg(g.code ORDER BY g.code) FROM grids g WHERE g.parent_id IS NULL
               AND ST_Intersects(g.boundary, c.boundary) AND NOT ST_Touches(g.boundary, c.boundary)) AS grids,
            (SELECT count(*) FROM tickets t WHERE t.compound_id = c.id
               AND t.status NOT IN ('CLOSED', 'REJECTED', 'TRANSFERRED'))::int AS open
          FROM compounds c JOIN regions r ON r.id = c.community_id
          LEFT JOIN property_companies p ON p.id = c.property_company_id
          ORDER BY c.id LIMIT 200`),
    },
  ];
  console.log(
    `engine ${database.engine}, scale ${scale}, ${requests} sequential requests per case`,
  );
  for (const c of cases) {
    const viaSql = await measure(c.sql, requests);
    const viaGraphql = await measure(c.graphql, requests);
    const f = (s: Stats) =>
      `median ${s.median.toFixed(2)} ms, p95 ${s.p95.toFixed(2)} ms, ${s.perSecond.toFixed(0)}/s`;
    console.log(`\n${c.name}`);
    console.log(`  one SQL statement : ${f(viaSql)}`);
    console.log(`  GraphQL over HTTP : ${f(viaGraphql)}`);
    console.log(
      `  ratio GraphQL/SQL : median ×${(viaGraphql.median / viaSql.median).toFixed(2)}, p95 ×${(viaGraphql.p95 / viaSql.p95).toFixed(2)}`,
    );
  }
  await app.stop();
} finally {
  await cleanup();
}
