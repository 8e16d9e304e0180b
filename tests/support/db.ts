import fs from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { createDb, type Database } from '@yitu/api/testing';
import { cloneDatabase, databaseUrlFor } from './engine';

// One database per test worker, cloned from the seeded template on first use and kept for
// every file the worker runs (the integration project runs with isolate: false).
let current: Promise<Database> | undefined;

export function testDb(): Promise<Database> {
  current ??= openWorkerDb();
  return current;
}

async function openWorkerDb(): Promise<Database> {
  const info = inject('yituTemplate');
  const worker = process.env.VITEST_POOL_ID ?? '0';
  if (info.engine === 'postgres') {
    const name = `${info.prefix}w${worker}`;
    await cloneDatabase(info.adminUrl, info.template, name);
    return createDb({ databaseUrl: databaseUrlFor(info.adminUrl, name), poolSize: 20 });
  }
  const dir = path.join(info.workDir, `worker-${worker}`);
  fs.cpSync(info.templateDir, dir, { recursive: true });
  fs.rmSync(path.join(dir, 'yitu.lock'), { force: true });
  return createDb({ dataDir: dir });
}

/** Describes the engine in test titles, so a run's output shows which one it exercised. */
export function engineName(): string {
  return process.env.DATABASE_URL ? 'postgres' : 'pglite';
}

let emptyCount = 0;

/** A brand-new database with nothing in it (not even PostGIS), for migration tests. */
export async function emptyDb(): Promise<Database> {
  const info = inject('yituTemplate');
  if (info.engine === 'postgres') {
    const name = `${info.prefix}empty_${process.env.VITEST_POOL_ID ?? '0'}_${++emptyCount}`;
    const { withAdmin } = await import('./engine');
    await withAdmin(info.adminUrl, (c) => c.query(`CREATE DATABASE "${name}" TEMPLATE template0`));
    return createDb({ databaseUrl: databaseUrlFor(info.adminUrl, name) });
  }
  return createDb({}); // PGlite in memory
}

class Rollback extends Error {}

/** Run fn against a transaction that is always rolled back: fixtures that leave no trace. */
export async function rolledBack<T>(
  database: Database,
  fn: (tx: Database) => Promise<T>,
): Promise<T> {
  let result: T | undefined;
  try {
    await database.transaction(async (tx) => {
      result = await fn(tx);
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return result as T;
}
