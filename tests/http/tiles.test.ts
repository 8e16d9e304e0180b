import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { VectorTile } from '@mapbox/vector-tile';
import gcoord from 'gcoord';
import { PbfReader } from 'pbf';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUFFER,
  CLUSTER_CELLS,
  EXTENT,
  layerByMvt,
  layerByVtPbf,
  LAYERS,
  tileBounds,
  type Database,
  type Viewer,
} from '@yitu/api/testing';
import { anonymousClient, clientAs, issueToken, signIn } from '../support/auth';
import { engineName, testDb } from '../support/db';
import { testNow } from '../support/clock';
import { startServer, type RunningServer } from '../support/server';
import { testViewer } from '../support/viewer';

// Vector tiles over HTTP (GET /tiles/…), decoded as MapLibre decodes them (@mapbox/vector-tile),
// against SQL on the same seeded city: each layer's features and properties, the viewer's
// jurisdiction, ETag/304, invalidation by a ticket event, coded refusals. On PostgreSQL the two
// encoders (ST_AsMVT and PostGIS + vt-pbf, PGlite's path) are compared tile by tile.

type Address = { z: number; x: number; y: number };
interface Decoded {
  id: number;
  type: number;
  properties: Record<string, unknown>;
  rings: { x: number; y: number }[][];
}

function decode(bytes: Uint8Array): Record<string, Map<number, Decoded>> {
  const tile = new VectorTile(new PbfReader(bytes));
  const out: Record<string, Map<number, Decoded>> = {};
  for (const [name, layer] of Object.entries(tile.layers)) {
    const features = new Map<number, Decoded>();
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      features.set(Number(f.id), {
        id: Number(f.id),
        type: f.type,
        properties: { ...f.properties },
        rings: f.loadGeometry().map((ring) => ring.map((p) => ({ x: p.x, y: p.y }))),
      });
    }
    out[name] = features;
  }
  return out;
}

/** The surveyor's formula in tile units: exterior rings positive (MVT 2.1, 4.3.4.4). */
const signedArea = (ring: { x: number; y: number }[]) => {
  let sum = 0;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % ring.length]!;
    sum += a.x * b.y - b.x * a.y;
  }
  return sum / 2;
};

/** The tile of zoom z holding a WGS84 point. */
function tileAt(lon: number, lat: number, z: number): Address {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return {
    z,
    x: Math.floor(((lon + 180) / 360) * n),
    y: Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n),
  };
}

/** Where a lon/lat falls in tile a, in tile units (Web Mercator, y down). */
function unitsIn(a: Address, lon: number, lat: number) {
  const n = 2 ** a.z;
  const r = (lat * Math.PI) / 180;
  const x = ((lon + 180) / 360) * n;
  const y = ((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n;
  return { x: (x - a.x) * EXTENT, y: (y - a.y) * EXTENT };
}

const toGcj02 = (lon: number, lat: number) =>
  gcoord.transform([lon, lat] as [number, number], gcoord.WGS84, gcoord.GCJ02) as [number, number];

/** A request as sent and its answer as received: no decoding (fetch would gunzip). */
function raw(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>(
    (resolve, reject) => {
      http
        .get(url, { headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
          );
        })
        .on('error', reject);
    },
  );
}

const env = (a: Address, margin = BUFFER / EXTENT) =>
  sql`ST_TileEnvelope(${a.z}::int, ${a.x}::int, ${a.y}::int, margin => ${margin}::float8)`;

/** A staff viewer of the whole district, for the encoders called directly. */
const districtViewer = (via: 'session' | 'token' = 'session'): Viewer =>
  testViewer(['places:read', 'tickets:read'], { all: true }, { via });

describe(`vector tiles over HTTP (${engineName()})`, () => {
  let server: RunningServer;
  let db: Database;
  let command: string;
  let community: string;
  /** The community account's communities. */
  let own: number[];
  /** A compound of the community account with open tickets, and a point in it. */
  let focus: { id: number; code: string; lon: number; lat: number };

  // the tile as sent (fetch would ask for gzip and undo it): gzip has its own tests
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      headers: { 'accept-encoding': 'identity', ...headers },
    });
    const bytes = new Uint8Array(await res.arrayBuffer());
    return { res, bytes, status: res.status };
  };
  const tilePath = (a: Address, layer?: string) =>
    `/tiles/${layer ? `${layer}/` : ''}${a.z}/${a.x}/${a.y}.mvt`;
  const tileAs = async (cookie: string, a: Address, layer?: string) => {
    const { res, bytes } = await get(tilePath(a, layer), { cookie });
    expect(res.status).toBe(200);
    return { res, layers: decode(bytes), etag: res.headers.get('etag')! };
  };

  beforeAll(async () => {
    [server, db] = await Promise.all([startServer(), testDb()]);
    command = await signIn(server.url, 'command');
    community = await signIn(server.url, 'community');
    const [account] = await db.rows<{ communities: number[] }>(sql`
      SELECT ARRAY(SELECT id FROM regions WHERE level = 'COMMUNITY'
        AND (id = a.region_id OR parent_id = a.region_id)) AS communities
      FROM accounts a WHERE a.username = 'community'`);
    own = account!.communities.map(Number);
    const [row] = await db.rows<{ id: number; code: string; lon: number; lat: number }>(sql`
      SELECT c.id, c.code, ST_X(ST_PointOnSurface(c.boundary)) AS lon,
        ST_Y(ST_PointOnSurface(c.boundary)) AS lat
      FROM compounds c JOIN tickets t ON t.compound_id = c.id
      WHERE c.community_id = ANY(${`{${own.join(',')}}`}::int[])
        AND t.status NOT IN ('CLOSED', 'REJECTED', 'TRANSFERRED')
      GROUP BY c.id ORDER BY count(*) DESC, c.id LIMIT 1`);
    focus = row!;
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** Ids SQL says a layer must hold in a tile (areas: more than a sliver), and may hold. */
  async function expectedIds(a: Address, table: string, shape: string, where = sql`true`) {
    const { size } = tileBounds(a);
    const unit = size / EXTENT;
    const rows = await db.rows<{ id: number; inside: number }>(sql`
      SELECT x.id, ST_Area(ST_Intersection(ST_Transform(${sql.identifier(shape)}, 3857), ${env(a)})) AS inside
      FROM ${sql.identifier(table)} x
      WHERE ${where} AND ST_Intersects(ST_Transform(${sql.identifier(shape)}, 3857), ${env(a)})`);
    const may = new Set(rows.map((r) => Number(r.id)));
    const must = new Set(
      rows
        .filter((r) => shape === 'location' || Number(r.inside) > 4 * unit * unit)
        .map((r) => Number(r.id)),
    );
    return { may, must };
  }

  function expectIds(
    got: Map<number, Decoded> | undefined,
    want: { may: Set<number>; must: Set<number> },
  ) {
    const ids = new Set(got?.keys() ?? []);
    for (const id of want.must) expect(ids, `feature ${id}`).toContain(id);
    for (const id of ids) expect(want.may, `feature ${id}`).toContain(id);
    return ids;
  }

  it('draws regions, grids and compounds with their figures as the API gives them', async () => {
    const a = tileAt(focus.lon, focus.lat, 14);
    const { layers } = await tileAs(command, a);
    expect(Object.keys(layers).sort()).toEqual([
      'compounds',
      'grids',
      'labels',
      'regions',
      'resources',
      'tickets',
    ]);

    const regions = expectIds(layers.regions, await expectedIds(a, 'regions', 'boundary'));
    const regionRows = await db.rows<Record<string, unknown>>(sql`
      SELECT id, code, name, level::text AS level, COALESCE((metadata->>'synthetic')::boolean, false) AS synthetic
      FROM regions WHERE id = ANY(${`{${[...regions].join(',')}}`}::int[])`);
    for (const r of regionRows) {
      const f = layers.regions!.get(Number(r.id))!;
      expect(f.type).toBe(3);
      expect(f.properties).toMatchObject({
        code: r.code,
        name: r.name,
        level: r.level,
        synthetic: r.synthetic,
      });
    }

    const grids = expectIds(
      layers.grids,
      await expectedIds(a, 'grids', 'boundary', sql`retired_at IS NULL`),
    );
    const gridRows = await db.rows<{
      id: number;
      code: string;
      name: string;
      parent: string | null;
    }>(sql`
      SELECT g.id, g.code, g.name, p.code AS parent FROM grids g LEFT JOIN grids p ON p.id = g.parent_id
      WHERE g.id = ANY(${`{${[...grids].join(',')}}`}::int[])`);
    expect(gridRows.some((g) => g.parent !== null)).toBe(true); // micro-grids are drawn too
    for (const g of gridRows) {
      const f = layers.grids!.get(Number(g.id))!;
      expect(f.properties.code).toBe(g.code);
      expect(f.properties.micro).toBe(g.parent !== null);
      expect(f.properties.parentCode).toBe(g.parent ?? undefined);
    }

    const compounds = expectIds(
      layers.compounds,
      await expectedIds(a, 'compounds', 'boundary', sql`retired_at IS NULL`),
    );
    expect(compounds).toContain(focus.id);
    // the figures are Compound.stats' and the red outline propertyCompany.hasPartyBranch
    const api = await clientAs(server.url, 'command');
    const { compounds: listed } = await api.request<{
      compounds: {
        nodes: {
          code: string;
          households: number;
          propertyCompany: { name: string; hasPartyBranch: boolean } | null;
          stats: { openTickets: number; overdueTickets: number; satisfactionRate: number | null };
        }[];
      };
    }>(
      // the whole list: the demo city has fewer than 500 compounds
      `{ compounds(first: 500) { nodes { code households propertyCompany { name hasPartyBranch }
         stats { openTickets overdueTickets satisfactionRate } } } }`,
    );
    const byCode = new Map(listed.nodes.map((c) => [c.code, c]));
    let red = 0;
    for (const f of layers.compounds!.values()) {
      const c = byCode.get(f.properties.code as string)!;
      expect(f.type).toBe(3);
      expect(f.properties).toMatchObject({
        households: c.households,
        openTickets: c.stats.openTickets,
        overdueTickets: c.stats.overdueTickets,
        redProperty: c.propertyCompany?.hasPartyBranch ?? false,
      });
      expect(f.properties.propertyCompany).toBe(c.propertyCompany?.name);
      expect(f.properties.satisfaction).toBeCloseTo(c.stats.satisfactionRate ?? -1, 9);
      if (f.properties.redProperty) red++;
      // exterior rings first and positive: drawn filled, the right way up
      expect(signedArea(f.rings[0]!)).toBeGreaterThan(0);
    }
    expect(layers.compounds!.get(focus.id)!.properties.openTickets).toBeGreaterThan(0);
    expect(red).toBeGreaterThanOrEqual(0);

    // the shape: its area in the tile is what PostGIS says, within the snapping
    const [clip] = await db.rows<{ area: number }>(sql`
      SELECT ST_Area(ST_Intersection(ST_Transform(boundary, 3857), ${env(a)})) AS area
      FROM compounds WHERE id = ${focus.id}`);
    const unit = tileBounds(a).size / EXTENT;
    const drawn = layers.compounds!.get(focus.id)!.rings.reduce((s, r) => s + signedArea(r), 0);
    expect(Math.abs(drawn - clip!.area / unit ** 2) / (clip!.area / unit ** 2)).toBeLessThan(0.05);
  });

  it('draws buildings from zoom 16 and resources from zoom 14, where SQL puts them', async () => {
    const a = tileAt(focus.lon, focus.lat, 16);
    const { layers } = await tileAs(command, a);
    const buildings = expectIds(
      layers.buildings,
      await expectedIds(a, 'buildings', 'location', sql`retired_at IS NULL`),
    );
    expect(buildings.size).toBeGreaterThan(0);
    const { size, xmin, ymax } = tileBounds(a);
    const rows = await db.rows<{
      id: number;
      number: string;
      floors: number;
      compound: string;
      x: number;
      y: number;
    }>(sql`
      SELECT b.id, b.number, b.floors, c.code AS compound, ST_X(ST_Transform(b.location, 3857)) AS x,
        ST_Y(ST_Transform(b.location, 3857)) AS y
      FROM buildings b JOIN compounds c ON c.id = b.compound_id WHERE b.id = ANY(${`{${[...buildings].join(',')}}`}::int[])`);
    for (const b of rows) {
      const f = layers.buildings!.get(Number(b.id))!;
      expect(f.type).toBe(1);
      expect(f.properties).toMatchObject({
        number: b.number,
        floors: b.floors,
        compound: b.compound,
      });
      expect(Math.abs(f.rings[0]![0]!.x - ((b.x - xmin) / size) * EXTENT)).toBeLessThanOrEqual(1);
      expect(Math.abs(f.rings[0]![0]!.y - ((ymax - b.y) / size) * EXTENT)).toBeLessThanOrEqual(1);
    }
    // resources: the z14 tile (more of them), names and kinds as stored for a session
    const wide = tileAt(focus.lon, focus.lat, 14);
    const { layers: at14 } = await tileAs(command, wide, 'resources');
    const resources = expectIds(
      at14.resources,
      await expectedIds(wide, 'resources', 'location', sql`retired_at IS NULL`),
    );
    expect(resources.size).toBeGreaterThan(0);
    const stored = await db.rows<{ id: number; code: string; name: string; kind: string }>(sql`
      SELECT id, code, name, kind::text AS kind FROM resources WHERE id = ANY(${`{${[...resources].join(',')}}`}::int[])`);
    for (const r of stored)
      expect(at14.resources!.get(Number(r.id))!.properties).toMatchObject({
        code: r.code,
        name: r.name,
        kind: r.kind,
      });
    // below its zoom a layer is not in the tile
    const { layers: at13 } = await tileAs(command, tileAt(focus.lon, focus.lat, 13));
    expect(at13.resources).toBeUndefined();
    expect(at13.buildings).toBeUndefined();
  });

  it('gives an API token party members to 3 decimals and masked, as Resource does', async () => {
    const token = await issueToken(server.url, { username: 'command', scopes: ['read:places'] });
    const a = tileAt(focus.lon, focus.lat, 14);
    const { res, bytes } = await get(tilePath(a, 'resources'), {
      authorization: `Bearer ${token}`,
    });
    expect(res.status).toBe(200);
    const byToken = decode(bytes).resources!;
    const members = await db.rows<{ id: number; name: string }>(sql`
      SELECT id, name FROM resources WHERE kind = 'PARTY_MEMBER' AND id = ANY(${`{${[...byToken.keys()].join(',')}}`}::int[])`);
    expect(members.length).toBeGreaterThan(0);
    for (const m of members) {
      const name = byToken.get(Number(m.id))!.properties.name as string;
      expect(name).not.toBe(m.name);
      expect(name.startsWith([...m.name.trim()][0]!)).toBe(true);
      expect(name).toMatch(/\*+$/);
    }
    // and no ticket: the token reads places only
    const all = decode((await get(tilePath(a), { authorization: `Bearer ${token}` })).bytes);
    expect(all.tickets).toBeUndefined();
  });

  it('holds only the open tickets of the viewer’s jurisdiction', async () => {
    // the whole city at zoom 13 (from there tickets are points), tile by tile: every
    // community's open tickets for the district, their own for community staff
    const rows = await db.rows<{
      id: number;
      code: string;
      status: string;
      level: string;
      community: number;
      overdue: boolean;
      lon: number;
      lat: number;
    }>(sql`
      SELECT id, code, status::text AS status, level::text AS level, community_id AS community,
        (status <> 'SUSPENDED' AND COALESCE(resolve_by < ${testNow().toISOString()}::timestamptz, false)) AS overdue,
        ST_X(location) AS lon, ST_Y(location) AS lat
      FROM tickets WHERE status NOT IN ('CLOSED', 'REJECTED', 'TRANSFERRED')`);
    const tiles = new Map(
      rows.map((r) => {
        const a = tileAt(r.lon, r.lat, 13);
        return [`${a.x}/${a.y}`, a] as const;
      }),
    );
    const district = new Map<number, Decoded>();
    const staff = new Map<number, Decoded>();
    for (const a of tiles.values()) {
      for (const [id, f] of (await tileAs(command, a, 'tickets')).layers.tickets ?? [])
        district.set(id, f);
      for (const [id, f] of (await tileAs(community, a, 'tickets')).layers.tickets ?? [])
        staff.set(id, f);
    }
    // further out they are counted in clusters, never sent one by one
    const a12 = tileAt(rows[0]!.lon, rows[0]!.lat, 12);
    expect((await tileAs(command, a12)).layers.tickets).toBeUndefined();
    expect(new Set(district.keys())).toEqual(new Set(rows.map((r) => Number(r.id))));
    const mine = rows.filter((r) => own.includes(Number(r.community)));
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.length).toBeLessThan(rows.length); // other communities' tickets are in the tile
    expect(new Set(staff.keys())).toEqual(new Set(mine.map((r) => Number(r.id))));
    for (const r of rows) {
      const f = district.get(Number(r.id))!;
      expect(f.type).toBe(1);
      expect(f.properties).toMatchObject({
        code: r.code,
        status: r.status,
        level: r.level,
        overdue: r.overdue,
      });
      expect(Buffer.from(f.properties.id as string, 'base64url').toString()).toBe(`Ticket:${r.id}`);
    }
  });

  it('counts the open tickets of the viewer’s jurisdiction in clusters up to zoom 12, each in its cell', async () => {
    const [centre] = await db.rows<{ lon: number; lat: number }>(sql`
      SELECT ST_X(ST_Centroid(ST_Collect(location))) AS lon, ST_Y(ST_Centroid(ST_Collect(location))) AS lat
      FROM tickets WHERE status NOT IN ('CLOSED', 'REJECTED', 'TRANSFERRED')`);
    for (const z of [10, 12]) {
      const a = tileAt(centre!.lon, centre!.lat, z);
      const { xmin, ymax, size } = tileBounds(a);
      // the tile's own open tickets (no buffer), per cell as PostGIS places them
      const rows = await db.rows<{
        community: number;
        overdue: boolean;
        cx: number;
        cy: number;
      }>(sql`
        SELECT community_id AS community,
          (status <> 'SUSPENDED' AND COALESCE(resolve_by < ${testNow().toISOString()}::timestamptz, false)) AS overdue,
          floor((ST_X(p) - ${xmin}::float8) / ${size / CLUSTER_CELLS}::float8)::int AS cx,
          floor((${ymax}::float8 - ST_Y(p)) / ${size / CLUSTER_CELLS}::float8)::int AS cy
        FROM (SELECT *, ST_Transform(location, 3857) AS p FROM tickets) t
        WHERE status NOT IN ('CLOSED', 'REJECTED', 'TRANSFERRED')
          AND ST_X(p) >= ${xmin}::float8 AND ST_X(p) < ${xmin + size}::float8
          AND ST_Y(p) > ${ymax - size}::float8 AND ST_Y(p) <= ${ymax}::float8`);
      const cells = (rs: typeof rows) => {
        const m = new Map<string, { count: number; overdue: number }>();
        for (const r of rs) {
          const c = m.get(`${r.cx},${r.cy}`) ?? { count: 0, overdue: 0 };
          c.count++;
          if (r.overdue) c.overdue++;
          m.set(`${r.cx},${r.cy}`, c);
        }
        return m;
      };
      const drawn = (layer: Map<number, Decoded>) => {
        const m = new Map<string, { count: number; overdue: number }>();
        const side = 2 ** z * CLUSTER_CELLS;
        for (const f of layer.values()) {
          expect(f.type).toBe(1);
          // the feature id names the cell; the point (the mean of its tickets) lies in it
          const cx = (f.id % side) - a.x * CLUSTER_CELLS;
          const cy = Math.floor(f.id / side) - a.y * CLUSTER_CELLS;
          const unit = EXTENT / CLUSTER_CELLS;
          const p = f.rings[0]![0]!;
          expect(p.x).toBeGreaterThanOrEqual(cx * unit - 1);
          expect(p.x).toBeLessThanOrEqual((cx + 1) * unit + 1);
          expect(p.y).toBeGreaterThanOrEqual(cy * unit - 1);
          expect(p.y).toBeLessThanOrEqual((cy + 1) * unit + 1);
          m.set(`${cx},${cy}`, {
            count: f.properties.count as number,
            overdue: f.properties.overdue as number,
          });
        }
        return m;
      };
      const district = (await tileAs(command, a, 'ticketClusters')).layers.ticketClusters!;
      expect(drawn(district)).toEqual(cells(rows));
      expect(rows.length).toBeGreaterThan(district.size); // some cells hold several tickets
      // community staff: their own communities' tickets only
      const mine = rows.filter((r) => own.includes(Number(r.community)));
      expect(mine.length).toBeLessThan(rows.length);
      if (z === 10) expect(mine.length).toBeGreaterThan(0);
      const staff = (await tileAs(community, a, 'ticketClusters')).layers.ticketClusters;
      expect(drawn(staff ?? new Map())).toEqual(cells(mine));
    }
    // from zoom 13 every ticket is its own point: no clusters
    const a13 = tileAt(centre!.lon, centre!.lat, 13);
    expect((await tileAs(command, a13)).layers.ticketClusters).toBeUndefined();
  });

  it('labels each street and community once, at a point inside it', async () => {
    const [centre] = await db.rows<{ lon: number; lat: number }>(sql`
      SELECT ST_X(ST_Centroid(boundary)) AS lon, ST_Y(ST_Centroid(boundary)) AS lat
      FROM regions WHERE level = 'DISTRICT' LIMIT 1`);
    // zoomed out the streets' names only (the map shows communities' from 12.5)
    const out = (await tileAs(command, tileAt(centre!.lon, centre!.lat, 10), 'labels')).layers;
    expect(new Set([...out.labels!.values()].map((f) => f.properties.level))).toEqual(
      new Set(['STREET']),
    );
    const a = tileAt(centre!.lon, centre!.lat, 12);
    const { layers } = await tileAs(command, a, 'labels');
    const labels = layers.labels!;
    const regions = await db.rows<{ id: number; code: string; name: string; level: string }>(sql`
      SELECT id, code, name, level::text AS level FROM regions
      WHERE level <> 'DISTRICT' AND ST_Transform(boundary, 3857) && ${env(a)}`);
    expect(regions.length).toBeGreaterThan(3);
    const { xmin, ymax, size } = tileBounds(a);
    for (const f of labels.values()) {
      const r = regions.find((x) => x.id === f.id)!;
      expect(f.properties).toMatchObject({ code: r.code, name: r.name, level: r.level });
      // the point back in WGS84 lies inside its region (PostGIS)
      const p = f.rings[0]![0]!;
      const [{ inside }] = (await db.rows<{ inside: boolean }>(sql`
        SELECT ST_Covers(boundary, ST_Transform(ST_SetSRID(ST_MakePoint(
          ${xmin + (p.x * size) / EXTENT}::float8, ${ymax - (p.y * size) / EXTENT}::float8), 3857), 4326))
          AS inside FROM regions WHERE id = ${r.id}`)) as [{ inside: boolean }];
      expect(inside, r.name).toBe(true);
    }
    // every community of the tile's middle has its label here
    const [{ n }] = (await db.rows<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM regions WHERE level = 'COMMUNITY'
        AND ST_Transform(boundary, 3857) @ ${env(a, 0)}`)) as [{ n: number }];
    expect(n).toBeGreaterThan(0);
    expect(
      [...labels.values()].filter((f) => f.properties.level === 'COMMUNITY').length,
    ).toBeGreaterThanOrEqual(n);
  });

  it('draws every compound as a dot of its own figures below zoom 10, as a shape from 10', async () => {
    const [centre] = await db.rows<{ lon: number; lat: number }>(sql`
      SELECT ST_X(ST_Centroid(ST_Collect(boundary))) AS lon, ST_Y(ST_Centroid(ST_Collect(boundary))) AS lat
      FROM compounds WHERE retired_at IS NULL`);
    const a = tileAt(centre!.lon, centre!.lat, 8);
    const dots = (await tileAs(command, a, 'compounds')).layers.compounds!;
    // the compounds whose point on surface lies in the buffered tile (PostGIS), each once
    const expected = await db.rows<{ id: number; open: number }>(sql`
      SELECT c.id, (SELECT count(*)::int FROM tickets t WHERE t.compound_id = c.id
        AND t.status NOT IN ('CLOSED', 'REJECTED', 'TRANSFERRED')) AS open
      FROM compounds c WHERE c.retired_at IS NULL
        AND ST_Transform(ST_PointOnSurface(c.boundary), 3857) && ${env(a)}`);
    expect(expected.length).toBeGreaterThan(100);
    expect([...dots.keys()].sort((x, y) => x - y)).toEqual(
      expected.map((c) => c.id).sort((x, y) => x - y),
    );
    const { xmin, ymax, size } = tileBounds(a);
    for (const c of expected.slice(0, 10)) {
      const f = dots.get(c.id)!;
      expect(f.type, 'a point').toBe(1);
      expect(f.properties.openTickets).toBe(c.open);
      // a dot carries its code and figures, not its names
      const carried = ['code', 'openTickets', 'overdueTickets', 'redProperty', 'satisfaction'];
      expect(Object.keys(f.properties).sort()).toEqual(carried);
      // the dot back in WGS84 lies inside its compound, to a tile unit (PostGIS)
      const p = f.rings[0]![0]!;
      const [{ metres }] = (await db.rows<{ metres: number }>(sql`
        SELECT ST_Distance(ST_Transform(boundary, 3857), ST_SetSRID(ST_MakePoint(
          ${xmin + (p.x * size) / EXTENT}::float8, ${ymax - (p.y * size) / EXTENT}::float8), 3857))
          AS metres FROM compounds WHERE id = ${c.id}`)) as [{ metres: number }];
      expect(metres).toBeLessThanOrEqual(size / EXTENT);
    }
    // from zoom 10 the same compounds are shapes; below 6 they are not in tiles
    const a10 = tileAt(centre!.lon, centre!.lat, 10);
    const shapes = (await tileAs(command, a10, 'compounds')).layers.compounds!;
    expect([...shapes.values()][0]!.type).toBe(3);
    // communities' shapes also start at zoom 10: further out, the district and streets only
    const levels = async (z: number) =>
      new Set(
        [
          ...(
            await tileAs(command, tileAt(centre!.lon, centre!.lat, z), 'regions')
          ).layers.regions!.values(),
        ].map((f) => f.properties.level),
      );
    expect(await levels(8)).toEqual(new Set(['DISTRICT', 'STREET']));
    expect(await levels(10)).toEqual(new Set(['DISTRICT', 'STREET', 'COMMUNITY']));
    const a5 = tileAt(centre!.lon, centre!.lat, 5);
    expect((await tileAs(command, a5, 'compounds')).layers.compounds).toBeUndefined();
  });

  it('answers an unchanged tile from the cache with the same ETag, and 304 to If-None-Match', async () => {
    const a = tileAt(focus.lon, focus.lat, 15);
    const first = await get(tilePath(a), { cookie: command });
    const etag = first.res.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.res.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile');
    expect(first.res.headers.get('cache-control')).toBe('private, no-cache');
    const again = await get(tilePath(a), { cookie: command });
    expect(again.res.headers.get('x-tile-cache')).toBe('HIT');
    expect(again.res.headers.get('etag')).toBe(etag);
    expect(Buffer.compare(Buffer.from(again.bytes), Buffer.from(first.bytes))).toBe(0);
    const revalidated = await get(tilePath(a), { cookie: command, 'if-none-match': etag });
    expect(revalidated.status).toBe(304);
    expect(revalidated.bytes.byteLength).toBe(0);
    // another jurisdiction shares the places but never the tickets: its own ETag
    const staff = await get(tilePath(a), { cookie: community });
    expect(staff.status).toBe(200);
  });

  it('drops the tiles a ticket event touches, at every zoom, and no far tile', async () => {
    const near16 = tileAt(focus.lon, focus.lat, 16);
    const near12 = tileAt(focus.lon, focus.lat, 12);
    const [far] = await db.rows<{ lon: number; lat: number }>(sql`
      SELECT ST_X(ST_PointOnSurface(c.boundary)) AS lon, ST_Y(ST_PointOnSurface(c.boundary)) AS lat
      FROM compounds c ORDER BY ST_Distance(c.boundary, (SELECT boundary FROM compounds WHERE id = ${focus.id})) DESC LIMIT 1`);
    const far14 = tileAt(far!.lon, far!.lat, 14);
    const gcj16 = tileAt(...toGcj02(focus.lon, focus.lat), 16);
    const gcjPath = `${tilePath(gcj16)}?crs=GCJ02`;
    const gcjBefore = (await get(gcjPath, { cookie: command })).res.headers.get('etag');
    const before = {
      near16: await tileAs(command, near16),
      near12: await tileAs(command, near12),
      far14: await tileAs(command, far14),
    };
    expect((await tileAs(command, far14)).res.headers.get('x-tile-cache')).toBe('HIT');
    const reported = await anonymousClient(server.url).request<{
      reportTicket: { ticket: { id: string; code: string } };
    }>(
      `mutation($input: ReportTicketInput!) { reportTicket(input: $input) { ticket { id code } } }`,
      {
        input: {
          compoundCode: focus.code,
          description: '楼道灯坏了 (tile test)',
          reporterName: '测试',
          reporterPhone: '13800000000',
          idempotencyKey: `tiles-${Date.now()}-${Math.random().toString(36).slice(2)}`,
          lon: focus.lon,
          lat: focus.lat,
        },
      },
    );
    // the NOTIFY reaches the server's listener a moment after the commit
    let after16 = await tileAs(command, near16);
    for (let i = 0; i < 50 && after16.etag === before.near16.etag; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after16 = await tileAs(command, near16);
    }
    expect(after16.etag).not.toBe(before.near16.etag);
    const added = [...after16.layers.tickets!.values()].find(
      (f) => f.properties.code === reported.reportTicket.ticket.code,
    );
    expect(added?.properties.id).toBe(reported.reportTicket.ticket.id);
    const compoundBefore = before.near16.layers.compounds!.get(focus.id)!.properties
      .openTickets as number;
    expect(after16.layers.compounds!.get(focus.id)!.properties.openTickets).toBe(
      compoundBefore + 1,
    );
    const after12 = await tileAs(command, near12);
    expect(after12.etag).not.toBe(before.near12.etag);
    // the GCJ-02 tiles are dropped with them: the ticket is in the one its GCJ-02 point is in
    const gcjAfter = await get(gcjPath, { cookie: command });
    expect(gcjAfter.res.headers.get('etag')).not.toBe(gcjBefore);
    expect(
      [...decode(gcjAfter.bytes).tickets!.values()].some(
        (f) => f.properties.code === reported.reportTicket.ticket.code,
      ),
    ).toBe(true);
    // the new ticket is counted in its cluster at once
    const counted = (layers: Record<string, Map<number, Decoded>>) =>
      [...(layers.ticketClusters?.values() ?? [])].reduce(
        (n, f) => n + (f.properties.count as number),
        0,
      );
    expect(counted(after12.layers)).toBe(counted(before.near12.layers) + 1);
    // the far tile was not touched: still the cached bytes
    const still = await tileAs(command, far14);
    expect(still.res.headers.get('x-tile-cache')).toBe('HIT');
    expect(still.etag).toBe(before.far14.etag);
  });

  it('refuses a bad tile with a code, and anyone not signed in as /exports does', async () => {
    const cases: [string, string, string][] = [
      ['/tiles/parks/14/1/1.mvt', 'layer', 'UNKNOWN_LAYER'],
      ['/tiles/14/1/1.mvt?layers=compounds,parks', 'layer', 'UNKNOWN_LAYER'],
      ['/tiles/19/0/0.mvt', 'z', 'OUT_OF_RANGE'],
      ['/tiles/3/8/0.mvt', 'x', 'OUT_OF_RANGE'],
      ['/tiles/3/0/8.mvt', 'y', 'OUT_OF_RANGE'],
      ['/tiles/3/-1/0.mvt', 'x', 'NOT_AN_INTEGER'],
      ['/tiles/a/0/0.mvt', 'z', 'NOT_AN_INTEGER'],
      ['/tiles/3/0/0.png', 'format', 'UNKNOWN_FORMAT'],
      ['/tiles/3/0.mvt', 'path', 'BAD_PATH'],
      ['/tiles/3/0/0.mvt?crs=BD09', 'crs', 'UNKNOWN_CRS'],
    ];
    for (const [path, field, reason] of cases) {
      const { res, bytes } = await get(path, { cookie: command });
      expect(res.status, path).toBe(400);
      const body = JSON.parse(Buffer.from(bytes).toString()) as {
        errors: { extensions: { code: string; field: string; reason: string } }[];
      };
      expect(body.errors[0]!.extensions, path).toMatchObject({
        code: 'BAD_USER_INPUT',
        field,
        reason,
      });
    }
    const anonymous = await get('/tiles/14/1/1.mvt');
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(Buffer.from(anonymous.bytes).toString()).errors[0].extensions).toMatchObject({
      code: 'UNAUTHENTICATED',
      reason: 'SIGN_IN_REQUIRED',
    });
    const badToken = await get('/tiles/14/1/1.mvt', {
      authorization: 'Bearer not-a-real-token-at-all',
    });
    expect(badToken.status).toBe(401);
  });

  it('gzips a cached tile once for a client that takes gzip, with its own ETag and 304', async () => {
    const a = tileAt(focus.lon, focus.lat, 13);
    const url = `${server.url}${tilePath(a)}`;
    const plain = await get(tilePath(a), { cookie: command });
    expect(plain.res.headers.get('content-encoding')).toBeNull(); // just made: as it is
    expect(plain.res.headers.get('vary')).toBe('Cookie, Authorization, Accept-Encoding');
    const etag = plain.res.headers.get('etag')!;
    const asks = { cookie: command, 'accept-encoding': 'gzip, deflate, br' };
    let zipped = await raw(url, asks);
    for (let i = 0; i < 50 && zipped.headers['content-encoding'] !== 'gzip'; i++) {
      await new Promise((r) => setTimeout(r, 50)); // gzip'd in the background, once
      zipped = await raw(url, asks);
    }
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['x-tile-cache']).toBe('HIT');
    expect(zipped.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    expect(Number(zipped.headers['content-length'])).toBe(zipped.body.byteLength);
    expect(zipped.body.byteLength).toBeLessThan(plain.bytes.byteLength / 2);
    expect(Buffer.compare(gunzipSync(zipped.body), Buffer.from(plain.bytes))).toBe(0);
    const gzEtag = zipped.headers.etag!;
    expect(gzEtag).toMatch(/^"[\w.-]+"$/);
    expect(gzEtag).not.toBe(etag);
    // a client that refuses gzip (q=0) gets the tile as it is
    const refusing = await raw(url, { cookie: command, 'accept-encoding': 'gzip;q=0, identity' });
    expect(refusing.headers['content-encoding']).toBeUndefined();
    expect(refusing.headers.etag).toBe(etag);
    expect(Buffer.compare(refusing.body, Buffer.from(plain.bytes))).toBe(0);
    // either tag is the current tile: 304, no body
    for (const tag of [gzEtag, etag, `W/${gzEtag}`]) {
      const again = await raw(url, { ...asks, 'if-none-match': tag });
      expect(again.status, tag).toBe(304);
      expect(again.body.byteLength).toBe(0);
    }
    expect((await raw(url, { ...asks, 'if-none-match': '"stale"' })).status).toBe(200);
    // as a browser takes it: fetch asks for gzip and undoes it
    const browser = await fetch(url, { headers: { cookie: command } });
    expect(browser.headers.get('content-encoding')).toBe('gzip');
    expect(Buffer.compare(Buffer.from(await browser.arrayBuffer()), Buffer.from(plain.bytes))).toBe(
      0,
    );
  });

  it('draws ?crs=GCJ02 tiles where a GCJ-02 basemap has the places (gcoord), cached apart', async () => {
    // points: every building and ticket of the tile at its GCJ-02 position, within a tile unit
    const a = tileAt(...toGcj02(focus.lon, focus.lat), 16);
    const first = await get(`${tilePath(a)}?crs=GCJ02`, { cookie: command });
    expect(first.status).toBe(200);
    const layers = decode(first.bytes);
    let far = 0;
    for (const [layer, table] of [
      ['buildings', 'buildings'],
      ['tickets', 'tickets'],
    ] as const) {
      const [{ w, s, e, n }] = (await db.rows<{ w: number; s: number; e: number; n: number }>(sql`
        SELECT ST_XMin(b) AS w, ST_YMin(b) AS s, ST_XMax(b) AS e, ST_YMax(b) AS n
        FROM (SELECT ST_Transform(${env(a, 0.5)}, 4326) AS b) x`)) as [
        { w: number; s: number; e: number; n: number },
      ];
      // everything within ~1 km of the tile, WGS84: the shift is a few hundred metres
      const rows = await db.rows<{ id: number; lon: number; lat: number }>(sql`
        SELECT id, ST_X(location) AS lon, ST_Y(location) AS lat FROM ${sql.identifier(table)}
        WHERE location && ST_MakeEnvelope(${w - 0.01}, ${s - 0.01}, ${e + 0.01}, ${n + 0.01}, 4326)
          AND ${table === 'tickets' ? sql`status NOT IN ('CLOSED', 'REJECTED', 'TRANSFERRED')` : sql`retired_at IS NULL`}`);
      const got = layers[layer] ?? new Map<number, Decoded>();
      let inside = 0;
      for (const r of rows) {
        const at = unitsIn(a, ...toGcj02(r.lon, r.lat));
        const f = got.get(Number(r.id));
        const inTile = at.x >= 1 && at.x <= EXTENT - 1 && at.y >= 1 && at.y <= EXTENT - 1;
        if (inTile) inside++;
        if (inTile) expect(f, `${layer} ${r.id}`).toBeDefined();
        if (!f) continue;
        const p = f.rings[0]![0]!;
        expect(Math.abs(p.x - at.x), `${layer} ${r.id}`).toBeLessThanOrEqual(1);
        expect(Math.abs(p.y - at.y), `${layer} ${r.id}`).toBeLessThanOrEqual(1);
        // and not where WGS84 would put it: the shift is hundreds of tile units at z16
        const wgs = unitsIn(a, r.lon, r.lat);
        far = Math.max(far, Math.hypot(wgs.x - p.x, wgs.y - p.y));
      }
      expect(inside, layer).toBeGreaterThan(0);
      expect(got.size, layer).toBeGreaterThanOrEqual(inside);
    }
    expect(far).toBeGreaterThan(500);

    // areas: the compound's outline where gcoord puts its vertices (its box, within simplifying)
    const b = tileAt(...toGcj02(focus.lon, focus.lat), 14);
    const wide = decode((await get(`${tilePath(b)}?crs=GCJ02`, { cookie: command })).bytes);
    const [outline] = await db.rows<{ shape: { coordinates: number[][][][] } }>(sql`
      SELECT ST_AsGeoJSON(ST_Multi(boundary))::json AS shape FROM compounds WHERE id = ${focus.id}`);
    const points = outline!.shape.coordinates
      .flat(2)
      .map(([lon, lat]) => unitsIn(b, ...toGcj02(lon!, lat!)));
    const box = (ps: { x: number; y: number }[]) => [
      Math.min(...ps.map((p) => p.x)),
      Math.min(...ps.map((p) => p.y)),
      Math.max(...ps.map((p) => p.x)),
      Math.max(...ps.map((p) => p.y)),
    ];
    const want = box(points);
    expect(Math.min(...want)).toBeGreaterThan(0); // the compound lies inside the tile
    expect(Math.max(...want)).toBeLessThan(EXTENT);
    const drawn = box(wide.compounds!.get(focus.id)!.rings.flat());
    drawn.forEach((v, i) => expect(Math.abs(v - want[i]!), `box ${i}`).toBeLessThanOrEqual(2));
    expect(signedArea(wide.compounds!.get(focus.id)!.rings[0]!)).toBeGreaterThan(0);
    expect(Object.keys(wide)).toEqual(
      expect.arrayContaining(['regions', 'grids', 'compounds', 'resources', 'tickets']),
    );

    // cached apart from the WGS84 tile of the same address, and cached itself
    const again = await get(`${tilePath(a)}?crs=GCJ02`, { cookie: command });
    expect(again.res.headers.get('x-tile-cache')).toBe('HIT');
    expect(again.res.headers.get('etag')).toBe(first.res.headers.get('etag'));
    const wgs = await get(tilePath(a), { cookie: command });
    expect(wgs.res.headers.get('etag')).not.toBe(first.res.headers.get('etag'));
    expect(
      (await get(`${tilePath(a)}?crs=wgs84`, { cookie: command })).res.headers.get('etag'),
    ).toBe(wgs.res.headers.get('etag'));
  });

  it('answers tiles to a live session or a token with places:read only, counted and audited', async () => {
    const a = tileAt(focus.lon, focus.lat, 12);
    // a session, remembered between tiles, refused at once when signed out
    const cookie = await signIn(server.url, 'command');
    expect((await get(tilePath(a), { cookie })).status).toBe(200);
    expect((await get(tilePath(a), { cookie })).status).toBe(200);
    const out = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { signOut }' }),
    });
    expect(((await out.json()) as { data: { signOut: boolean } }).data.signOut).toBe(true);
    const after = await get(tilePath(a), { cookie });
    expect(after.status).toBe(401);
    expect(JSON.parse(Buffer.from(after.bytes).toString()).errors[0].extensions.code).toBe(
      'UNAUTHENTICATED',
    );
    // a token without read:places
    const ticketsOnly = await issueToken(server.url, {
      username: 'command',
      scopes: ['read:tickets'],
    });
    const refused = await get(tilePath(a), { authorization: `Bearer ${ticketsOnly}` });
    expect(refused.status).toBe(403);
    expect(JSON.parse(Buffer.from(refused.bytes).toString()).errors[0].extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'NO_PERMISSION',
    });
    // a token's rate holds on tiles: the third in its minute is refused
    const slow = await issueToken(server.url, {
      username: 'command',
      scopes: ['read:places'],
      ratePerMinute: 2,
    });
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 3; i++) {
      const { res } = await get(tilePath(a), { authorization: `Bearer ${slow}` });
      statuses.push(res.status);
      limited = res;
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    // every token tile is audited, and the refusals
    const admin = await clientAs(server.url, 'admin');
    const { tiles, refusals } = await admin.request<{
      tiles: { actor: string; result: string; details: string }[];
      refusals: { result: string }[];
    }>(`{ tiles: auditLog(action: "GET /tiles", last: 50) { actor result details }
          refusals: auditLog(action: "token request", last: 20) { result } }`);
    const served = tiles.filter(
      (t) => t.result === 'OK' && t.details.includes(`"${a.z}/${a.x}/${a.y}"`),
    );
    expect(served.length).toBeGreaterThanOrEqual(2);
    expect(tiles.some((t) => t.result.startsWith('FORBIDDEN'))).toBe(true);
    expect(refusals.some((r) => r.result.includes('RATE_LIMITED'))).toBe(true);
  });

  it.skipIf(engineName() !== 'postgres')(
    'gives the same features from ST_AsMVT and from PostGIS + vt-pbf (PGlite’s path)',
    async () => {
      const now = testNow();
      let compared = 0;
      for (const z of [8, 10, 12, 14, 16]) {
        const a = tileAt(focus.lon, focus.lat, z);
        for (const layer of LAYERS) {
          for (const viewer of [districtViewer('session'), districtViewer('token')]) {
            const [mvt, js] = await Promise.all([
              layerByMvt(db, layer, a, viewer, now),
              layerByVtPbf(db, layer, a, viewer, now),
            ]);
            expect(js.features, `${layer} z${z}`).toBe(mvt.features);
            expect(js.due?.getTime(), `${layer} z${z}`).toBe(mvt.due?.getTime());
            const ours = decode(js.bytes)[layer] ?? new Map<number, Decoded>();
            const theirs = decode(mvt.bytes)[layer] ?? new Map<number, Decoded>();
            expect([...ours.keys()].sort(), `${layer} z${z}`).toEqual([...theirs.keys()].sort());
            for (const [id, f] of theirs) {
              const g = ours.get(id)!;
              expect(g.type).toBe(f.type);
              expect(g.properties).toEqual(f.properties);
              // the shapes lie within one tile unit of each other (PostGIS measures)
              const wkt = (d: Decoded) =>
                d.type === 1
                  ? `MULTIPOINT(${d.rings
                      .flat()
                      .map((p) => `${p.x} ${p.y}`)
                      .join(',')})`
                  : `MULTILINESTRING(${d.rings.map((r) => `(${[...r, r[0]!].map((p) => `${p.x} ${p.y}`).join(',')})`).join(',')})`;
              const [{ d }] = (await db.rows<{ d: number }>(
                sql`SELECT ST_HausdorffDistance(ST_GeomFromText(${wkt(g)}), ST_GeomFromText(${wkt(f)})) AS d`,
              )) as [{ d: number }];
              expect(d, `${layer} ${id} z${z}`).toBeLessThanOrEqual(1.5);
              if (f.type === 3)
                expect(Math.sign(signedArea(g.rings[0]!))).toBe(Math.sign(signedArea(f.rings[0]!)));
              compared++;
            }
          }
        }
      }
      expect(compared).toBeGreaterThan(100);
    },
  );
});
