import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { createDb, migrate, type Database } from '@yitu/api/testing';
import { testClockOffsetMs } from './clock';
import { cloneDatabase, databaseUrlFor, withAdmin } from './engine';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let serverCount = 0;

export interface RunningServer {
  url: string;
  output: () => string;
  /** The embedded database's directory (PGlite only). */
  dataDir: string | undefined;
  /** Where the server keeps files (photos), on either engine. */
  filesDir: string;
  /** SIGTERM, resolving with the exit code once the process has gone. */
  stop(): Promise<number | null>;
  /** Stop, then start a new process on the same database (env merged over the first one's). */
  restart(env?: Record<string, string>): Promise<RunningServer>;
  /** Start a second process on the same database (PostgreSQL only: PGlite is single-process). */
  another(): Promise<RunningServer>;
}

/** A server's environment: a free port on loopback, the deadline job off. */
function serverEnv(): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    YITU_ESCALATION_INTERVAL_MS: '0',
  };
  // As `pnpm start` runs it: vitest's NODE_ENV=test changes library defaults (Apollo's signals).
  delete base.NODE_ENV;
  return base;
}

/**
 * Starts the real product (api/src/main.ts) as its own process on a free port, on its own copy
 * of the seeded template database: the engine follows DATABASE_URL like everything else. The
 * deadline job is off unless the test turns it on (YITU_ESCALATION_INTERVAL_MS).
 */
export async function startServer(
  env: Record<string, string> = {},
  /** Writes fixtures into the server's own database before it starts. */
  fixture?: (database: Database) => Promise<void>,
): Promise<RunningServer> {
  const info = inject('yituTemplate');
  // the process too: e2e files each run in a new fork with the same pool id, the count from 0
  const id = `${process.env.VITEST_POOL_ID ?? '0'}_${process.pid}_${++serverCount}`;
  const base = serverEnv();
  let dataDir: string | undefined;
  if (info.engine === 'postgres') {
    const name = `${info.prefix}srv${id}`;
    await cloneDatabase(info.adminUrl, info.template, name);
    base.DATABASE_URL = databaseUrlFor(info.adminUrl, name);
    // Photos and other files still go under DATA_DIR: keep them out of the repository.
    base.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'yitu-srv-'));
  } else {
    dataDir = path.join(info.workDir, `server-${id}`);
    fs.cpSync(info.templateDir, dataDir, { recursive: true });
    delete base.DATABASE_URL;
    base.DATA_DIR = dataDir;
  }
  if (fixture) {
    const database = await createDb({ databaseUrl: base.DATABASE_URL, dataDir });
    try {
      await fixture(database);
    } finally {
      await database.close();
    }
  }
  return spawnServer({ ...base, ...env }, dataDir);
}

/**
 * Starts the product on an empty, migrated database with the demo city off (YITU_SEED_DEMO=
 * false), as a real street's first day: the fixture adds the accounts it needs.
 */
export async function startEmptyServer(
  fixture: (database: Database) => Promise<void>,
  env: Record<string, string> = {},
): Promise<RunningServer> {
  const info = inject('yituTemplate');
  // the process too: e2e files each run in a new fork with the same pool id, the count from 0
  const id = `${process.env.VITEST_POOL_ID ?? '0'}_${process.pid}_${++serverCount}`;
  const base: NodeJS.ProcessEnv = { ...serverEnv(), YITU_SEED_DEMO: 'false' };
  let dataDir: string | undefined;
  if (info.engine === 'postgres') {
    const name = `${info.prefix}empty_srv${id}`;
    await withAdmin(info.adminUrl, async (c) => {
      await c.query(`DROP DATABASE IF EXISTS "${name}"`);
      await c.query(`CREATE DATABASE "${name}" TEMPLATE template0`);
    });
    base.DATABASE_URL = databaseUrlFor(info.adminUrl, name);
    base.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'yitu-srv-'));
  } else {
    // a directory of its own, empty as the server's database above: the counter restarts in
    // each test process, and an earlier file's server may have left places under the same name
    dataDir = path.join(info.workDir, `empty-server-${process.pid}-${id}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.mkdirSync(dataDir, { recursive: true });
    delete base.DATABASE_URL;
    base.DATA_DIR = dataDir;
  }
  const database = await createDb({ databaseUrl: base.DATABASE_URL, dataDir });
  try {
    await migrate(database);
    await fixture(database);
  } finally {
    await database.close();
  }
  return spawnServer({ ...base, ...env }, dataDir);
}

async function spawnServer(
  env: NodeJS.ProcessEnv,
  dataDir: string | undefined,
): Promise<RunningServer> {
  // A shift a test asks for (YITU_CLOCK_OFFSET_MS) is on top of the suites' own clock.
  const shift = Number(env.YITU_CLOCK_OFFSET_MS ?? 0) + testClockOffsetMs;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: path.join(repoRoot, 'api'),
    env: { ...env, YITU_CLOCK_OFFSET_MS: String(shift) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start in 90 s:\n${output}`)),
      90_000,
    );
    const check = () => {
      const match = /GraphQL: (http:\/\/\S+)\/graphql/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it was ready:\n${output}`));
    });
  });
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    return exited;
  };
  return {
    url,
    output: () => output,
    dataDir,
    filesDir: env.DATA_DIR!,
    stop,
    another: () => spawnServer(env, dataDir),
    restart: async (more = {}) => {
      await stop();
      return spawnServer({ ...env, ...more }, dataDir);
    },
  };
}
