// pnpm bench:report [--scale N] [--requests N]
// The monthly assessment of a district over GraphQL/HTTP (cover, indicator table against the month
// before and a year before, rankings of its streets, grown categories, overdue tickets) against
// the one SQL statement that computes its indicator table (report.sql.ts over the three months),
// in the same run. Engine: DATABASE_URL (a fresh database there) or embedded PGlite. Goal: ≤ 1.5×.
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import {
  figuresSql,
  lastYearPeriod,
  loadConfig,
  migrate,
  parsePeriod,
  previousPeriod,
  seedDemoCity,
  startApp,
} from '@yitu/api/testing';
import { measure, openBenchDatabase, type Stats } from './support';
import { signIn } from '../support/auth';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '10' },
    requests: { type: 'string', default: '50' },
    month: { type: 'string', default: '2026-10' },
  },
});
const scale = Number(values.scale);
const requests = Number(values.requests);

const { database, cleanup } = await openBenchDatabase();
try {
  await migrate(database);
  const seeded = performance.now();
  await seedDemoCity(database, { scale, asOf: new Date('2026-11-23T00:00:00Z') });
  const [district] = await database.rows<{ id: number; code: string; tickets: number }>(sql`
    SELECT id, code, (SELECT count(*)::int FROM tickets) AS tickets
    FROM regions WHERE level = 'DISTRICT' ORDER BY id LIMIT 1`);
  console.log(
    `seeded scale ${scale} in ${((performance.now() - seeded) / 1000).toFixed(0)} s: ${district!.tickets} tickets`,
  );
  const app = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1' }), database);
  const cookie = await signIn(app.url, 'command');
  const regionId = Buffer.from(`Region:${district!.id}`).toString('base64url');
  const assessment = async () => {
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({
        query: `query($id: ID!, $m: String!) { monthlyAssessment(regionId: $id, month: $m) {
          unit { name } period { label } indicators { key current previous lastYear }
          rankings { code closed onTimeRate rank note } categoriesGrown { code change }
          overdue { code owner hoursOverdue } } }`,
        variables: { id: regionId, m: values.month },
      }),
    });
    const body = (await res.json()) as { errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
  };
  const month = parsePeriod({ month: values.month });
  const periods = [month, previousPeriod(month), lastYearPeriod(month)];
  const statement = figuresSql(
    sql`"t"."community_id" IN (SELECT id FROM regions WHERE id = ${district!.id} OR parent_id = ${district!.id}
      OR parent_id IN (SELECT id FROM regions WHERE parent_id = ${district!.id}))`,
    periods,
  );
  const indicatorTable = () => database.rows(statement);

  const viaSql = await measure(indicatorTable, requests);
  const viaGraphql = await measure(assessment, requests);
  const f = (s: Stats) =>
    `median ${s.median.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, ${s.perSecond.toFixed(1)}/s`;
  console.log(`engine ${database.engine}, scale ${scale}, ${requests} sequential requests each`);
  console.log(`monthly assessment of district ${district!.code}, ${values.month}`);
  console.log(`  indicator table, one SQL statement : ${f(viaSql)}`);
  console.log(`  monthlyAssessment over GraphQL     : ${f(viaGraphql)}`);
  console.log(
    `  ratio (goal ≤ 1.5×)                : median ×${(viaGraphql.median / viaSql.median).toFixed(2)}, p95 ×${(viaGraphql.p95 / viaSql.p95).toFixed(2)}`,
  );
  await app.stop();
} finally {
  await cleanup();
}
