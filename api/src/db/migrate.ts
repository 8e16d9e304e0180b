import path from 'node:path';
import { sql } from 'drizzle-orm';
import { repoRoot } from '../config';
import type { Database } from './client';

export const migrationsFolder = path.join(repoRoot, 'migrations');

// Any constant shared by every Yitu process: the session-level advisory lock that serialises
// migrations when several API processes start against one PostgreSQL server at once.
const MIGRATION_LOCK_KEY = 7_204_611;

/** Apply pending migrations. Safe to call from several processes at once, and repeatedly. */
export async function migrate(database: Database): Promise<void> {
  if (database.engine === 'pglite') {
    // One process owns a PGlite directory (see lockDataDir), so no lock is needed here.
    const { migrate: run } = await import('drizzle-orm/pglite/migrator');
    await run(database.db as never, { migrationsFolder });
    return;
  }
  const { migrate: run } = await import('drizzle-orm/node-postgres/migrator');
  // The lock must live on one connection for its whole duration: a pool transaction holds it,
  // pg_advisory_xact_lock frees it at commit. The migrations themselves run in drizzle's own
  // transaction on another connection, after we hold the lock.
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await run(database.db as never, { migrationsFolder });
  });
}
