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
