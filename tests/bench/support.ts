// Shared by the benchmarks: a fresh database on the engine under test, and timing of repeated
// sequential runs (after a warm-up) as median, p95 and throughput.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb, repoRoot, type Database } from '@yitu/api/testing';
import { databaseUrlFor, withAdmin } from '../support/engine';

/** Where a bench database is, as createDb takes it, so child processes can open it too. */
export type BenchPlace = Parameters<typeof createDb>[0];

/**
 * DATABASE_URL: a new database there (`name`, a copy of `template` if given); otherwise a PGlite
 * directory (a copy of the template's). Nothing holds it open; `drop` removes it.
 */
export async function makeBenchPlace(
  name = `yitu_bench_${process.pid}`,
  template?: BenchPlace,
): Promise<{ place: BenchPlace; drop: () => Promise<void> }> {
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl) {
    const from = template?.databaseUrl
      ? ` TEMPLATE "${new URL(template.databaseUrl).pathname.slice(1)}"`
      : '';
    await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE "${name}"${from}`));
    return {
      place: { databaseUrl: databaseUrlFor(adminUrl, name) },
      drop: () =>
        withAdmin(adminUrl, (c) => c.query(`DROP DATABASE "${name}" WITH (FORCE)`)).then(() => {}),
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yitu-bench-'));
  if (template?.dataDir) fs.cpSync(template.dataDir, dir, { recursive: true });
  return {
    place: { dataDir: dir },
    drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** DATABASE_URL: a new database there (dropped after); otherwise PGlite in a temporary directory. */
export async function openBenchDatabase(): Promise<{
  database: Database;
  cleanup: () => Promise<void>;
}> {
  const { place, drop } = await makeBenchPlace();
  const database = await createDb(place);
  return {
    database,
    cleanup: async () => {
      await database.close();
      await drop();
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

export interface Api {
  url: string;
  pid: number;
  /** CPU seconds the process has used (user + system), from /proc. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/**
 * The product (api/src/main.ts) in its own process on the bench database, as in production.
 * `nodeArgs` go before the entry point (--cpu-prof, --import of a bench-only preload).
 */
export async function startApi(
  place: BenchPlace,
  options: { env?: Record<string, string>; nodeArgs?: string[] } = {},
): Promise<Api> {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    YITU_SEED_DEMO: 'false',
    YITU_ESCALATION_INTERVAL_MS: '0',
    ...options.env,
  };
  delete childEnv.NODE_ENV;
  if (place.databaseUrl) childEnv.DATABASE_URL = place.databaseUrl;
  else {
    delete childEnv.DATABASE_URL;
    childEnv.DATA_DIR = place.dataDir!;
  }
  const args = [...(options.nodeArgs ?? []), '--import', 'tsx', 'src/main.ts'];
  const child = spawn(process.execPath, args, {
    cwd: path.join(repoRoot, 'api'),
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return serverIn(child, /GraphQL: (http:\/\/\S+)\/graphql/, 'the API');
}

/** Waits for a child server to print its address (the first group of `ready`); stop ends it. */
export async function serverIn(
  child: ReturnType<typeof spawn>,
  ready: RegExp,
  name: string,
): Promise<Api> {
  let output = '';
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d) => {
      output += d;
      const match = ready.exec(output);
      if (match) resolve(match[1]!);
    });
    void exited.then(() => reject(new Error(`${name} exited:\n${output}`)));
  });
  return {
    url,
    pid: child.pid!,
    cpuSeconds: () => {
      const fields = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ ticks
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
