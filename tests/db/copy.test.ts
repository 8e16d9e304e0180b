import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyValue, type Database } from '@yitu/api/testing';
import { engineName, rolledBack, testDb } from '../support/db';

// copyFrom (COPY in the text format, as an import stages its rows) gives back every value as it
// was written: text with the format's own separators in it, NULLs, JSON with escapes.
describe(`COPY into a table on ${engineName()}`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await testDb();
  });

  const values = [
    'plain 文字',
    'tab\there, line\nbreak, return\r, backslash \\ and \\N',
    '\\N',
    '',
    null,
    JSON.stringify({ name: 'a "quoted" \\ name\twith tab', list: ['、', '\n'] }),
  ];

  it('round-trips text, NULL and JSON through copyValue', async () => {
    const rows = await rolledBack(database, async (tx) => {
      await tx.rows(sql`CREATE TEMP TABLE copied (n int, t text, j jsonb) ON COMMIT DROP`);
      const lines = values.map(
        (v, i) =>
          `${i}\t${copyValue(v)}\t${copyValue(v?.startsWith('{') ? v : JSON.stringify(v))}\n`,
      );
      // two chunks, the second of several lines: a chunk need not be one row
      await tx.copyFrom('pg_temp.copied', ['n', 't', 'j'], [lines[0]!, lines.slice(1).join('')]);
      return tx.rows<{ n: number; t: string | null; j: unknown }>(
        sql`SELECT n, t, j FROM pg_temp.copied ORDER BY n`,
      );
    });
    expect(rows.map((r) => r.t)).toEqual(values);
    expect(rows.map((r) => r.j)).toEqual(
      values.map((v) => (v?.startsWith('{') ? JSON.parse(v) : v)),
    );
  });
});
