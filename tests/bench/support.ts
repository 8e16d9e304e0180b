// Shared by the benchmarks: a fresh database on the engine under test, and timing of repeated
// sequential runs (after a warm-up) as median, p95 and throughput.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb, type Database } from '@yitu/api/testing';
import { databaseUrlFor, withAdmin } from '../support/engine';

/** DATABASE_URL: a new database there (dropped after); otherwise PGlite in a temporary directory. */
export async function openBenchDatabase(): Promise<{
  database: Database;
  cleanup: () => Promise<void>;
}> {
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl) {
    const name = `yitu_bench_${process.pid}`;
    await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
    const database = await createDb({ databaseUrl: databaseUrlFor(adminUrl, name) });
    return {
      database,
      cleanup: async () => {
        await database.close();
        await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE "${name}" WITH (FORCE)`));
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yitu-bench-'));
  const database = await createDb({ dataDir: dir });
  return {
    database,
    cleanup: async () => {
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Stats {
  median: number;
  p95: number;
  perSecond: number;
}

export async function measure(run: () => Promise<unknown>, requests: number): Promise<Stats> {
  for (let i = 0; i < Math.min(20, requests); i++) await run(); // warm up caches and plans
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < requests; i++) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  const total = performance.now() - started;
  times.sort((a, b) => a - b);
  return {
    median: times[Math.floor(times.length / 2)]!,
    p95: times[Math.min(times.length - 1, Math.floor(times.length * 0.95))]!,
    perSecond: (requests / total) * 1000,
  };
}
