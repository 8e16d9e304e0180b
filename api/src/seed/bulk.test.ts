import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import type { Database } from '../db/client';
import { bulk, CHUNK } from './bulk';

// PostgreSQL binds at most 65,535 parameters per statement: a bulk write must bind a fixed
// number whatever the number of rows (a multi-row VALUES of 100,000 rows fails on the server).
const POSTGRES_MAX_PARAMETERS = 65_535;

function recorder() {
  const dialect = new PgDialect();
  const statements: { params: unknown[] }[] = [];
  const database = {
    db: {
      execute: async (query: SQL) => {
        statements.push(dialect.sqlToQuery(query));
        return { rows: [] };
      },
    },
  } as unknown as Database;
  return { database, statements };
}

describe('bulk', () => {
  it('writes 100,000 rows of 7 columns in chunks of one parameter each', async () => {
    const { database, statements } = recorder();
    const rows = Array.from({ length: 100_000 }, (_, i) => ({
      a: i,
      b: `x${i}`,
      c: null,
      d: 1,
      e: 2,
      f: 3,
      g: 4,
    }));
    await bulk(
      database,
      rows,
      (json) => sql`INSERT INTO t SELECT * FROM jsonb_to_recordset(${json}::jsonb)`,
    );
    expect(statements).toHaveLength(Math.ceil(100_000 / CHUNK));
    for (const statement of statements) expect(statement.params).toHaveLength(1);
    // every row is written once, in order
    const written = statements.flatMap((s) => JSON.parse(s.params[0] as string) as { a: number }[]);
    expect(written.map((r) => r.a)).toEqual(rows.map((r) => r.a));
    expect(Math.max(...statements.map((s) => s.params.length))).toBeLessThan(
      POSTGRES_MAX_PARAMETERS,
    );
  });

  it('writes nothing for no rows', async () => {
    const { database, statements } = recorder();
    await bulk(database, [], (json) => sql`SELECT ${json}`);
    expect(statements).toEqual([]);
  });
});
