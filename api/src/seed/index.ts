import { sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { generateCity, type CityOptions } from './city';
import { ensureCategories, insertCity, isEmpty } from './insert';
import { insertDemoAccounts, insertVulnerableHouseholds } from './accounts';

export { generateCity, type City, type CityOptions } from './city';
export { ensureCategories } from './insert';
export { DEMO_PASSWORD } from './accounts';

/** Generate and write the demo city in one transaction; refuses a database that has places. */
export async function seedDemoCity(database: Database, options: CityOptions = {}): Promise<void> {
  const city = generateCity(options);
  await database.transaction(async (tx) => {
    // Serialise concurrent seeders on a server; the emptiness check runs under the lock.
    if (tx.engine === 'postgres') await tx.db.execute(sql`SELECT pg_advisory_xact_lock(7204612)`);
    if (!(await isEmpty(tx))) throw new SeedRefusedError();
    await insertCity(tx, city);
    await insertVulnerableHouseholds(tx);
    await insertDemoAccounts(tx);
  });
}

/** Seed on first start: categories always, the demo city only into an empty database. */
export async function seedIfEmpty(database: Database, options: CityOptions = {}): Promise<boolean> {
  await ensureCategories(database);
  if (!(await isEmpty(database))) return false;
  try {
    await seedDemoCity(database, options);
    return true;
  } catch (error) {
    if (error instanceof SeedRefusedError) return false; // another process seeded it first
    throw error;
  }
}

export class SeedRefusedError extends Error {
  constructor() {
    super('the database already holds places; seed only an empty database (or pass --reset)');
  }
}
