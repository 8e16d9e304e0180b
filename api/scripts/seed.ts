// pnpm db:seed [--scale N] [--reset] [--as-of YYYY-MM-DD]
// Writes the demo city into an empty database (after migrating it). --reset empties it first.
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/config';
import { createDb, migrate } from '../src/db';
import { seedDemoCity } from '../src/seed';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    reset: { type: 'boolean', default: false },
    'as-of': { type: 'string' },
  },
});
const scale = Number(values.scale);
if (!Number.isInteger(scale) || scale < 1) {
  console.error(`--scale must be a positive integer, got "${values.scale}"`);
  process.exit(2);
}
const asOf = values['as-of'] ? new Date(`${values['as-of']}T00:00:00Z`) : undefined;
if (asOf && Number.isNaN(asOf.getTime())) {
  console.error(`--as-of must be YYYY-MM-DD, got "${values['as-of']}"`);
  process.exit(2);
}

const config = loadConfig();
const database = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
  await migrate(database);
  if (values.reset) {
    await database.db
      .execute(sql`TRUNCATE ticket_events, tickets, resource_claims, resources, party_organizations,
      grid_workers, grids, buildings, compounds, property_companies, regions, accounts,
      credentials, token_usage, vulnerable_households RESTART IDENTITY CASCADE`);
    // the audit log is kept: it is append-only, and a reset is something to have on record
    await database.db.execute(
      sql`INSERT INTO audit_log (actor, action, result) VALUES ('system', 'db:seed --reset', 'OK')`,
    );
  }
  const started = Date.now();
  await seedDemoCity(database, { scale, ...(asOf ? { asOf } : {}) });
  console.log(
    `demo city seeded ×${scale} in ${((Date.now() - started) / 1000).toFixed(1)} s (${database.engine})`,
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await database.close();
}
