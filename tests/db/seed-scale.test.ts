import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, seedDemoCity, type Database } from '@yitu/api/testing';
import { emptyDb, engineName, testDb } from '../support/db';
import { TEST_AS_OF } from '../support/engine';

// Copies are drawn from one random stream, so their sizes vary (buildings, partners, events …):
// the fixed-size tables double exactly, and the first copy at scale 2 is the demo city itself.
const FIXED = ['property_companies', 'compounds', 'grids', 'grid_workers', 'tickets'];
const WITH_CODES = ['regions', 'property_companies', 'compounds', 'grids', 'grid_workers'];
// Rows of the first copy: its streets are 341181001/002, its other codes carry no copy suffix.
const FIRST_COPY: Record<string, string> = {
  buildings: `buildings b JOIN compounds c ON c.id = b.compound_id WHERE c.code < '341181003'`,
  party_organizations: `party_organizations o JOIN regions c ON c.id = o.community_id WHERE c.code < '341181003'`,
  resources: `resources WHERE code LIKE 'R1-%'`,
  resource_claims: `resource_claims l JOIN resources r ON r.id = l.resource_id WHERE r.code LIKE 'R1-%'`,
  ticket_events: `ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE t.code NOT LIKE '%-%'`,
  ticket_assignments: `ticket_assignments a JOIN tickets t ON t.id = a.ticket_id WHERE t.code NOT LIKE '%-%'`,
};

const countsOf = async (
  database: Database,
  from: Record<string, string>,
  expression = 'count(*)',
) => {
  const [row] = await database.rows<Record<string, number>>(
    sql.raw(
      `SELECT ${Object.entries(from)
        .map(([name, f]) => `(SELECT ${expression}::int FROM ${f}) AS ${name}`)
        .join(', ')}`,
    ),
  );
  return row!;
};
/**
 * The database as seedDemoCity sees it, recording how many parameters each statement binds
 * (PostgreSQL refuses more than 65,535 in one statement; PGlite's limit is the same protocol's).
 */
function counting(database: Database, bound: { sql: string; params: number }[]): Database {
  const dialect = new PgDialect();
  const record = (query: SQL) => {
    const { sql: text, params } = dialect.sqlToQuery(query);
    bound.push({ sql: text.replace(/\s+/g, ' ').slice(0, 80), params: params.length });
  };
  const db = new Proxy(database.db, {
    get: (target, property, receiver) =>
      property === 'execute'
        ? (query: SQL) => {
            record(query);
            return target.execute(query);
          }
        : Reflect.get(target, property, receiver),
  });
  return {
    ...database,
    db,
    rows: (query) => {
      record(query);
      return database.rows(query);
    },
    transaction: (fn) => database.transaction((tx) => fn(counting(tx, bound))),
  };
}

const whole = (tables: string[]) => Object.fromEntries(tables.map((t) => [t, t]));

describe(`seeding at scale 2 on ${engineName()}`, () => {
  let one: Database;
  let two: Database;
  const bound: { sql: string; params: number }[] = [];
  beforeAll(async () => {
    one = await testDb();
    two = await emptyDb();
    await migrate(two);
    await seedDemoCity(counting(two, bound), { asOf: TEST_AS_OF, scale: 2 });
  }, 300_000); // PGlite starts, migrates and seeds two copies
  afterAll(() => two?.close());

  it('binds a few parameters per statement, however many rows it writes', () => {
    // Rows travel in chunks of one jsonb parameter: a statement binding one parameter per value
    // (a multi-row VALUES) grows with the scale and passes PostgreSQL's 65,535 at scale 100.
    // At scale 2 such a statement binds thousands; the seed's own bind at most a handful.
    expect(bound.length).toBeGreaterThan(100);
    const most = Math.max(...bound.map((s) => s.params));
    expect(bound.filter((s) => s.params === most && most > 16)).toEqual([]);
  });

  it('writes exactly twice the fixed-size tables and the demo city again as its first copy', async () => {
    const single = await countsOf(one, whole(FIXED));
    expect(await countsOf(two, whole(FIXED))).toEqual(
      Object.fromEntries(Object.entries(single).map(([table, n]) => [table, 2 * n])),
    );
    const regions = await two.rows<{ level: string; n: number }>(
      sql`SELECT level::text, count(*)::int AS n FROM regions GROUP BY level ORDER BY level`,
    );
    expect(regions).toEqual([
      { level: 'COMMUNITY', n: 42 },
      { level: 'DISTRICT', n: 1 },
      { level: 'STREET', n: 4 },
    ]);
    const firstCopy = await countsOf(two, FIRST_COPY);
    expect(firstCopy).toEqual(await countsOf(one, whole(Object.keys(FIRST_COPY))));
    // and the second copy is not empty
    const all = await countsOf(two, whole(Object.keys(FIRST_COPY)));
    for (const table of Object.keys(FIRST_COPY))
      expect(all[table]).toBeGreaterThan(1.8 * firstCopy[table]!);
  });

  it('gives no two rows the same code, and places each ticket in its own copy', async () => {
    expect(
      await countsOf(two, whole([...WITH_CODES, 'tickets', 'resources']), 'count(DISTINCT code)'),
    ).toEqual(await countsOf(two, whole([...WITH_CODES, 'tickets', 'resources'])));
    // copy 2's tickets end in -2 and its streets are 341181003/004
    const [misplaced] = await two.rows<{ n: number; unplaced: number }>(sql`
      SELECT count(*) FILTER (WHERE (t.code LIKE '%-2') <> (c.code >= '341181003'))::int AS n,
        count(*) FILTER (WHERE t.grid_id IS NULL OR t.compound_id IS NULL)::int AS unplaced
      FROM tickets t LEFT JOIN compounds c ON c.id = t.compound_id`);
    expect(misplaced).toEqual({ n: 0, unplaced: 0 });
  });

  it('leaves statistics for the planner on every table it wrote', async () => {
    const [stale] = await two.rows<{ tables: string[] }>(sql`
      SELECT coalesce(array_agg(relname::text ORDER BY relname), '{}') AS tables FROM pg_class
      WHERE relname IN ('compounds', 'buildings', 'grids', 'tickets', 'ticket_events', 'vulnerable_households')
        AND relkind = 'r' AND NOT EXISTS (SELECT 1 FROM pg_statistic s WHERE s.starelid = pg_class.oid)`);
    expect(stale!.tables).toEqual([]);
  });
});
