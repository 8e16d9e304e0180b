import ExcelJS from 'exceljs';
import { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken, signIn } from '../support/auth';
import { engineName } from '../support/db';
import { startServer, type RunningServer } from '../support/server';

// Export over HTTP, as a street hands its map on: GET /exports/<kind>.<format>, the file read
// back as a reader would (JSON, exceljs) and imported again through POST /imports, where every
// row must come out UNCHANGED. Personal fields follow who asks; every export is audited.

const IMPORT_KIND: Record<string, string> = {
  regions: 'REGION',
  compounds: 'COMPOUND',
  grids: 'GRID',
  buildings: 'BUILDING',
  'property-companies': 'PROPERTY_COMPANY',
  resources: 'RESOURCE',
};

interface Collection {
  type: string;
  yitu: { kind: string; region: string | null; rows: number; masked: string[] };
  features: { geometry: { type: string } | null; properties: Record<string, unknown> }[];
}
interface Report {
  id: string;
  rows: number;
  create: number;
  update: number;
  unchanged: number;
  errors: number;
  problems: { at: string; severity: string; reason: string; message: string }[];
}
const REPORT = 'id rows create update unchanged errors problems { at severity reason message }';

/** The first sheet of a workbook as header → value records, and its other sheets' rows. */
async function readXlsx(bytes: Buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const [data, about] = workbook.worksheets;
  const headers = (data!.getRow(1).values as unknown[]).slice(1).map(String);
  const rows: Record<string, unknown>[] = [];
  data!.eachRow((row, n) => {
    if (n === 1) return;
    const values = (row.values as unknown[]).slice(1);
    rows.push(Object.fromEntries(headers.map((h, i) => [h, values[i] ?? null])));
  });
  const notes = new Map<string, unknown>();
  about?.eachRow((row) => notes.set(String(row.getCell(1).value), row.getCell(2).value));
  return { sheet: data!.name, headers, rows, notes };
}

describe(`exporting places and people over HTTP (${engineName()})`, () => {
  let server: RunningServer;
  let cookies: Record<'command' | 'admin' | 'community', string>;
  let command: GraphQLClient;
  let admin: GraphQLClient;
  /** The community of the demo account 'community', another one, and the street of both. */
  let community: string;
  let otherCommunity: string;
  let street: { id: string; code: string; communities: string[] };

  beforeAll(async () => {
    server = await startServer();
    cookies = {
      command: await signIn(server.url, 'command'),
      admin: await signIn(server.url, 'admin'),
      community: await signIn(server.url, 'community'),
    };
    command = new GraphQLClient(`${server.url}/graphql`, { headers: { cookie: cookies.command } });
    admin = new GraphQLClient(`${server.url}/graphql`, { headers: { cookie: cookies.admin } });
    const own = await new GraphQLClient(`${server.url}/graphql`, {
      headers: { cookie: cookies.community },
    }).request<{ viewer: { jurisdictionId: string } }>(`{ viewer { jurisdictionId } }`);
    const { node } = await command.request<{
      node: { code: string; parent: { id: string; code: string; children: { code: string }[] } };
    }>(
      `query($id: ID!) { node(id: $id) { ... on Region { code parent { id code children { code } } } } }`,
      { id: own.viewer.jurisdictionId },
    );
    community = node.code;
    street = {
      id: node.parent.id,
      code: node.parent.code,
      communities: node.parent.children.map((c) => c.code),
    };
    otherCommunity = street.communities.find((c) => c !== community)!;
  });
  afterAll(() => server?.stop());

  const download = async (file: string, credentials: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}/exports/${file}`, { headers: credentials });
    return { res, bytes: Buffer.from(await res.arrayBuffer()) };
  };
  const as = (who: keyof typeof cookies) => ({ cookie: cookies[who] });
  const refusalOf = (bytes: Buffer) =>
    (JSON.parse(bytes.toString()) as { errors: { extensions: Record<string, unknown> }[] })
      .errors[0]!.extensions;
  /** Imports the file as `who` and returns the dry run's report. */
  const reimport = async (
    kind: string,
    fileName: string,
    bytes: Buffer,
    who: 'command' | 'admin' = 'command',
  ) => {
    const form = new FormData();
    form.append('kind', kind);
    form.append('file', new Blob([bytes]), fileName);
    const res = await fetch(`${server.url}/imports`, {
      method: 'POST',
      body: form,
      headers: as(who),
    });
    const body = (await res.json()) as { id: string };
    expect(res.status, JSON.stringify(body)).toBe(201);
    // an import is its uploader's to see
    return (
      await (who === 'admin' ? admin : command).request<{ node: Report }>(
        `query($id: ID!) { node(id: $id) { ... on DataImport { ${REPORT} } } }`,
        { id: body.id },
      )
    ).node;
  };
  const discard = (id: string, who: 'command' | 'admin' = 'command') =>
    (who === 'admin' ? admin : command).request(
      `mutation($id: ID!) { discardImport(importId: $id) { id } }`,
      { id },
    );
  const exportLines = async (last = 10) =>
    (
      await admin.request<{
        auditLog: { actor: string; result: string; details: string | null }[];
      }>(
        `query($n: Int!) { auditLog(action: "GET /exports", last: $n) { actor result details } }`,
        {
          n: last,
        },
      )
    ).auditLog.map((l) => ({ ...l, details: JSON.parse(l.details ?? 'null') as unknown }));
  const errorsOf = (report: Report) =>
    JSON.stringify(report.problems.filter((p) => p.severity === 'ERROR').slice(0, 5));

  it('refuses without sign-in (401) and a kind or format it does not export, each refusal audited', async () => {
    const anonymous = await download('compounds.geojson');
    expect(anonymous.res.status).toBe(401);
    expect(refusalOf(anonymous.bytes)).toMatchObject({
      code: 'UNAUTHENTICATED',
      reason: 'SIGN_IN_REQUIRED',
    });
    const tickets = await download('tickets.geojson', as('command'));
    expect(tickets.res.status).toBe(400);
    expect(refusalOf(tickets.bytes)).toMatchObject({ reason: 'UNKNOWN_KIND' });
    const csv = await download('compounds.csv', as('command'));
    expect(refusalOf(csv.bytes)).toMatchObject({ reason: 'UNKNOWN_FORMAT' });

    const lines = await exportLines(3);
    expect(lines.map((l) => [l.actor, l.result])).toEqual([
      ['account:command', 'BAD_USER_INPUT UNKNOWN_FORMAT'],
      ['account:command', 'BAD_USER_INPUT UNKNOWN_KIND'],
      ['anonymous', 'UNAUTHENTICATED SIGN_IN_REQUIRED'],
    ]);
  });

  it('exports every compound as GeoJSON that imports again with every row unchanged, in one audit line with the count', async () => {
    // one compound drawn at full double precision, as a transformed Gauss-Krüger file gives them
    // (the demo city's coordinates have 7 decimals)
    const { features } = JSON.parse(
      (await download(`compounds.geojson?region=${community}`, as('command'))).bytes.toString(),
    ) as Collection;
    const ring = (features[0]!.geometry as unknown as { coordinates: number[][][] })
      .coordinates[0]!;
    const x =
      ring.slice(0, -1).reduce((sum, p) => sum + p[0]!, 0) / (ring.length - 1) + Math.PI * 1e-7;
    const y =
      ring.slice(0, -1).reduce((sum, p) => sum + p[1]!, 0) / (ring.length - 1) + Math.E * 1e-7;
    const d = Math.SQRT2 * 1e-5;
    const precise = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { 编码: 'T-PRECISE', 名称: '精确小区', 所属社区: community, 户数: 12 },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [x - d, y - d],
                [x + d, y - d],
                [x + d, y + d],
                [x - d, y + d],
                [x - d, y - d],
              ],
            ],
          },
        },
      ],
    };
    const created = await reimport(
      'COMPOUND',
      'precise.geojson',
      Buffer.from(JSON.stringify(precise)),
    );
    expect(created, errorsOf(created)).toMatchObject({ create: 1, errors: 0 });
    await command.request(
      `mutation($input: ApplyImportInput!) { applyImport(input: $input) { id } }`,
      { input: { importId: created.id } },
    );

    const { res, bytes } = await download('compounds.geojson', as('command'));
    expect(res.status, bytes.toString().slice(0, 500)).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/geo\+json/);
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="?yitu-compounds\.geojson"?$/,
    );
    expect(res.headers.get('cache-control')).toBe('no-store');
    const file = JSON.parse(bytes.toString()) as Collection;
    const { compounds } = await command.request<{ compounds: { totalCount: number } }>(
      `{ compounds(first: 1) { totalCount } }`,
    );
    expect(file.features).toHaveLength(compounds.totalCount);
    expect(file.yitu).toMatchObject({ kind: 'compounds', region: null, masked: [] });
    const first = file.features[0]!;
    expect(first.geometry!.type).toBe('Polygon');
    expect(Object.keys(first.properties)).toEqual([
      '编码',
      '名称',
      '所属社区',
      '户数',
      '建成年份',
      '物业公司',
      '标签',
    ]);
    expect(typeof first.properties['户数']).toBe('number');

    const report = await reimport('COMPOUND', 'yitu-compounds.geojson', bytes);
    expect(report, errorsOf(report)).toMatchObject({
      rows: compounds.totalCount,
      unchanged: compounds.totalCount,
      create: 0,
      update: 0,
      errors: 0,
    });
    const { applyImport } = await command.request<{ applyImport: Report }>(
      `mutation($input: ApplyImportInput!) { applyImport(input: $input) { ${REPORT} } }`,
      { input: { importId: report.id } },
    );
    expect(applyImport.unchanged).toBe(compounds.totalCount);

    const [line] = await exportLines(1);
    expect(line).toMatchObject({
      actor: 'account:command',
      result: 'OK',
      details: { kind: 'compounds', format: 'geojson', region: null, rows: compounds.totalCount },
    });
  });

  it.each(Object.keys(IMPORT_KIND).flatMap((kind) => [`${kind}.geojson`, `${kind}.xlsx`]))(
    'exports %s of one place, which imports again unchanged',
    async (file) => {
      const kind = file.split('.')[0]!;
      // regions from the street (it and its communities), everything else from one community
      const region = kind === 'regions' ? street.code : community;
      const { res, bytes } = await download(`${file}?region=${region}`, as('command'));
      expect(res.status, bytes.toString().slice(0, 500)).toBe(200);
      const rows = file.endsWith('.xlsx')
        ? (await readXlsx(bytes)).rows.length
        : (JSON.parse(bytes.toString()) as Collection).features.length;
      expect(rows).toBeGreaterThan(0);
      // imported by the administrator: a district's staff may not import a resource without
      // a community (a street's shared team), which the export of a place holds
      const report = await reimport(IMPORT_KIND[kind]!, file, bytes, 'admin');
      expect(report, errorsOf(report)).toMatchObject({
        rows,
        unchanged: rows,
        create: 0,
        update: 0,
        errors: 0,
      });
      await discard(report.id, 'admin');
    },
  );

  it('writes resources to xlsx with their contact masked for the administrator and a token, in full for the community’s staff', async () => {
    const full = await download('resources.xlsx', as('community'));
    expect(full.res.status).toBe(200);
    expect(full.res.headers.get('content-type')).toMatch(/spreadsheetml/);
    const mine = await readXlsx(full.bytes);
    expect(mine.sheet).toBe('资源');
    expect(mine.headers).toEqual(
      expect.arrayContaining(['编码', '名称', '类型', '所属社区', '联系人', '联系电话', '经度']),
    );
    expect(mine.rows.length).toBeGreaterThan(10);
    // the community's own, and what its street shares standing in it
    expect(new Set(mine.rows.map((r) => r['所属社区'] ?? null))).toEqual(
      new Set(mine.rows.some((r) => r['所属社区'] == null) ? [community, null] : [community]),
    );
    const phones = mine.rows.map((r) => r['联系电话']).filter((p) => p != null);
    expect(phones.length).toBeGreaterThan(10);
    for (const phone of phones) expect(phone).toMatch(/^[\d-]{7,}$/);
    for (const row of mine.rows) {
      expect(typeof row['容量']).toBe('number');
      expect(typeof row['经度']).toBe('number');
    }
    expect(mine.notes.get('已遮蔽字段')).toBe('无');

    const masked = await download(`resources.xlsx?region=${community}`, as('admin'));
    const theirs = await readXlsx(masked.bytes);
    expect(theirs.rows.map((r) => r['编码'])).toEqual(mine.rows.map((r) => r['编码']));
    for (const [i, row] of theirs.rows.entries()) {
      const real = mine.rows[i]!;
      if (real['联系电话'] != null)
        expect(row['联系电话']).toBe(
          `${String(real['联系电话']).slice(0, 3)}****${String(real['联系电话']).slice(-4)}`,
        );
      if (real['联系人'] != null) {
        expect(row['联系人']).toMatch(/^.\*+$/u);
        expect(String(row['联系人'])[0]).toBe(String(real['联系人'])[0]);
      }
    }
    expect(theirs.notes.get('已遮蔽字段')).toBe('联系人、联系电话');

    const token = await issueToken(server.url, { username: 'community', scopes: ['read:places'] });
    const byToken = await readXlsx(
      (await download('resources.xlsx', { authorization: `Bearer ${token}` })).bytes,
    );
    expect(byToken.rows.map((r) => r['联系电话'])).toEqual(theirs.rows.map((r) => r['联系电话']));

    const [tokenLine, adminLine, staffLine] = await exportLines(3);
    const count = mine.rows.length;
    expect(staffLine).toMatchObject({
      actor: 'account:community',
      details: {
        kind: 'resources',
        format: 'xlsx',
        region: null,
        rows: count,
        personal: 'unmasked',
      },
    });
    expect(adminLine).toMatchObject({
      actor: 'account:admin',
      details: { region: community, rows: count, masked: ['联系人', '联系电话'] },
    });
    expect(tokenLine!.actor).toMatch(/^token:/);
    expect(tokenLine!.details).toMatchObject({ rows: count, masked: ['联系人', '联系电话'] });

    // the masked file imported again keeps the contacts already stored, and says why
    const report = await reimport('RESOURCE', 'masked.xlsx', masked.bytes, 'admin');
    expect(report, errorsOf(report)).toMatchObject({ unchanged: count, update: 0, errors: 0 });
    expect(report.problems.some((p) => p.reason === 'MASKED')).toBe(true);
    await discard(report.id, 'admin');
  });

  it('keeps an export to the region asked for, within the jurisdiction', async () => {
    const { bytes } = await download(`compounds.geojson?region=${street.code}`, as('command'));
    const file = JSON.parse(bytes.toString()) as Collection;
    const { compounds } = await command.request<{ compounds: { totalCount: number } }>(
      `query($id: ID!) { compounds(first: 1, filter: { regionId: $id }) { totalCount } }`,
      { id: street.id },
    );
    expect(file.features).toHaveLength(compounds.totalCount);
    expect(file.yitu).toMatchObject({ region: street.code, rows: compounds.totalCount });
    for (const f of file.features) expect(street.communities).toContain(f.properties['所属社区']);
    const [line] = await exportLines(1);
    expect(line!.details).toMatchObject({ region: street.code, rows: compounds.totalCount });

    // property companies have no place: the district gets every one, a community those of its
    // compounds
    const { propertyCompanies } = await command.request<{
      propertyCompanies: { totalCount: number };
    }>(`{ propertyCompanies(first: 1) { totalCount } }`);
    const companiesOf = async (who: keyof typeof cookies) =>
      (
        JSON.parse(
          (await download('property-companies.geojson', as(who))).bytes.toString(),
        ) as Collection
      ).features.length;
    expect(await companiesOf('command')).toBe(propertyCompanies.totalCount);
    const communityCompanies = await companiesOf('community');
    expect(communityCompanies).toBeGreaterThan(0);
    expect(communityCompanies).toBeLessThan(propertyCompanies.totalCount);

    // community staff: their own community by default, never another one
    const own = JSON.parse(
      (await download('compounds.geojson', as('community'))).bytes.toString(),
    ) as Collection;
    expect(new Set(own.features.map((f) => f.properties['所属社区']))).toEqual(
      new Set([community]),
    );
    const other = await download(`compounds.geojson?region=${otherCommunity}`, as('community'));
    expect(other.res.status).toBe(403);
    expect(refusalOf(other.bytes)).toMatchObject({ reason: 'OUTSIDE_JURISDICTION' });
    const unknown = await download('compounds.geojson?region=000000', as('command'));
    expect(unknown.res.status).toBe(400);
    expect(refusalOf(unknown.bytes)).toMatchObject({ reason: 'UNKNOWN_REGION' });
    const lines = await exportLines(2);
    expect(lines.map((l) => l.result)).toEqual([
      'BAD_USER_INPUT UNKNOWN_REGION',
      'FORBIDDEN OUTSIDE_JURISDICTION',
    ]);
  });
});
