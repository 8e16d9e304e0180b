// Start-up only: config → database → migrations → demo city on first start → HTTP.
import 'reflect-metadata';
import { ConfigError, loadConfig } from './config';
import { createDb, DataDirLockedError, migrate } from './db';
import { startApp } from './http/app';
import { startPhotoRetentionJob } from './modules/photo/photo.retention';
import { photoStorageIn } from './modules/photo/photo.storage';
import { startEscalationJob } from './modules/ticket/escalation';
import { createCalendar } from './modules/ticket/working-calendar';
import { ensureCategories, seedIfEmpty } from './seed';
import { DEMO_PASSWORD, listDemoAccounts } from './seed/accounts';

async function main() {
  const started = Date.now();
  const config = loadConfig();
  const database = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  console.log(
    database.engine === 'pglite'
      ? `database: embedded PGlite + PostGIS in ${config.dataDir}`
      : 'database: PostgreSQL + PostGIS (DATABASE_URL)',
  );
  await migrate(database);
  if (config.seedDemo && (await seedIfEmpty(database)))
    console.log('demo city seeded (天长市, synthetic streets and compounds)');
  // an empty start still needs the ticket taxonomy: residents report from the first import on
  else if (!config.seedDemo) await ensureCategories(database);
  const app = await startApp(config, database);
  const clock = () => new Date(Date.now() + config.clockOffsetMs);
  // the job counts deadlines on the calendar the API's requests use (startApp builds its own)
  const stopJob = startEscalationJob(
    database,
    clock,
    createCalendar(config),
    config.escalationIntervalMs,
    (m) => console.log(m),
  );
  const stopPhotoJob = await startPhotoRetentionJob(
    database,
    photoStorageIn(config.dataDir),
    clock,
    (m) => console.log(m),
  );
  if (!config.production) {
    const demo = await listDemoAccounts(database);
    if (demo.length > 0) {
      console.log(`demo accounts (development only; password ${DEMO_PASSWORD}):`);
      for (const a of demo)
        console.log(
          `  ${a.username.padEnd(11)} ${a.role.padEnd(16)} ${a.displayName} · ${a.place}`,
        );
    }
  }
  console.log(`Yitu 一图 ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`  map:     ${app.url}/`);
  console.log(`  GraphQL: ${app.url}/graphql`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    // Never hang on the way out: a stuck connection must not keep the port or DATA_DIR lock.
    setTimeout(() => process.exit(1), 10_000).unref();
    stopJob();
    stopPhotoJob();
    await app.stop();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    console.error(`cannot start: ${error.message}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
