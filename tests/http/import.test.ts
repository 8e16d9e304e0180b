import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import gcoord from 'gcoord';
import { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAs, signIn } from '../support/auth';
import { engineName, testDb } from '../support/db';
import { errorOf } from '../support/graphql';
import { collection, feature, polygon, square, type Ring } from '../support/geojson';
import { startServer, type RunningServer } from '../support/server';

// 建档 over HTTP, as a street's staff would: upload a file (POST /imports), read the dry run
// (DataImport), apply it (applyImport). The places are a made-up street far from the demo
// city's, inside 天长市 (341181) at 118.84–118.86 E, 32.84–32.86 N (WGS84).

const samples = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/district');
const wkt = (ring: Ring) => `"POLYGON((${ring.map((p) => p.join(' ')).join(', ')}))"`;
/** Metres between two WGS84 points (a spherical earth is plenty at these distances). */
const metres = ([lon1, lat1]: number[], [lon2, lat2]: number[]) => {
  const rad = Math.PI / 180;
  const x = (lon2! - lon1!) * rad * Math.cos(((lat1! + lat2!) / 2) * rad);
  return Math.hypot(x, (lat2! - lat1!) * rad) * 6_371_008.8;
};

const STREET = '341181901';
const C1 = '341181901001';
const C2 = '341181901002';
const regionsFile = () =>
  collection(
    feature(
      { 编码: STREET, 名称: '试验街道', 上级编码: '341181' },
      polygon(square(118.84, 32.84, 118.86, 32.86)),
    ),
    feature(
      { 编码: C1, 名称: '东岗社区', 上级编码: STREET },
      polygon(square(118.84, 32.84, 118.85, 32.86)),
    ),
    feature(
      { 编码: C2, 名称: '西岗社区', 上级编码: STREET },
      polygon(square(118.85, 32.84, 118.86, 32.86)),
    ),
  );

interface Report {
  id: string;
  status: string;
  rows: number;
  create: number;
  update: number;
  unchanged: number;
  errors: number;
  warnings: number;
  crs: string;
  notes: string[];
  problems: { at: string; severity: string; field: string; reason: string; message: string }[];
  features: {
    features: { geometry: { coordinates: unknown }; properties: Record<string, unknown> }[];
  };
}
const REPORT = `id status rows create update unchanged errors warnings crs notes
  problems { at severity field reason message } features`;

describe(`importing a district's places and people over HTTP (${engineName()})`, () => {
  let server: RunningServer;
  let cookie: string;
  let command: GraphQLClient;

  beforeAll(async () => {
    server = await startServer({ YITU_MAX_IMPORT_BYTES: String(400_000) });
    cookie = await signIn(server.url, 'command');
    command = new GraphQLClient(`${server.url}/graphql`, { headers: { cookie } });
  });
  afterAll(() => server?.stop());

  const upload = async (
    kind: string,
    fileName: string,
    bytes: Uint8Array,
    options: { crs?: string; as?: string } = {},
  ) => {
    const form = new FormData();
    form.append('kind', kind);
    if (options.crs) form.append('crs', options.crs);
    form.append('file', new Blob([bytes]), fileName);
    const res = await fetch(`${server.url}/imports`, {
      method: 'POST',
      body: form,
      headers: { cookie: options.as ?? cookie },
    });
    return {
      status: res.status,
      body: (await res.json()) as Record<string, unknown> & {
        id?: string;
        errors?: { message: string; extensions: Record<string, unknown> }[];
      },
    };
  };
  const report = async (id: string) =>
    (
      await command.request<{ node: Report }>(
        `query($id: ID!) { node(id: $id) { ... on DataImport { ${REPORT} } } }`,
        { id },
      )
    ).node;
  /** Uploads and returns the dry run's report; the upload itself must succeed. */
  const preview = async (kind: string, fileName: string, bytes: Uint8Array, crs?: string) => {
    const { status, body } = await upload(kind, fileName, bytes, { crs });
    // a failure shows what the server said (its log's tail)
    expect(status, `${JSON.stringify(body)}\n${server.output().slice(-3000)}`).toBe(201);
    return report(body.id!);
  };
  const apply = (id: string, client = command) =>
    client
      .request<{ applyImport: Report }>(
        `mutation($input: ApplyImportInput!) { applyImport(input: $input) { ${REPORT} } }`,
        { input: { importId: id } },
      )
      .catch((error: Error) => {
        // a server fault shows what the server logged
        if (/Internal server error/.test(error.message))
          error.message += `\n${server.output().slice(-3000)}`;
        throw error;
      });
  const codesOf = async (query: string) =>
    (
      await command.request<{ q: { nodes: { code: string }[] } }>(
        `{ q: ${query} { nodes { code } } }`,
      )
    ).q.nodes.map((n) => n.code);

  it('creates a street and its communities, then imports the same file again without a change', async () => {
    const first = await preview('REGION', 'regions.geojson', regionsFile());
    expect(first, JSON.stringify(first.problems)).toMatchObject({
      rows: 3,
      create: 3,
      errors: 0,
      status: 'PREVIEWED',
    });
    expect(first.notes.join(' ')).toMatch(/read as WGS84/);
    // nothing is written by the dry run
    expect(await codesOf('regions(level: STREET, first: 50)')).not.toContain(STREET);
    expect((await apply(first.id)).applyImport).toMatchObject({ status: 'APPLIED', create: 3 });
    expect(await codesOf('regions(level: COMMUNITY, first: 500)')).toEqual(
      expect.arrayContaining([C1, C2]),
    );

    const again = await preview('REGION', 'regions.geojson', regionsFile());
    expect(again).toMatchObject({ rows: 3, create: 0, update: 0, unchanged: 3, errors: 0 });
    await apply(again.id);
    const admin = await clientAs(server.url, 'admin');
    const lines = (
      await admin.request<{
        auditLog: { action: string; target: string; details: string; actor: string }[];
      }>(`{ auditLog(action: "import", last: 5) { action target details actor } }`)
    ).auditLog;
    expect(lines.map((l) => JSON.parse(l.details))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          fileName: 'regions.geojson',
          kind: 'REGION',
          create: 3,
          unchanged: 0,
        }),
        expect.objectContaining({
          fileName: 'regions.geojson',
          kind: 'REGION',
          create: 0,
          unchanged: 3,
        }),
      ]),
    );
    expect(lines.every((l) => l.actor === 'account:command')).toBe(true);
    // an import is applied once
    expect(await errorOf(apply(again.id))).toMatchObject({
      code: 'CONFLICT',
      reason: 'ALREADY_APPLIED',
    });
  });

  it('places GCJ-02 points within a metre of their WGS84 truth, Gauss-Krüger within 1 cm of ST_Transform', async () => {
    // published WGS84 ↔ GCJ-02 / BD-09 pairs (eviltransform's test vectors), not made by gcoord
    const csv =
      '编码,名称,类型,经度,纬度\n' +
      'P-GCJ,上海点,志愿服务队,121.531541859215,31.17530398364597\n' +
      'P-GCJ2,北京点,志愿服务队,116.38404722455657,39.91334545536069\n';
    const gcj = await preview('RESOURCE', 'gcj.csv', Buffer.from(csv), 'GCJ02');
    const at = (r: Report, i: number) => r.features.features[i]!.geometry.coordinates as number[];
    expect(metres(at(gcj, 0), [121.5272106, 31.1774276])).toBeLessThan(1);
    expect(metres(at(gcj, 1), [116.377817, 39.911954])).toBeLessThan(1);
    // BD-09 is GCJ-02 moved by Baidu's published formula: a Baidu point lands where the GCJ-02
    // point that formula gives lands (120.019809, 29.199786 → 120.0133571098, 29.1935052641)
    const bd = await preview(
      'RESOURCE',
      'bd.csv',
      Buffer.from('编码,名称,类型,经度,纬度\nP-BD,金华点,志愿服务队,120.019809,29.199786\n'),
      'BD09',
    );
    const fromGcj = await preview(
      'RESOURCE',
      'gcj2.csv',
      Buffer.from(
        '编码,名称,类型,经度,纬度\nP-BD,金华点,志愿服务队,120.01335710984046,29.19350526408319\n',
      ),
      'GCJ02',
    );
    expect(metres(at(bd, 0), at(fromGcj, 0))).toBeLessThan(0.5);

    // a surveyed point in CGCS2000 3° zone 39 (EPSG:4527, easting with the zone in front)
    const db = await testDb();
    const [gk] = await db.rows<{ x: number; y: number }>(
      sql`SELECT ST_X(p) AS x, ST_Y(p) AS y FROM ST_Transform(ST_SetSRID(ST_MakePoint(118.85, 32.85), 4326), 4527) p`,
    );
    const surveyed = await preview(
      'RESOURCE',
      'gk.csv',
      Buffer.from(`编码,名称,类型,X,Y\nP-GK,测量点,志愿服务队,${gk!.x},${gk!.y}\n`),
      'EPSG:4527',
    );
    expect(metres(at(surveyed, 0), [118.85, 32.85])).toBeLessThan(0.01);
    // Web Mercator metres (a web map's export) and CGCS2000 degrees, as PostGIS transforms them
    const [wm] = await db.rows<{ x: number; y: number }>(
      sql`SELECT ST_X(p) AS x, ST_Y(p) AS y FROM ST_Transform(ST_SetSRID(ST_MakePoint(118.85, 32.85), 4326), 3857) p`,
    );
    const mercator = await preview(
      'RESOURCE',
      'wm.csv',
      Buffer.from(`编码,名称,类型,X,Y\nP-WM,网页点,志愿服务队,${wm!.x},${wm!.y}\n`),
      'WEB_MERCATOR',
    );
    expect(metres(at(mercator, 0), [118.85, 32.85])).toBeLessThan(0.01);
    const [cgcs] = await db.rows<{ x: number; y: number }>(
      sql`SELECT ST_X(p) AS x, ST_Y(p) AS y FROM ST_Transform(ST_SetSRID(ST_MakePoint(118.85, 32.85), 4326), 4490) p`,
    );
    const geodetic = await preview(
      'RESOURCE',
      'cgcs.csv',
      Buffer.from(`编码,名称,类型,经度,纬度\nP-CG,国家点,志愿服务队,${cgcs!.x},${cgcs!.y}\n`),
      'CGCS2000',
    );
    expect(metres(at(geodetic, 0), [118.85, 32.85])).toBeLessThan(0.01);

    // the sample shapefile: a .prj in ESRI's words, found as EPSG:4527 in spatial_ref_sys
    const shp = await preview(
      'REGION',
      'c.zip',
      fs.readFileSync(path.join(samples, '2-communities-gk-gbk.zip')),
    );
    expect(shp.crs).toMatch(/EPSG:4527/);
    const ring = (shp.features.features[0]!.geometry.coordinates as number[][][][])[0]![0]!;
    expect(Math.min(...ring.map((p) => metres(p, [118.3, 32.34])))).toBeLessThan(0.01);
    // its street is not in this district: the communities cannot be placed, and say why
    expect(shp.problems.map((p) => p.reason)).toContain('UNKNOWN_PARENT');
  });

  it('refuses overlapping grids with the overlap named, and takes the fixed file', async () => {
    const half = (w: number) => square(w, 32.84, w + 0.01, 32.86);
    const bad =
      '网格编码,网格名称,所属社区,WKT\n' +
      `T-G1,东岗一网格,${C1},${wkt(square(118.84, 32.84, 118.85, 32.85))}\n` +
      `T-G2,西岗一网格,${C2},${wkt(square(118.849, 32.84, 118.86, 32.86))}\n` +
      // a shape PostGIS cannot read: that row's error, the others checked as usual
      `T-G9,坏网格,${C2},"POLYGON((118.84 32.84, 118.85"\n`;
    const first = await preview('GRID', 'grids.csv', Buffer.from(bad));
    expect(first.problems.filter((p) => p.reason === 'UNREADABLE_GEOMETRY')).toEqual([
      expect.objectContaining({ at: 'row 4', severity: 'ERROR' }),
    ]);
    expect(first.problems.filter((p) => p.reason === 'GRID_OVERLAP')).toEqual([
      expect.objectContaining({
        at: 'row 2',
        severity: 'ERROR',
        message: expect.stringMatching(/overlaps grid T-G2 by \d+ m²/),
      }),
      expect.objectContaining({
        at: 'row 3',
        severity: 'ERROR',
        message: expect.stringMatching(/overlaps grid T-G1/),
      }),
    ]);
    expect(first.problems).toContainEqual(
      expect.objectContaining({
        reason: 'GRID_GAP',
        severity: 'WARNING',
        message: expect.stringMatching(/community 341181901001/),
      }),
    );
    expect(await errorOf(apply(first.id))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'IMPORT_HAS_ERRORS',
    });
    expect(await codesOf('grids(first: 500)')).not.toContain('T-G1');

    const fixed =
      '网格编码,网格名称,所属社区,WKT\n' +
      `T-G1,东岗一网格,${C1},${wkt(half(118.84))}\n` +
      `T-G2,西岗一网格,${C2},${wkt(half(118.85))}\n`;
    const second = await preview('GRID', 'grids.csv', Buffer.from(fixed));
    expect(second, JSON.stringify(second.problems)).toMatchObject({
      create: 2,
      errors: 0,
      warnings: 0,
    });
    await apply(second.id);
    const at = await command.request<{ gridAt: { code: string } }>(
      `{ gridAt(lon: 118.855, lat: 32.85) { code } }`,
    );
    expect(at.gridAt.code).toBe('T-G2');
  });

  it('edits grids on the map under the import’s checks: overlaps refused, versions kept', async () => {
    const edit = (input: Record<string, unknown>, client = command) =>
      client.request<{
        editPlace: {
          code: string;
          action: string | null;
          saved: boolean;
          version: number | null;
          problems: { reason: string; severity: string; message: string }[];
        };
      }>(
        `mutation($input: EditPlaceInput!) { editPlace(input: $input) { code action saved version problems { reason severity message } } }`,
        { input },
      );
    const versionOf = async (code: string) =>
      (
        await command.request<{ grids: { nodes: { code: string; version: number }[] } }>(
          `query($s: String!) { grids(first: 5, filter: { search: $s }) { nodes { code version } } }`,
          { s: code },
        )
      ).grids.nodes.find((g) => g.code === code)!.version;
    const north = polygon(square(118.84, 32.85, 118.85, 32.86));
    // drawing a new grid over T-G1: the dry run names the overlap, nothing is saved
    const dry = await edit({
      kind: 'GRID',
      code: 'T-G3',
      name: '东岗二网格',
      community: C1,
      geometry: north,
      dryRun: true,
    });
    expect(dry.editPlace).toMatchObject({ saved: false, action: null });
    expect(dry.editPlace.problems).toContainEqual(
      expect.objectContaining({
        reason: 'GRID_OVERLAP',
        severity: 'ERROR',
        message: expect.stringMatching(/overlaps grid T-G1/),
      }),
    );
    expect(await codesOf('grids(first: 500)')).not.toContain('T-G3');
    // saving it anyway is refused with the same problem
    expect(
      await errorOf(
        edit({ kind: 'GRID', code: 'T-G3', name: '东岗二网格', community: C1, geometry: north }),
      ),
    ).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'EDIT_HAS_ERRORS',
      problems: [expect.objectContaining({ reason: 'GRID_OVERLAP' })],
    });

    // the fix: T-G1 gives up its north half (at the version seen), then T-G3 takes it
    const v1 = await versionOf('T-G1');
    const shrunk = await edit({
      kind: 'GRID',
      code: 'T-G1',
      geometry: polygon(square(118.84, 32.84, 118.85, 32.85)),
      expectedVersion: v1,
    });
    expect(shrunk.editPlace).toMatchObject({ saved: true, action: 'UPDATE', version: v1 + 1 });
    expect(shrunk.editPlace.problems).toContainEqual(
      expect.objectContaining({ reason: 'GRID_GAP', severity: 'WARNING' }),
    );
    // drawn on a Gaode map (GCJ-02): converted before it is judged
    const gcjNorth = polygon(
      square(118.84, 32.85, 118.85, 32.86).map((p) =>
        gcoord.transform(p, gcoord.WGS84, gcoord.GCJ02),
      ),
    );
    const created = await edit({
      kind: 'GRID',
      code: 'T-G3',
      name: '东岗二网格',
      community: C1,
      geometry: gcjNorth,
      crs: 'GCJ02',
    });
    expect(created.editPlace).toMatchObject({ saved: true, action: 'CREATE', version: 1 });
    const at = await command.request<{ gridAt: { code: string } }>(
      `{ gridAt(lon: 118.845, lat: 32.855) { code } }`,
    );
    expect(at.gridAt.code).toBe('T-G3');

    // an edit over one made since is refused, and changes nothing
    expect(
      await errorOf(edit({ kind: 'GRID', code: 'T-G1', name: '改名', expectedVersion: v1 })),
    ).toMatchObject({ code: 'CONFLICT', reason: 'STALE_VERSION' });
    // a rename alone keeps the shape
    const renamed = await edit({
      kind: 'GRID',
      code: 'T-G1',
      name: '东岗一网格（南）',
      expectedVersion: v1 + 1,
    });
    expect(renamed.editPlace).toMatchObject({ saved: true, action: 'UPDATE' });
    expect(
      (
        await command.request<{ gridAt: { name: string } }>(
          `{ gridAt(lon: 118.845, lat: 32.845) { name } }`,
        )
      ).gridAt.name,
    ).toBe('东岗一网格（南）');

    // a street's staff may not draw in another street's community
    const street = new GraphQLClient(`${server.url}/graphql`, {
      headers: { cookie: await signIn(server.url, 'street') },
    });
    expect(
      await errorOf(
        edit({ kind: 'GRID', code: 'T-G1', name: '越权', expectedVersion: v1 + 2 }, street),
      ),
    ).toMatchObject({
      reason: 'EDIT_HAS_ERRORS',
      problems: [expect.objectContaining({ reason: 'OUTSIDE_JURISDICTION' })],
    });
    const admin = await clientAs(server.url, 'admin');
    const lines = (
      await admin.request<{ auditLog: { result: string; actor: string }[] }>(
        `{ auditLog(action: "mutation editPlace", last: 20) { result actor } }`,
      )
    ).auditLog;
    expect(lines.filter((l) => l.result === 'OK').length).toBeGreaterThanOrEqual(4);
    expect(lines.map((l) => l.result)).toContain('BAD_USER_INPUT EDIT_HAS_ERRORS');
  });

  it('imports compounds drawn on Gaode, property companies from a GBK CSV, and people placed by compound name', async () => {
    const companies = await preview(
      'PROPERTY_COMPANY',
      'wy.csv',
      fs.readFileSync(path.join(samples, '3-property-companies-gbk.csv')),
    );
    expect(companies, JSON.stringify(companies.problems)).toMatchObject({ create: 2, errors: 0 });
    await apply(companies.id);
    const gcj = (ring: Ring) => ring.map((p) => gcoord.transform(p, gcoord.WGS84, gcoord.GCJ02));
    const compounds = collection(
      feature(
        { 小区编码: 'T-K1', 小区名称: '岗东花园', 所属社区: C1, 户数: 200, 物业公司: 'WY-01' },
        polygon(gcj(square(118.842, 32.842, 118.844, 32.844))),
      ),
      feature(
        {
          小区编码: 'T-K2',
          小区名称: '岗西新村',
          所属社区: C2,
          物业公司: '醉翁物业管理有限公司(示例)',
        },
        polygon(gcj(square(118.852, 32.852, 118.854, 32.854))),
      ),
    );
    const first = await preview('COMPOUND', 'k.geojson', compounds, 'GCJ02');
    expect(first, JSON.stringify(first.problems)).toMatchObject({ create: 2, errors: 0 });
    await apply(first.id);
    const k1 = await command.request<{
      compoundAt: { code: string; households: number; propertyCompany: { code: string } };
    }>(`{ compoundAt(lon: 118.843, lat: 32.843) { code households propertyCompany { code } } }`);
    expect(k1.compoundAt).toEqual({
      code: 'T-K1',
      households: 200,
      propertyCompany: { code: 'WY-01' },
    });
    // the same file again: nothing to do
    expect(await preview('COMPOUND', 'k.geojson', compounds, 'GCJ02')).toMatchObject({
      unchanged: 2,
      create: 0,
      update: 0,
    });

    const book =
      '编码,名称,类型,所属社区,所属小区,服务能力,服务时间,认领责任区\n' +
      `T-DY1,党员甲,在职党员,${C1},岗东花园,邻里调解、政策宣传,每月8、18、28日,T-K1\n` +
      `T-DY2,党员乙,在职党员,${C2},没有这个小区,书法,全天,\n`;
    const people = await preview('RESOURCE', 'dy.csv', Buffer.from(book));
    expect(people.problems).toEqual([
      expect.objectContaining({
        at: 'row 3',
        reason: 'UNPLACEABLE',
        message: expect.stringMatching(/没有这个小区/),
      }),
      expect.objectContaining({
        at: 'row 3',
        reason: 'UNKNOWN_CAPABILITY',
        severity: 'WARNING',
        message: expect.stringMatching(/书法/),
      }),
    ]);
    expect(
      metres(people.features.features[0]!.geometry.coordinates as number[], [118.843, 32.843]),
    ).toBeLessThan(150);
    // placed, the people come in with their claimed zone (认领责任区) and their schedule
    const placed = await preview(
      'RESOURCE',
      'dy.csv',
      Buffer.from(book.replace('没有这个小区', '岗西新村')),
    );
    expect(placed, JSON.stringify(placed.problems)).toMatchObject({ create: 2, errors: 0 });
    await apply(placed.id);
    const member = await command.request<{
      resources: {
        nodes: {
          code: string;
          capabilities: string[];
          availability: unknown;
          claims: { compound: { code: string } | null }[];
        }[];
      };
    }>(
      `{ resources(first: 5, filter: { search: "T-DY1" }) { nodes { code capabilities availability claims { compound { code } } } } }`,
    );
    expect(member.resources.nodes).toEqual([
      {
        code: 'T-DY1',
        capabilities: ['mediation', 'policy_advice'],
        availability: { monthlyDays: [8, 18, 28] },
        claims: [{ compound: { code: 'T-K1' } }],
      },
    ]);
  });

  it('refuses bad files, naming the file, and writes nothing but the refusal’s audit line', async () => {
    const corrupt = await upload(
      'COMPOUND',
      'broken.zip',
      new Uint8Array([0x50, 0x4b, 3, 4, 9, 9, 9]),
    );
    expect(corrupt.status).toBe(400);
    expect(corrupt.body.errors![0]).toMatchObject({
      message: expect.stringMatching(/^broken\.zip: /),
      extensions: { code: 'BAD_USER_INPUT', reason: 'CORRUPT_ZIP' },
    });
    const big = await upload('COMPOUND', 'big.geojson', Buffer.alloc(500_000, 0x20));
    expect(big.status).toBe(413);
    expect(big.body.errors![0]!.extensions).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    const unknownCrs = await upload('COMPOUND', 'k.geojson', regionsFile(), { crs: 'EPSG:2385' });
    expect(unknownCrs.body.errors![0]!.extensions).toMatchObject({
      reason: 'UNKNOWN_CRS',
      field: 'crs',
    });

    const twice = collection(
      feature(
        { 编码: 'T-K9', 名称: '甲', 所属社区: C1 },
        polygon(square(118.845, 32.845, 118.846, 32.846)),
      ),
      feature(
        { 编码: 'T-K9', 名称: '乙', 所属社区: C1 },
        polygon(square(118.846, 32.846, 118.847, 32.847)),
      ),
      feature(
        { 编码: 'T-K8', 名称: '丙', 所属社区: C1 },
        { type: 'Point', coordinates: [32.845, 118.845] },
      ),
    );
    const dup = await preview('COMPOUND', 'dup.geojson', twice);
    expect(dup.problems.map((p) => [p.at, p.reason])).toEqual(
      expect.arrayContaining([
        ['feature 1', 'DUPLICATE_CODE'],
        ['feature 2', 'DUPLICATE_CODE'],
        ['feature 3', 'WRONG_GEOMETRY_TYPE'],
        ['feature 3', 'SWAPPED_LON_LAT'],
      ]),
    );
    expect(await errorOf(apply(dup.id))).toMatchObject({ reason: 'IMPORT_HAS_ERRORS' });
    expect(await codesOf('compounds(first: 10, filter: { search: "T-K9" })')).toEqual([]);

    const admin = await clientAs(server.url, 'admin');
    const refused = (
      await admin.request<{ auditLog: { result: string; details: string }[] }>(
        `{ auditLog(action: "POST /imports", last: 10) { result details } }`,
      )
    ).auditLog.map((l) => l.result);
    expect(refused).toEqual(
      expect.arrayContaining(['BAD_USER_INPUT CORRUPT_ZIP', 'PAYLOAD_TOO_LARGE TOO_LARGE']),
    );
  });

  it('keeps imports to staff who may write places, within their jurisdiction', async () => {
    const community = await upload('COMPOUND', 'k.geojson', regionsFile(), {
      as: await signIn(server.url, 'community'),
    });
    expect(community.status).toBe(403);
    expect(community.body.errors![0]!.extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'NO_PERMISSION',
    });
    // the street's staff may not put compounds into a community of another street
    const street = await signIn(server.url, 'street');
    const { body } = await upload(
      'COMPOUND',
      'k.geojson',
      collection(
        feature(
          { 编码: 'T-K7', 名称: '丁', 所属社区: C1 },
          polygon(square(118.845, 32.845, 118.846, 32.846)),
        ),
      ),
      { as: street },
    );
    const streetClient = new GraphQLClient(`${server.url}/graphql`, {
      headers: { cookie: street },
    });
    const seen = (
      await streetClient.request<{ node: Report }>(
        `query($id: ID!) { node(id: $id) { ... on DataImport { ${REPORT} } } }`,
        { id: body.id },
      )
    ).node;
    expect(seen.problems).toContainEqual(
      expect.objectContaining({ reason: 'OUTSIDE_JURISDICTION' }),
    );
    // a team of no community is judged by where it stands: in the district for its command
    // centre, outside the street's own streets for the street's staff
    const team = Buffer.from(
      '编码,名称,类型,经度,纬度\nT-TEAM,街道巡查队,综合执法,118.845,32.845\n',
    );
    const ours = await preview('RESOURCE', 'team.csv', team);
    expect(ours.problems.map((p) => p.reason)).not.toContain('OUTSIDE_JURISDICTION');
    const theirs = await upload('RESOURCE', 'team.csv', team, { as: street });
    const theirReport = (
      await streetClient.request<{ node: Report }>(
        `query($id: ID!) { node(id: $id) { ... on DataImport { ${REPORT} } } }`,
        { id: theirs.body.id },
      )
    ).node;
    expect(theirReport.problems.map((p) => p.reason)).toContain('OUTSIDE_JURISDICTION');
    // and another account's import is not there to see or apply
    expect(await errorOf(apply(body.id!))).toMatchObject({ code: 'NOT_FOUND' });
  });
});
