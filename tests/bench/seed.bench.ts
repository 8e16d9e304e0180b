// pnpm bench:seed [--scales 1,10,100]
// How long `db:seed --scale N` takes to write the demo city N times over (one transaction,
// ANALYZE and index builds included), with rows per second, the process's peak memory so far,
// and each scale's time per copy against scale 1's in the same run (1.0×: the seed is linear).
// Engine: DATABASE_URL (a new database there) or PGlite in a temporary directory: run it once
// with and once without DATABASE_URL for both engines.
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { migrate, seedDemoCity, SEEDED_TABLES } from '@yitu/api/testing';
import { openBenchDatabase } from './support';

const { values } = parseArgs({ options: { scales: { type: 'string', default: '1,10,100' } } });
const scales = values.scales.split(',').map(Number);

console.log(`seed on ${process.env.DATABASE_URL ? 'postgres' : 'pglite'}`);
let baseline: number | undefined; // seconds per copy of the first scale
for (const scale of scales) {
  const { database, cleanup } = await openBenchDatabase();
  try {
    await migrate(database);
    const started = performance.now();
    await seedDemoCity(database, { scale, asOf: new Date('2026-11-23T00:00:00Z') });
    const seconds = (performance.now() - started) / 1000;
    const [counts] = await database.rows<Record<string, number>>(
      sql.raw(
        `SELECT ${SEEDED_TABLES.map((t) => `(SELECT count(*)::int FROM ${t}) AS ${t}`).join(', ')}`,
      ),
    );
    const rows = Object.values(counts!).reduce((a, b) => a + b, 0);
    baseline ??= seconds / scale;
    console.log(
      `×${scale}: ${seconds.toFixed(1)} s, ${rows.toLocaleString('en')} rows, ` +
        `${Math.round(rows / seconds).toLocaleString('en')} rows/s, ` +
        `${(seconds / scale / baseline).toFixed(2)}× ×${scales[0]}'s time per copy, ` +
        `peak RSS so far ${Math.round(process.resourceUsage().maxRSS / 1024)} MB ` +
        `(${counts!.compounds} compounds, ${counts!.grids} grids, ${counts!.buildings} buildings, ` +
        `${counts!.tickets} tickets, ${counts!.ticket_events} events)`,
    );
  } finally {
    await cleanup();
  }
}
