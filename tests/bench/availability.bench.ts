// pnpm bench:availability [--requests N]
// Issue 12: how long a trivial request takes while the costliest request the limits allow is
// running, against the same trivial request on an idle server, in the same run. The costliest is
// chosen by timing each candidate alone (each was one of the attacker's, shrunk to pass the
// limits). Engine: DATABASE_URL (a fresh database is made there) or embedded PGlite in a
// temporary directory. Prints median and p95 of both, their difference, and how the costly
// request ended (answered, or stopped at its time budget).
import { parseArgs } from 'node:util';
import { loadConfig, migrate, seedDemoCity, startApp } from '@yitu/api/testing';
import { measure, openBenchDatabase } from './support';
import { signIn } from '../support/auth';

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '30' } },
});
const requests = Number(values.requests);

// the largest polygon the limit allows, around the city centre
const ring = Array.from({ length: 1_999 }, (_, i) => {
  const a = (2 * Math.PI * i) / 1_999;
  return [119.0 + 0.03 * Math.cos(a), 32.68 + 0.03 * Math.sin(a)];
});
ring.push(ring[0]!);

const candidates: Record<string, { query: string; variables?: object }> = {
  'ranking for 24 tickets (24 × Ticket.matches)': {
    query: '{ tickets(first: 24) { nodes { code matches(first: 3) { score } } } }',
  },
  'every region with its figures': {
    query:
      '{ regions(first: 30) { nodes { code stats { openTickets onTimeRate satisfactionRate } statsByCategory { categoryCode stats { openTickets } } } } }',
  },
  'the three lists, 5 times over': {
    query: `{ ${Array.from(
      { length: 5 },
      (_, i) =>
        `l${i}: communityLists { community { code } gaps { gap openTickets freeCapacity } demand { openTickets last90Days } }`,
    ).join(' ')} }`,
  },
  'compounds within a 2,000-vertex polygon': {
    query:
      'query($p: GeoJSON) { compounds(filter: { within: $p }, first: 500) { totalCount nodes { code stats { openTickets } } } }',
    variables: { p: { type: 'Polygon', coordinates: [ring] } },
  },
};

const { database, cleanup } = await openBenchDatabase();
try {
  await migrate(database);
  await seedDemoCity(database, { scale: 1, asOf: new Date('2026-11-23T00:00:00Z') });
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1' });
  const app = await startApp(config, database);
  const cookie = await signIn(app.url, 'command');
  const post = async (query: string, variables: object = {}, headers: object = { cookie }) => {
    const ask = () =>
      fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
    // a kept-alive socket the server closed meanwhile (idle 5 s) is reset: ask again once
    const res = await ask().catch(ask);
    const body = (await res.json()) as {
      errors?: { extensions?: { code?: string; reason?: string } }[];
    };
    const error = body.errors?.[0]?.extensions;
    return {
      status: res.status,
      reason: error ? `${error.code} ${error.reason ?? ''}` : 'answered',
    };
  };
  const costly = Object.fromEntries(
    Object.entries(candidates).map(([name, c]) => [name, () => post(c.query, c.variables)]),
  );

  // anonymous, one statement: what every other user is doing meanwhile
  const trivial = () => post('{ categories { code } }', {}, {});

  console.log(`engine: ${database.engine}; time budget ${config.timeBudgetMs} ms per request`);
  const alone: { name: string; ms: number; outcome: string }[] = [];
  for (const [name, run] of Object.entries(costly)) {
    const t = performance.now();
    const r = await run();
    alone.push({ name, ms: performance.now() - t, outcome: `${r.status} ${r.reason}` });
  }
  for (const a of alone)
    console.log(`  alone: ${a.name.padEnd(46)} ${a.ms.toFixed(0).padStart(6)} ms  ${a.outcome}`);
  const allowed = alone.filter((a) => !a.outcome.startsWith('400'));
  const worst = allowed.sort((a, b) => b.ms - a.ms)[0]!;
  console.log(`costliest allowed: ${worst.name}`);

  const idle = await measure(trivial, requests);
  // the costly request runs back to back the whole time the trivial one is measured
  let running = true;
  const outcomes: string[] = [];
  const load = (async () => {
    while (running) outcomes.push(`${(await costly[worst.name]!()).status}`);
  })();
  await new Promise((r) => setTimeout(r, 200)); // let it reach the database
  const busy = await measure(trivial, requests);
  running = false;
  await load;

  const row = (label: string, s: { median: number; p95: number }) =>
    console.log(
      `${label.padEnd(34)} median ${s.median.toFixed(1).padStart(7)} ms   p95 ${s.p95.toFixed(1).padStart(7)} ms`,
    );
  row('trivial request, idle server', idle);
  row('trivial request, costliest running', busy);
  console.log(
    `extra latency: median +${(busy.median - idle.median).toFixed(1)} ms, p95 +${(busy.p95 - idle.p95).toFixed(1)} ms ` +
      `(×${(busy.median / idle.median).toFixed(1)} median); costly runs meanwhile: ${outcomes.length} (statuses ${[...new Set(outcomes)].join(', ')})`,
  );
  await app.stop();
} finally {
  await cleanup();
}
