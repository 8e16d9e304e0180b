import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createDb, type Database } from '@yitu/api/testing';
import { engineName, testDb } from '../support/db';

// Database.preparedRows: the map's tiles run their statement prepared on PostgreSQL (planned once
// per connection), and the answers must be those of rows() whatever the parameters.
describe(`prepared statements on ${engineName()}`, () => {
  it('answer as rows() does, with each call’s own parameters', async () => {
    const postgres = engineName() === 'postgres';
    // one connection, so the statement prepared is the one looked for
    const database: Database = postgres
      ? await createDb({ databaseUrl: process.env.DATABASE_URL!, poolSize: 1 })
      : await testDb();
    try {
      const twice = (n: number) => sql`SELECT ${n}::int * 2 AS n, 'yitu-prepared-test' AS tag`;
      for (const n of [1, 2, 21])
        expect(await database.preparedRows(twice(n))).toEqual(await database.rows(twice(n)));
      const [kept] = await database.rows<{ n: number }>(sql`
        SELECT count(*)::int AS n FROM pg_prepared_statements
        WHERE name LIKE 'yitu\\_%' AND statement LIKE '%yitu-prepared-test%'`);
      // PostgreSQL keeps one statement for the three calls; PGlite runs them as rows() does
      expect(kept!.n).toBe(postgres ? 1 : 0);
      // inside a transaction: the transaction's connection, as rows() there
      const inside = await database.transaction((tx) => tx.preparedRows(twice(5)));
      expect(inside).toEqual([{ n: 10, tag: 'yitu-prepared-test' }]);
    } finally {
      if (postgres) await database.close();
    }
  });
});
