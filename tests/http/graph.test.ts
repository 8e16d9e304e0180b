import { sql } from 'drizzle-orm';
import { ClientError, type GraphQLClient } from 'graphql-request';
import { issueToken, tokenClient } from '../support/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineName, testDb } from '../support/db';
import { FX, insertFixture } from '../support/fixture';
import { startServer, type RunningServer } from '../support/server';
import { testNow } from '../support/clock';

// What a third party would do: a real GraphQL client over HTTP against the running product
// (production mode, its own migrated + seeded database plus hand-made fixture geometry).
describe(`the graph over HTTP on ${engineName()}`, () => {
  let server: RunningServer;
  let token: string;
  let client: GraphQLClient;
  const q = <T>(query: string, variables?: Record<string, unknown>) =>
    client.request<T>(query, variables);

  /** The first error's code, field and message; fails if the request succeeded. */
  const errorOf = async (query: string, variables?: Record<string, unknown>) => {
    try {
      await q(query, variables);
    } catch (error) {
      if (!(error instanceof ClientError)) throw error;
      const first = error.response.errors![0]!;
      return { ...(first.extensions as Record<string, unknown>), message: first.message };
    }
    throw new Error('expected an error');
  };

  beforeAll(async () => {
    server = await startServer({ NODE_ENV: 'production' }, insertFixture);
    // a third party's API token, acting as the administrator's whole-deployment jurisdiction
    token = await issueToken(server.url, {
      username: 'admin',
      scopes: ['read:places', 'read:tickets'],
    });
    client = tokenClient(server.url, token);
  });
  afterAll(() => server?.stop());

  it('gzips an answer over 1 kB when the client takes gzip, and only then', async () => {
    const ask = (encoding: string) =>
      fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'accept-encoding': encoding,
        },
        body: JSON.stringify({ query: '{ compounds(first: 50) { nodes { code boundary } } }' }),
      });
    const zipped = await ask('gzip');
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('cache-control')).toBe('no-store');
    const plain = await ask('identity');
    expect(plain.headers.get('content-encoding')).toBeNull();
    // the same answer either way (fetch unzips)
    expect(await zipped.json()).toEqual(await plain.json());
  });

  describe('spatial answers on hand-made geometry', () => {
    it('gridAt and compoundAt find what contains a point, and nothing outside', async () => {
      const at = (x: number, y: number) =>
        q<{ gridAt: { code: string } | null; compoundAt: { code: string } | null }>(
          `query($lon: Float!, $lat: Float!) { gridAt(lon: $lon, lat: $lat) { code } compoundAt(lon: $lon, lat: $lat) { code } }`,
          { lon: FX.lon(x), lat: FX.lat(y) },
        );
      expect(await at(5, 5)).toEqual({ gridAt: { code: 'FX-GA' }, compoundAt: { code: 'FX-P' } });
      expect(await at(11, 5)).toEqual({ gridAt: { code: 'FX-GB' }, compoundAt: { code: 'FX-Q' } });
      expect(await at(15, 9)).toEqual({ gridAt: { code: 'FX-GB' }, compoundAt: null });
      expect(await at(500, 500)).toEqual({ gridAt: null, compoundAt: null });
    });

    it('grid.compounds and compound.grids are intersections, both ways', async () => {
      const data = await q<{ compounds: { nodes: { code: string; grids: { code: string }[] }[] } }>(
        `{ compounds(filter: { search: "FX-" }) { nodes { code grids { code } } } }`,
      );
      expect(data.compounds.nodes).toEqual([
        { code: 'FX-P', grids: [{ code: 'FX-GA' }] },
        { code: 'FX-Q', grids: [{ code: 'FX-GA' }, { code: 'FX-GB' }] },
      ]);
      const grids = await q<{
        grids: { nodes: { code: string; compounds: { code: string }[] }[] };
      }>(`{ grids(filter: { search: "FX-G" }) { nodes { code compounds { nodes { code } } } } }`);
      expect(grids.grids.nodes).toEqual([
        { code: 'FX-GA', compounds: { nodes: [{ code: 'FX-P' }, { code: 'FX-Q' }] } },
        { code: 'FX-GB', compounds: { nodes: [{ code: 'FX-Q' }] } },
      ]);
    });

    it('resourcesNear: capability within radius, nearest first, distance on the sphere', async () => {
      const data = await q<{
        resourcesNear: { distanceMeters: number; resource: { code: string } }[];
      }>(
        `query($lon: Float!, $lat: Float!) { resourcesNear(lon: $lon, lat: $lat, radiusMeters: 1000, capability: "fx_cap") { distanceMeters resource { code } } }`,
        { lon: FX.lon(5), lat: FX.lat(5) },
      );
      expect(data.resourcesNear.map((r) => r.resource.code)).toEqual(['FX-R1', 'FX-R2']);
      expect(data.resourcesNear[0]!.distanceMeters).toBeLessThan(0.01);
      // 0.005° of longitude at 20.005°N on the WGS84 spheroid ≈ 523.2 m
      expect(data.resourcesNear[1]!.distanceMeters).toBeGreaterThan(520);
      expect(data.resourcesNear[1]!.distanceMeters).toBeLessThan(526);
    });

    it('filters by bbox, within polygon and near', async () => {
      const codes = async (filter: object) =>
        (
          await q<{ compounds: { nodes: { code: string }[] } }>(
            `query($f: PlaceFilter) { compounds(filter: $f) { nodes { code } } }`,
            { f: filter },
          )
        ).compounds.nodes.map((c) => c.code);
      const box = (x0: number, y0: number, x1: number, y1: number) => ({
        west: FX.lon(x0),
        south: FX.lat(y0),
        east: FX.lon(x1),
        north: FX.lat(y1),
      });
      expect(await codes({ bbox: box(0, 0, 9, 10) })).toEqual(['FX-P', 'FX-Q']);
      expect(await codes({ bbox: box(9, 0, 20, 10) })).toEqual(['FX-Q']);
      const triangle = {
        type: 'Polygon',
        coordinates: [
          [
            [FX.lon(11), FX.lat(1)],
            [FX.lon(19), FX.lat(1)],
            [FX.lon(19), FX.lat(9)],
            [FX.lon(11), FX.lat(1)],
          ],
        ],
      };
      expect(await codes({ within: triangle })).toEqual(['FX-Q']);
      expect(await codes({ near: { lon: FX.lon(5), lat: FX.lat(5), radiusMeters: 100 } })).toEqual([
        'FX-P',
      ]);
      const community = await q<{ regions: { nodes: { id: string }[] } }>(
        `{ regions(filter: { search: "测试社区" }) { nodes { id } } }`,
      );
      expect(await codes({ regionId: community.regions.nodes[0]!.id })).toEqual(['FX-P', 'FX-Q']);
    });

    it('returns geometry as GeoJSON with precision and simplification', async () => {
      const data = await q<{
        compounds: { nodes: { boundary: { type: string; coordinates: number[][][] } }[] };
      }>(`{ compounds(filter: { search: "FX-P" }) { nodes { boundary(precision: 2) } } }`);
      expect(data.compounds.nodes[0]!.boundary).toEqual({
        type: 'Polygon',
        coordinates: [
          [
            [100, 20],
            [100.01, 20],
            [100.01, 20.01],
            [100, 20.01],
            [100, 20],
          ],
        ],
      });
    });
  });

  describe('the demo city as a third party reads it', () => {
    it('lists all compounds of a community with geometry, as many as the database holds', async () => {
      const database = await testDb();
      const [expected] = await database.rows<{ n: number }>(sql`
        SELECT count(*)::int AS n FROM compounds c JOIN regions r ON r.id = c.community_id WHERE r.name = '东园社区'`);
      const community = await q<{ regions: { nodes: { id: string }[] } }>(
        `{ regions(level: COMMUNITY, filter: { search: "东园" }) { nodes { id } } }`,
      );
      const data = await q<{
        compounds: { totalCount: number; nodes: { boundary: { type: string } }[] };
      }>(
        `query($id: ID!) { compounds(filter: { regionId: $id }, first: 100) { totalCount nodes { code boundary } } }`,
        { id: community.regions.nodes[0]!.id },
      );
      expect(data.compounds.totalCount).toBe(expected!.n);
      expect(data.compounds.nodes).toHaveLength(expected!.n);
      expect(data.compounds.nodes.every((c) => c.boundary.type === 'Polygon')).toBe(true);
    });

    it('pages through all 111 compounds with cursors, each once', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        const data: {
          compounds: {
            totalCount: number;
            pageInfo: { hasNextPage: boolean; endCursor: string | null };
            nodes: { code: string }[];
          };
        } = await q(
          `query($after: String) { compounds(first: 25, after: $after, filter: { regionId: "${await districtId()}" }) { totalCount pageInfo { hasNextPage endCursor } nodes { code } } }`,
          { after },
        );
        pages++;
        expect(data.compounds.totalCount).toBe(111);
        seen.push(...data.compounds.nodes.map((n) => n.code));
        if (!data.compounds.pageInfo.hasNextPage) break;
        after = data.compounds.pageInfo.endCursor;
      }
      expect(pages).toBe(5);
      expect(seen).toHaveLength(111);
      expect(new Set(seen).size).toBe(111);
    });

    const districtId = async () =>
      (
        await q<{ regions: { nodes: { id: string }[] } }>(
          `{ regions(level: DISTRICT, filter: { search: "341181" }) { nodes { id } } }`,
        )
      ).regions.nodes[0]!.id;

    it('answers a 3-level nested query with consistent figures', async () => {
      const data = await q<{
        regions: {
          nodes: {
            name: string;
            stats: { openTickets: number };
            children: {
              stats: { openTickets: number };
              compounds: { totalCount: number; nodes: { stats: { openTickets: number } }[] };
            }[];
          }[];
        };
      }>(
        `query($district: ID!) { regions(first: 2, level: STREET, filter: { regionId: $district }) { nodes { name stats { openTickets } children { stats { openTickets } compounds { totalCount nodes { stats { openTickets } } } } } } }`,
        { district: await districtId() },
      );
      expect(data.regions.nodes.map((s) => s.name)).toEqual(['广陵街道', '千秋街道']);
      let compounds = 0;
      for (const street of data.regions.nodes) {
        const communities = street.children.reduce((s, c) => s + c.stats.openTickets, 0);
        expect(street.stats.openTickets).toBe(communities);
        for (const community of street.children) {
          compounds += community.compounds.nodes.length;
          expect(community.compounds.totalCount).toBe(community.compounds.nodes.length);
          const inCompounds = community.compounds.nodes.reduce(
            (s, c) => s + c.stats.openTickets,
            0,
          );
          expect(community.stats.openTickets).toBe(inCompounds);
        }
      }
      expect(compounds).toBe(111);
    });

    it('computes figures in SQL that match the ticket rows', async () => {
      const database = await testDb();
      // what was due is judged at the product's clock, as the server judges it (not the database's)
      const now = testNow().toISOString();
      const [expected] = await database.rows<{
        closed: number;
        due: number;
        happy: number;
        rated: number;
      }>(sql`
        SELECT count(*) FILTER (WHERE status = 'CLOSED')::int AS closed,
          count(*) FILTER (WHERE status NOT IN ('SUSPENDED', 'REJECTED', 'TRANSFERRED')
                           AND (status = 'CLOSED' OR resolve_by < ${now}::timestamptz))::int AS due,
          count(*) FILTER (WHERE satisfaction >= 4)::int AS happy, count(satisfaction)::int AS rated
        FROM tickets WHERE community_id IS NOT NULL`);
      const data = await q<{
        node: {
          stats: { closedTickets: number; resolutionRate: number; satisfactionRate: number };
        };
      }>(
        `query($id: ID!) { node(id: $id) { ... on Region { stats { closedTickets resolutionRate satisfactionRate } } } }`,
        { id: await districtId() },
      );
      expect(data.node.stats.closedTickets).toBe(expected!.closed);
      expect(data.node.stats.resolutionRate).toBeCloseTo(expected!.closed / expected!.due, 10);
      expect(data.node.stats.satisfactionRate).toBeCloseTo(expected!.happy / expected!.rated, 10);
    });

    it('breaks figures down by category and measures mean response time, consistent with SQL', async () => {
      const database = await testDb();
      const [expected] = await database.rows<{ response: number; rework: number }>(sql`
        SELECT (avg(extract(epoch FROM accepted_at - reported_at)) / 3600)::float8 AS response,
          (count(*) FILTER (WHERE status = 'CLOSED' AND EXISTS (SELECT 1 FROM ticket_events e
             WHERE e.ticket_id = tickets.id AND e.type = 'VERIFY_FAIL')))::float8
            / count(*) FILTER (WHERE status = 'CLOSED') AS rework
        FROM tickets WHERE community_id IS NOT NULL`);
      const data = await q<{
        node: {
          stats: { totalTickets: number; meanResponseHours: number; reworkRate: number };
          statsByCategory: { categoryCode: string; stats: { totalTickets: number } }[];
        };
      }>(
        `query($id: ID!) { node(id: $id) { ... on Region { stats { totalTickets meanResponseHours reworkRate }
          statsByCategory { categoryCode stats { totalTickets } } } } }`,
        { id: await districtId() },
      );
      expect(data.node.stats.meanResponseHours).toBeCloseTo(expected!.response, 6);
      expect(data.node.stats.reworkRate).toBeCloseTo(expected!.rework, 10);
      expect(data.node.stats.reworkRate).toBeGreaterThan(0);
      expect(data.node.statsByCategory).toHaveLength(16);
      const sum = data.node.statsByCategory.reduce((s, c) => s + c.stats.totalTickets, 0);
      expect(sum).toBe(data.node.stats.totalTickets); // every demo ticket has a category
    });

    it('gives every object a global id that node(id) resolves to the same object', async () => {
      const data = await q<{
        tickets: {
          nodes: {
            id: string;
            code: string;
            events: { nodes: { id: string }[] };
            compound: { id: string };
            grid: { id: string; worker: { id: string } };
            category: { id: string };
          }[];
        };
      }>(
        `{ tickets(first: 1) { nodes { id code reportedAt resolveBy events { nodes { id at } } compound { id } grid { id worker { id } } category { id } } } }`,
      );
      const ticket = data.tickets.nodes[0]!;
      // timestamps come out as ISO 8601 UTC on both engines
      const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
      expect(ticket).toMatchObject({
        reportedAt: expect.stringMatching(iso),
        resolveBy: expect.stringMatching(iso),
      });
      const ids = [
        ticket.id,
        ticket.events.nodes[0]!.id,
        ticket.compound.id,
        ticket.grid.id,
        ticket.grid.worker.id,
        ticket.category.id,
      ];
      const nodes = await q<{ nodes: ({ __typename: string; id: string } | null)[] }>(
        `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`,
        { ids },
      );
      expect(nodes.nodes.map((n) => n?.__typename)).toEqual([
        'Ticket',
        'TicketEvent',
        'Compound',
        'Grid',
        'GridWorker',
        'Category',
      ]);
      expect(nodes.nodes.map((n) => n?.id)).toEqual(ids);
    });

    it('returns GCJ-02 geometry for Gaode-style basemaps, shifted a few hundred metres', async () => {
      const data = await q<{
        compounds: {
          nodes: { wgs: { coordinates: number[][][] }; gcj: { coordinates: number[][][] } }[];
        };
      }>(
        `{ compounds(first: 1) { nodes { wgs: boundary crs: WGS84 gcj: boundary(crs: GCJ02) } } }`.replace(
          'crs: WGS84 ',
          '',
        ),
      );
      const [w] = data.compounds.nodes[0]!.wgs.coordinates[0]!;
      const [g] = data.compounds.nodes[0]!.gcj.coordinates[0]!;
      const east = (g![0]! - w![0]!) * 111_320 * Math.cos((w![1]! * Math.PI) / 180);
      const north = (g![1]! - w![1]!) * 110_574;
      expect(east).toBeGreaterThan(300);
      expect(east).toBeLessThan(700);
      expect(Math.abs(north)).toBeLessThan(400);
    });
  });

  describe('bad input gets a coded error, never a stack trace', () => {
    it.each([
      ['longitude out of range', `{ gridAt(lon: 200, lat: 32) { code } }`, 'BAD_USER_INPUT', 'lon'],
      [
        'latitude out of range',
        `{ compoundAt(lon: 119, lat: -91) { code } }`,
        'BAD_USER_INPUT',
        'lat',
      ],
      [
        'inverted bbox',
        `{ compounds(filter: { bbox: { west: 120, south: 32, east: 119, north: 33 } }) { totalCount } }`,
        'BAD_USER_INPUT',
        'filter.bbox',
      ],
      [
        'radius over the limit',
        `{ resourcesNear(lon: 119, lat: 32.6, radiusMeters: 50001) { distanceMeters } }`,
        'BAD_USER_INPUT',
        'radiusMeters',
      ],
      [
        'invalid polygon (bow tie)',
        `{ compounds(filter: { within: { type: "Polygon", coordinates: [[[119,32],[119.1,32.1],[119.1,32],[119,32.1],[119,32]]] } }) { totalCount } }`,
        'BAD_USER_INPUT',
        'filter.within',
      ],
      [
        'not a polygon',
        `{ compounds(filter: { within: { type: "Point", coordinates: [119, 32] } }) { totalCount } }`,
        'BAD_USER_INPUT',
        'filter.within',
      ],
      ['page too large', `{ compounds(first: 501) { totalCount } }`, 'BAD_USER_INPUT', 'first'],
      [
        'foreign cursor',
        `{ compounds(after: "bm9wZQ") { totalCount } }`,
        'BAD_USER_INPUT',
        'after',
      ],
      ['not an id', `{ node(id: "???") { id } }`, 'BAD_USER_INPUT', 'id'],
      [
        'wrong id type for a region',
        `{ compounds(filter: { regionId: "${Buffer.from('Ticket:1').toString('base64url')}" }) { totalCount } }`,
        'BAD_USER_INPUT',
        'filter.regionId',
      ],
      [
        'precision out of range',
        `{ compounds(first: 1) { nodes { boundary(precision: 20) } } }`,
        'BAD_USER_INPUT',
        'precision',
      ],
    ])('%s', async (_name, query, code, field) => {
      const error = await errorOf(query);
      expect(error).toMatchObject({ code, field });
      expect(error).not.toHaveProperty('stacktrace');
    });

    it('NOT_FOUND for an id of ours that does not exist', async () => {
      const error = await errorOf(`query($id: ID!) { node(id: $id) { id } }`, {
        id: Buffer.from('Compound:999999').toString('base64url'),
      });
      expect(error).toMatchObject({ code: 'NOT_FOUND' });
    });

    it('GraphQL validation errors keep their own code and carry no stack trace', async () => {
      const error = await errorOf(`{ compounds { nodes { noSuchField } } }`);
      expect(error).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED' });
      expect(JSON.stringify(error)).not.toMatch(/at .*\.(ts|js):\d+/);
    });
  });
});
