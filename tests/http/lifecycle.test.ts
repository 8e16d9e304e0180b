import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineName } from '../support/db';
import { startServer } from '../support/server';
import { signIn } from '../support/auth';

describe(`the product process on ${engineName()}`, () => {
  it('serves health and GraphQL, then stops on SIGTERM after serving a request', async () => {
    const server = await startServer();
    try {
      const health = await (await fetch(`${server.url}/health`)).json();
      // in development the start command lists a demo account for every role
      for (const role of ['ADMIN', 'STREET_STAFF', 'COMMUNITY_STAFF', 'GRID_WORKER', 'DEPARTMENT'])
        expect(server.output()).toMatch(new RegExp(`demo accounts[\\s\\S]*${role}`));
      expect(health).toEqual({ status: 'ok', engine: engineName() });
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          connection: 'keep-alive',
          cookie: await signIn(server.url, 'command'),
        },
        body: JSON.stringify({
          query: '{ regions { nodes { code level stats { openTickets } } } }',
        }),
      });
      const { data } = (await response.json()) as {
        data: { regions: { nodes: { level: string; stats: { openTickets: number } }[] } };
      };
      const district = data.regions.nodes.find((r) => r.level === 'DISTRICT')!;
      const streets = data.regions.nodes.filter((r) => r.level === 'STREET');
      // the district's open tickets are its streets' open tickets
      expect(streets).toHaveLength(2);
      expect(district.stats.openTickets).toBe(
        streets[0]!.stats.openTickets + streets[1]!.stats.openTickets,
      );
      expect(district.stats.openTickets).toBeGreaterThan(0);
      // A browser asking for /graphql gets GraphiQL from the product itself.
      const page = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<div id="graphiql"><\/div>/);
    } finally {
      // Exits cleanly (0, not the 10 s deadline's 1) and releases the embedded DATA_DIR lock.
      expect(await server.stop()).toBe(0);
      expect(server.output()).toMatch(/SIGTERM: stopping/);
      if (server.dataDir) expect(fs.existsSync(path.join(server.dataDir, 'yitu.lock'))).toBe(false);
    }
  });
});
