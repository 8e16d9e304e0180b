import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createDb, migrate } from '@yitu/api/testing';
import { emptyDb, engineName } from '../support/db';

describe(`start-up safety on ${engineName()}`, () => {
  it.runIf(engineName() === 'postgres')(
    'two processes migrating one empty server at once apply each migration once',
    async () => {
      const a = await emptyDb();
      // A second pool on the same database stands in for a second API process.
      const url = (await a.rows<{ db: string }>(sql`SELECT current_database() AS db`))[0]!.db;
      const b = await createDb({
        databaseUrl: process.env.DATABASE_URL!.replace(/\/[^/]*$/, `/${url}`),
      });
      try {
        await Promise.all([migrate(a), migrate(b)]);
        const [applied] = await a.rows<{ n: number; distinct: number }>(
          sql`SELECT count(*)::int AS n, count(DISTINCT hash)::int AS distinct FROM drizzle.__drizzle_migrations`,
        );
        expect(applied!.n).toBe(applied!.distinct);
        expect(applied!.n).toBe(
          fs.readdirSync(path.join(__dirname, '../../migrations')).filter((f) => f.endsWith('.sql'))
            .length,
        );
      } finally {
        await b.close();
        await a.close();
      }
    },
  );

  it.runIf(engineName() === 'pglite')(
    'a second process cannot open the same data directory',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yitu-lock-'));
      const first = await createDb({ dataDir: dir });
      try {
        await expect(createDb({ dataDir: dir })).rejects.toThrow(
          /DATA_DIR .* is in use by process \d+/,
        );
      } finally {
        await first.close();
      }
      // Once closed, it opens again.
      const again = await createDb({ dataDir: dir });
      await again.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  );
});
