import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createDb, migrate, repoRoot, seedDemoCity } from '@yitu/api/testing';
import { TEST_AS_OF, databaseUrlFor, withAdmin, type TemplateInfo } from './engine';

// Runs once per test run: migrate and seed one template database. Each worker then clones it
// (tests/support/db.ts), so the demo city is generated once, not once per test or file. Several
// projects (integration, e2e) share the one template; each gets its own names for its clones,
// since worker numbers repeat across projects.
interface Shared {
  template: Promise<{ info: TemplateInfo; teardown: () => Promise<void> }>;
  users: number;
}
const state = globalThis as { __yituTestTemplate?: Shared };

export default async function setup(project: TestProject) {
  state.__yituTestTemplate ??= { template: createTemplate(), users: 0 };
  const shared = state.__yituTestTemplate;
  shared.users++;
  const { info, teardown } = await shared.template;
  const name = project.name.replace(/\W/g, '');
  if (info.engine === 'postgres') {
    project.provide('yituTemplate', { ...info, prefix: `${info.prefix}${name}_` });
  } else {
    const workDir = path.join(info.workDir, name);
    fs.mkdirSync(workDir, { recursive: true });
    project.provide('yituTemplate', { ...info, workDir });
  }
  return async () => {
    if (--shared.users > 0) return;
    state.__yituTestTemplate = undefined;
    await teardown();
  };
}

async function createTemplate(): Promise<{ info: TemplateInfo; teardown: () => Promise<void> }> {
  // Suites that load served pages (GraphiQL, the map) need the built web app.
  execFileSync(process.execPath, [path.join(repoRoot, 'web/scripts/build-if-missing.mjs')], {
    stdio: 'inherit',
  });
  const adminUrl = process.env.DATABASE_URL;
  const started = Date.now();
  let info: TemplateInfo;
  let teardown: () => Promise<void>;
  if (adminUrl) {
    const prefix = `yitu_t${process.pid}_`;
    const template = `${prefix}template`;
    await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE "${template}"`));
    const database = await createDb({ databaseUrl: databaseUrlFor(adminUrl, template) });
    await migrate(database);
    await seedDemoCity(database, { asOf: TEST_AS_OF });
    await database.close();
    info = { engine: 'postgres', adminUrl, template, prefix };
    teardown = () =>
      withAdmin(adminUrl, async (client) => {
        const { rows } = await client.query<{ datname: string }>(
          `SELECT datname FROM pg_database WHERE datname LIKE $1`,
          [`${prefix}%`],
        );
        for (const { datname } of rows)
          await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      });
  } else {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yitu-test-'));
    const templateDir = path.join(workDir, 'template');
    const database = await createDb({ dataDir: templateDir });
    await migrate(database);
    await seedDemoCity(database, { asOf: TEST_AS_OF });
    await database.close();
    info = { engine: 'pglite', templateDir, workDir };
    teardown = async () => fs.rmSync(workDir, { recursive: true, force: true });
  }
  console.log(
    `[yitu] test database (${info.engine}) migrated and seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return { info, teardown };
}
