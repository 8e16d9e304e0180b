// pnpm db:migrate — apply pending migrations to DATABASE_URL, or to the PGlite store in DATA_DIR.
import { loadConfig } from '../src/config';
import { createDb, migrate } from '../src/db';

const config = loadConfig();
const database = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
  await migrate(database);
  console.log(
    `migrations applied (${database.engine}${database.engine === 'pglite' ? `, ${config.dataDir}` : ''})`,
  );
} finally {
  await database.close();
}
