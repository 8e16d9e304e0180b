import { sql } from 'drizzle-orm';
import { GraphQLClient } from 'graphql-request';
import { signIn } from '../support/auth';
import { describe, expect, it } from 'vitest';
import { loadConfig, startApp, type Database } from '@yitu/api/testing';
import { engineName, rolledBack, testDb } from '../support/db';

/**
 * The product in-process on `database`, counting every SQL statement it sends, with a client
 * signed in as the command centre. `ask` runs a query and says how many statements it took.
 */
async function countingApp(database: Database) {
  let statements = 0;
  const counting: Database = {
    ...database,
    rows: (query) => {
      statements++;
      return database.rows(query);
    },
    preparedRows: (query) => {
      statements++;
      return database.preparedRows(query);
    },
    preparedText: (text, params) => {
      statements++;
      return database.preparedText(text, params);
    },
  };
  const app = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1' }), counting, {
    liveEvents: false,
  });
  const client = new GraphQLClient(`${app.url}/graphql`, {
    headers: { cookie: await signIn(app.url, 'command') },
  });
  return {
    ask: async <T>(query: string, variables: Record<string, unknown>) => {
      statements = 0;
      const data = await client.request<T>(query, variables);
      return { data, statements };
    },
    stop: () => app.stop(),
  };
}

// No N+1: the number of SQL statements for a nested query must not grow with the rows.
describe(`batching on ${engineName()}`, () => {
  it('counts the same statements for 10 and for 200 compounds with their edges and figures', async () => {
    const database = await testDb();
    const counts = await rolledBack(database, async (tx) => {
      // 100 more compounds (copies), so a page of 200 exists: 211 in all.
      await tx.db.execute(sql`
        INSERT INTO compounds (code, name, community_id, boundary, households, property_company_id, tags)
        SELECT code || '-copy', name || '（副本）', community_id, boundary, households, property_company_id, tags
        FROM compounds ORDER BY id LIMIT 100`);
      const app = await countingApp(tx);
      try {
        const run = async (first: number) => {
          const { data, statements } = await app.ask<{ compounds: { nodes: unknown[] } }>(
            `query($first: Int!) { compounds(first: $first) { totalCount nodes {
              code boundary(precision: 5) grids { code worker { name } } propertyCompany { name }
              community { name parent { name } } stats { openTickets } buildings { nodes { number } }
            } } }`,
            { first },
          );
          return { rows: data.compounds.nodes.length, statements };
        };
        return [await run(10), await run(200)];
      } finally {
        await app.stop();
      }
    });
    expect(counts[0]!.rows).toBe(10);
    expect(counts[1]!.rows).toBe(200);
    expect(counts[1]!.statements).toBe(counts[0]!.statements);
    // session, page, boundary, grids, workers, property, community, parent, stats, buildings
    expect(counts[1]!.statements).toBeLessThanOrEqual(10);
  });

  it('reads the boundaries a list or a point query asks in the rows’ own statement', async () => {
    const database = await testDb();
    const [inside] = await database.rows<{ lon: number; lat: number; code: string }>(sql`
      SELECT ST_X(p) AS lon, ST_Y(p) AS lat, code FROM (
        SELECT code, ST_PointOnSurface(boundary) AS p FROM grids
        WHERE parent_id IS NULL AND retired_at IS NULL ORDER BY id LIMIT 1) g`);
    const app = await countingApp(database);
    try {
      type Shape = { type: string; coordinates: unknown };
      const point = { lon: inside!.lon, lat: inside!.lat };
      const bare = await app.ask<{ gridAt: { code: string } }>(
        `query($lon: Float!, $lat: Float!) { gridAt(lon: $lon, lat: $lat) { code } }`,
        point,
      );
      const shaped = await app.ask<{ gridAt: { code: string; boundary: Shape } }>(
        `query($lon: Float!, $lat: Float!) { gridAt(lon: $lon, lat: $lat) { code boundary(precision: 5) } }`,
        point,
      );
      expect(shaped.data.gridAt.code).toBe(inside!.code);
      expect(shaped.data.gridAt.boundary.type).toBe('Polygon');
      expect(shaped.statements).toBe(bare.statements);

      const list = (fields: string) =>
        app.ask<{ compounds: { nodes: { code: string; a: Shape; b?: Shape }[] } }>(
          `{ compounds(first: 20) { nodes { code ${fields} } } }`,
          {},
        );
      const without = await list('');
      const one = await list(
        'a: boundary(precision: 5) ... on Compound { a: boundary(precision: 5) }',
      );
      expect(one.statements).toBe(without.statements);
      // asked two ways: each alias gets its own answer (read by the loader, as before)
      const two = await list('a: boundary(precision: 5) b: boundary(precision: 2)');
      expect(two.statements).toBeGreaterThan(one.statements);
      expect(two.data.compounds.nodes.map((n) => n.a)).toEqual(
        one.data.compounds.nodes.map((n) => n.a),
      );
      const decimals = (shape: Shape) =>
        Math.max(
          ...JSON.stringify(shape.coordinates)
            .match(/\.\d+/g)!
            .map((d) => d.length - 1),
        );
      expect(decimals(two.data.compounds.nodes[0]!.a)).toBe(5);
      expect(decimals(two.data.compounds.nodes[0]!.b!)).toBeLessThanOrEqual(2);
    } finally {
      await app.stop();
    }
  });

  it('reads the figures a list’s rows ask in the list’s own statement, as the loader does', async () => {
    const app = await countingApp(await testDb());
    try {
      type Figures = { openTickets: number; totalTickets: number; onTimeRate: number | null };
      type Rows = { nodes: { code: string; s?: Figures; u?: Figures }[] };
      const ask = (fields: string) =>
        app.ask<{ compounds: Rows; regions: Rows }>(
          `{ compounds(first: 30) { nodes { code ${fields} } }
             regions(first: 30, level: COMMUNITY) { nodes { code ${fields} } } }`,
          {},
        );
      const without = await ask('');
      const one = await ask('s: stats { openTickets totalTickets onTimeRate }');
      expect(one.statements).toBe(without.statements);
      // under two names: each read by the loader, as before
      const two = await ask(
        's: stats { openTickets totalTickets onTimeRate } u: stats { openTickets }',
      );
      expect(two.statements).toBeGreaterThan(one.statements);
      for (const list of ['compounds', 'regions'] as const) {
        expect(one.data[list].nodes.map((n) => n.s)).toEqual(two.data[list].nodes.map((n) => n.s));
        expect(one.data[list].nodes.some((n) => n.s!.totalTickets > 0)).toBe(true);
      }
    } finally {
      await app.stop();
    }
  });

  it('reads the community above it and the property company of each compound with the list', async () => {
    const database = await testDb();
    const expected = await database.rows<{
      code: string;
      community: string;
      parent: string;
      company: string | null;
    }>(sql`
      SELECT c.code, r.name AS community, p.name AS parent, pc.name AS company
      FROM compounds c JOIN regions r ON r.id = c.community_id LEFT JOIN regions p ON p.id = r.parent_id
      LEFT JOIN property_companies pc ON pc.id = c.property_company_id
      WHERE c.retired_at IS NULL ORDER BY c.id LIMIT 200`);
    const app = await countingApp(database);
    try {
      type Row = {
        code: string;
        community: { name: string; parent: { name: string } | null };
        propertyCompany: { name: string } | null;
      };
      const bare = await app.ask<{ compounds: { nodes: { code: string }[] } }>(
        `{ compounds(first: 200) { nodes { code } } }`,
        {},
      );
      const nested = await app.ask<{ compounds: { nodes: Row[] } }>(
        `{ compounds(first: 200) { nodes { code community { name parent { name } } propertyCompany { name } } } }`,
        {},
      );
      expect(nested.statements).toBe(bare.statements);
      expect(
        nested.data.compounds.nodes.map((n) => ({
          code: n.code,
          community: n.community.name,
          parent: n.community.parent?.name,
          company: n.propertyCompany?.name ?? null,
        })),
      ).toEqual(expected);
      expect(expected.some((e) => e.company === null)).toBe(true);
    } finally {
      await app.stop();
    }
  });

  it('ranks resources for 2 or 20 tickets in a list with the same statements', async () => {
    const app = await countingApp(await testDb());
    try {
      const run = async (first: number) => {
        const { data, statements } = await app.ask<{
          tickets: { nodes: { matches: unknown[] }[] };
        }>(
          `query($first: Int!) { tickets(first: $first, status: [ACCEPTED, REPORTED]) { nodes {
            code matches(first: 3) { score resource { name } } assignments { status }
          } } }`,
          { first },
        );
        const nodes = data.tickets.nodes;
        return {
          rows: nodes.length,
          matched: nodes.filter((n) => n.matches.length > 0).length,
          statements,
        };
      };
      const [few, many] = [await run(2), await run(20)];
      expect(few.rows).toBe(2);
      expect(many.rows).toBe(20);
      expect(many.matched).toBeGreaterThan(10);
      expect(many.statements).toBe(few.statements);
    } finally {
      await app.stop();
    }
  });
});
