import { sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { generateCopies, type CityOptions } from './city';
import {
  analyzePlaces,
  analyzeSeeded,
  ensureCategories,
  insertAssignments,
  insertCopy,
  insertTickets,
  isEmpty,
  UNINDEXED_WHILE_SEEDING,
  withoutEventNotifications,
} from './insert';
import { withoutIndexes } from './bulk';
import { insertDemoAccounts, insertVulnerableHouseholds } from './accounts';

export { generateCity, generateCopies, type City, type CityOptions } from './city';
export { ensureCategories } from './insert';
export { DEMO_PASSWORD } from './accounts';

/**
 * Generate and write the demo city in one transaction; refuses a database that has places.
 * Copies are generated and written one at a time, so memory stays that of one copy at any scale.
 */
export async function seedDemoCity(database: Database, options: CityOptions = {}): Promise<void> {
  const copies = generateCopies(options);
  await database.transaction(async (tx) => {
    // Serialise concurrent seeders on a server; the emptiness check runs under the lock.
    if (tx.engine === 'postgres') await tx.db.execute(sql`SELECT pg_advisory_xact_lock(7204612)`);
    if (!(await isEmpty(tx))) throw new SeedRefusedError();
    await ensureCategories(tx);
    await withoutIndexes(tx, UNINDEXED_WHILE_SEEDING, async () => {
      await withoutEventNotifications(tx, async () => {
        let written = 0;
        for (const copy of copies) {
          await insertCopy(tx, copy);
          // Tickets are placed by spatial joins on the places, which plan on statistics: taken
          // after the first copy and again whenever the places have doubled (1, 2, 4 … copies).
          written++;
          if ((written & (written - 1)) === 0) await analyzePlaces(tx);
          await insertTickets(tx, copy);
        }
      });
      await analyzeSeeded(tx);
      await insertAssignments(tx);
    });
    await insertVulnerableHouseholds(tx);
    await insertDemoAccounts(tx);
    await analyzeSeeded(tx);
  });
}

/** Seed on first start: categories always, the demo city only into an empty database. */
export async function seedIfEmpty(database: Database, options: CityOptions = {}): Promise<boolean> {
  await ensureCategories(database);
  if (!(await isEmpty(database))) {
    await upgradeDemoCity(database);
    return false;
  }
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

/**
 * A demo city seeded before accounts existed gets its demo accounts and households, so an
 * existing DATA_DIR can still be signed in to. Real data (no demo district) is left alone.
 */
async function upgradeDemoCity(database: Database): Promise<void> {
  await database.transaction(async (tx) => {
    if (tx.engine === 'postgres') await tx.db.execute(sql`SELECT pg_advisory_xact_lock(7204612)`);
    const [state] = await tx.rows<{ demo: boolean; accounts: number; households: number }>(sql`
      SELECT EXISTS (SELECT 1 FROM regions WHERE code = '341181' AND level = 'DISTRICT') AS demo,
        (SELECT count(*)::int FROM accounts) AS accounts,
        (SELECT count(*)::int FROM vulnerable_households) AS households`);
    if (!state?.demo || state.accounts > 0) return;
    if (state.households === 0) await insertVulnerableHouseholds(tx);
    await insertDemoAccounts(tx);
  });
}
