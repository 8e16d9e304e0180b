import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { zipSync } from 'fflate';
import { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAs, signIn } from '../support/auth';
import { engineName } from '../support/db';
import { errorOf } from '../support/graphql';
import { startServer, type RunningServer } from '../support/server';

// 建档 attacked as a hostile or clumsy user would, over HTTP against the demo city: a street's
// staff (广陵街道, 341181001) reaching into the other street (千秋街道, 341181002), files made to
// exhaust the server, and applies raced against edits. Each must end in a clear error with a
// code, change nothing, and leave the server answering.

const samples = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/district');
const OWN_COMMUNITY = '341181001001'; // 东园社区, 广陵街道
const OWN_COMPOUND = '34118100100101';
const THEIR_COMPOUND = '34118100201905'; // 翠湖公寓, 千秋街道 滨河社区

interface Problem {
  at: string;
  field: string;
  reason: string;
  severity: string;
  message: string;
}

describe(`importing and editing places under attack (${engineName()})`, () => {
  let server: RunningServer;
  let command: GraphQLClient;
  let commandCookie: string;
  let streetCookie: string;
  let street: GraphQLClient;

  beforeAll(async () => {
    server = await startServer();
    commandCookie = await signIn(server.url, 'command');
    command = new GraphQLClient(`${server.url}/graphql`, { headers: { cookie: commandCookie } });
    streetCookie = await signIn(server.url, 'street');
    street = new GraphQLClient(`${server.url}/graphql`, { headers: { cookie: streetCookie } });
  });
  afterAll(() => server?.stop());

  const upload = async (kind: string, fileName: string, bytes: Uint8Array, cookie: string) => {
    const form = new FormData();
    form.append('kind', kind);
    form.append('file', new Blob([bytes]), fileName);
    const res = await fetch(`${server.url}/imports`, {
      method: 'POST',
      body: form,
      headers: { cookie },
    });
    const body = (await res.json()) as {
      id?: string;
      errors?: { message: string; extensions: Record<string, unknown> }[];
    };
    return { status: res.status, body };
  };
  const problemsOf = async (id: string, client: GraphQLClient) =>
    (
      await client.request<{ node: { problems: Problem[] } }>(
        `query($id: ID!) { node(id: $id) { ... on DataImport { problems { at field reason severity message } } } }`,
        { id },
      )
    ).node.problems;
  const apply = (id: string, client: GraphQLClient) =>
    client.request<{ applyImport: { status: string } }>(
      `mutation($id: ID!) { applyImport(input: { importId: $id }) { status } }`,
      { id },
    );
  const edit = (input: Record<string, unknown>, client: GraphQLClient) =>
    client.request<{ editPlace: { saved: boolean; version: number } }>(
      `mutation($input: EditPlaceInput!) { editPlace(input: $input) { saved version } }`,
      { input },
    );
  const compound = async (code: string) =>
    (
      await command.request<{
        compounds: {
          nodes: {
            name: string;
            version: number;
            boundary: unknown;
            community: { code: string };
          }[];
        };
      }>(
        `query($s: String!) { compounds(first: 1, filter: { search: $s }) { nodes { name version boundary community { code } } } }`,
        { s: code },
      )
    ).compounds.nodes[0]!;
  const compoundFile = (properties: Record<string, unknown>, geometry: unknown) =>
    Buffer.from(
      JSON.stringify({
        type: 'FeatureCollection',
        features: [{ type: 'Feature', properties, geometry }],
      }),
    );

  it('refuses taking over another street’s compound by naming one’s own community', async () => {
    const before = await compound(THEIR_COMPOUND);
    const ours = await compound(OWN_COMPOUND);
    const file = compoundFile(
      { 编码: THEIR_COMPOUND, 名称: '被接管', 所属社区: OWN_COMMUNITY },
      ours.boundary,
    );
    const { status, body } = await upload('COMPOUND', 'takeover.geojson', file, streetCookie);
    expect(status).toBe(201);
    expect(await problemsOf(body.id!, street)).toContainEqual(
      expect.objectContaining({
        at: 'feature 1',
        field: '编码',
        reason: 'OUTSIDE_JURISDICTION',
        severity: 'ERROR',
        message: expect.stringContaining(`code ${THEIR_COMPOUND} is 翠湖公寓 of community`),
      }),
    );
    expect(await errorOf(apply(body.id!, street))).toMatchObject({
      reason: 'IMPORT_HAS_ERRORS',
    });
    // nor by drawing it on the map
    expect(
      await errorOf(
        edit(
          { kind: 'COMPOUND', code: THEIR_COMPOUND, community: OWN_COMMUNITY, name: '被接管' },
          street,
        ),
      ),
    ).toMatchObject({
      reason: 'EDIT_HAS_ERRORS',
      problems: expect.arrayContaining([
        expect.objectContaining({ reason: 'OUTSIDE_JURISDICTION', field: '编码' }),
      ]),
    });
    expect(await compound(THEIR_COMPOUND)).toEqual(before);
  });

  it('refuses an apply that would overwrite what someone changed after the dry run', async () => {
    const was = await compound(OWN_COMPOUND);
    const file = compoundFile(
      { 编码: OWN_COMPOUND, 名称: '文件里的名字', 所属社区: OWN_COMMUNITY },
      was.boundary,
    );
    const { body } = await upload('COMPOUND', 'rename.geojson', file, commandCookie);
    // meanwhile a colleague renames it on the map
    await edit(
      { kind: 'COMPOUND', code: OWN_COMPOUND, name: '同事改的名字', expectedVersion: was.version },
      street,
    );
    expect(await errorOf(apply(body.id!, command))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'IMPORT_HAS_ERRORS',
      problems: [
        expect.objectContaining({
          at: 'feature 1',
          reason: 'CHANGED_SINCE_PREVIEW',
          message: expect.stringContaining(`code ${OWN_COMPOUND} was changed by someone else`),
        }),
      ],
    });
    expect((await compound(OWN_COMPOUND)).name).toBe('同事改的名字');

    // two people import the same new company under other names: the second learns the first
    // created it (had they written the same, the second apply would simply change nothing)
    const csv = (name: string) => Buffer.from(`编码,名称\nRT-WY-1,${name}\n`);
    const first = await upload('PROPERTY_COMPANY', 'a.csv', csv('甲物业'), commandCookie);
    const second = await upload('PROPERTY_COMPANY', 'b.csv', csv('甲物业公司'), streetCookie);
    await apply(first.body.id!, command);
    expect(await errorOf(apply(second.body.id!, street))).toMatchObject({
      problems: [
        expect.objectContaining({
          message: expect.stringMatching(/RT-WY-1 was created by someone/),
        }),
      ],
    });
    // the same import applied twice at once: one apply, the other CONFLICT
    const third = await upload(
      'PROPERTY_COMPANY',
      'b.csv',
      Buffer.from('编码,名称\nRT-WY-2,乙物业\n'),
      commandCookie,
    );
    const results = await Promise.allSettled([
      apply(third.body.id!, command),
      apply(third.body.id!, command),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      await errorOf(
        Promise.reject(
          (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason,
        ),
      ),
    ).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_APPLIED' });
  });

  it('refuses micro-grids that name themselves or each other as their grid', async () => {
    const shape = (await compound(OWN_COMPOUND)).boundary;
    const micro = (code: string, parent: string) => ({
      type: 'Feature',
      properties: { 网格编码: code, 网格名称: code, 所属社区: OWN_COMMUNITY, 上级网格: parent },
      geometry: shape,
    });
    const file = Buffer.from(
      JSON.stringify({
        type: 'FeatureCollection',
        features: [micro('RT-M1', 'RT-M2'), micro('RT-M2', 'RT-M1'), micro('RT-M3', 'RT-M3')],
      }),
    );
    const { body } = await upload('GRID', 'cycle.geojson', file, commandCookie);
    const found = (await problemsOf(body.id!, command)).filter(
      (p) => p.reason === 'PARENT_NOT_A_GRID',
    );
    expect(found.map((p) => [p.at, p.field])).toEqual([
      ['feature 1', '上级网格'],
      ['feature 2', '上级网格'],
      ['feature 3', '上级网格'],
    ]);
    expect(found[2]!.message).toMatch(/cannot lie in itself/);
    expect(await errorOf(apply(body.id!, command))).toMatchObject({
      reason: 'IMPORT_HAS_ERRORS',
    });
  });

  it('answers NUL, overlong codes, zip bombs and broken edit shapes with a code, not a 500', async () => {
    const nul = await upload(
      'PROPERTY_COMPANY',
      'nul.csv',
      Buffer.from('编码,名称\nRT-N\u0000,甲\n'),
      commandCookie,
    );
    expect(nul.status).toBe(400);
    expect(nul.body.errors![0]!).toMatchObject({
      message: expect.stringMatching(/^nul\.csv: row 2\.编码 holds U\+0000/),
      extensions: { code: 'BAD_USER_INPUT', reason: 'INVALID_TEXT', field: 'row 2.编码' },
    });

    const long = await upload(
      'PROPERTY_COMPANY',
      'long.csv',
      Buffer.from(`编码,名称\n${'C'.repeat(5_000)},甲\n`),
      commandCookie,
    );
    expect(await problemsOf(long.body.id!, command)).toContainEqual(
      expect.objectContaining({ at: 'row 2', field: '编码', reason: 'TOO_LONG' }),
    );
    expect(await errorOf(apply(long.body.id!, command))).toMatchObject({
      reason: 'IMPORT_HAS_ERRORS',
    });

    // a zip whose parts say they unpack to 2 GB each
    const zip = zipSync({
      'a.shp': new Uint8Array(200),
      'a.dbf': new Uint8Array(200),
    });
    const view = new DataView(zip.buffer);
    let at = view.getUint32(zip.length - 22 + 16, true);
    for (let i = 0; i < 2; i++) {
      view.setUint32(at + 24, 2 ** 31, true);
      view.setUint32(view.getUint32(at + 42, true) + 22, 2 ** 31, true);
      at += 46 + [28, 30, 32].reduce((sum, o) => sum + view.getUint16(at + o, true), 0);
    }
    const bomb = await upload('REGION', 'bomb.zip', zip, commandCookie);
    expect(bomb.status).toBe(413);
    expect(bomb.body.errors![0]!.extensions).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      reason: 'UNZIPPED_TOO_LARGE',
    });
    const sample = fs.readFileSync(path.join(samples, '3-property-companies-gbk.csv'));
    expect((await upload('PROPERTY_COMPANY', 'wy.csv', sample, commandCookie)).status).toBe(201);

    const drawn = { kind: 'GRID', code: 'RT-G1', name: '网格', community: OWN_COMMUNITY };
    expect(
      await errorOf(edit({ ...drawn, geometry: 'hello', crs: 'GCJ02', dryRun: true }, command)),
    ).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'UNSUPPORTED_GEOMETRY',
      field: 'input.geometry',
    });
    const open = [
      [118.99, 32.7],
      [118.991, 32.7],
      [118.991, 32.701],
    ];
    expect(
      await errorOf(
        edit({ ...drawn, geometry: { type: 'Polygon', coordinates: [open] } }, command),
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNCLOSED_RING' });

    const admin = await clientAs(server.url, 'admin');
    const refused = (
      await admin.request<{ auditLog: { result: string }[] }>(
        `{ auditLog(action: "POST /imports", last: 10) { result } }`,
      )
    ).auditLog.map((l) => l.result);
    expect(refused).toEqual(
      expect.arrayContaining([
        'BAD_USER_INPUT INVALID_TEXT',
        'PAYLOAD_TOO_LARGE UNZIPPED_TOO_LARGE',
      ]),
    );
  });

  it('exports a cell that looks like a formula as text', async () => {
    const csv = Buffer.from(`编码,名称,电话\nRT-INJ,"=cmd|' /C calc'!A0",@SUM(1)\n`);
    const { body } = await upload('PROPERTY_COMPANY', 'inj.csv', csv, commandCookie);
    await apply(body.id!, command);
    const res = await fetch(`${server.url}/exports/property-companies.xlsx`, {
      headers: { cookie: commandCookie },
    });
    expect(res.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    const row = book.worksheets[0]!.getRows(1, 500)!.find((r) => r.getCell(1).value === 'RT-INJ')!;
    expect(row.getCell(2).type).toBe(ExcelJS.ValueType.String);
    expect(row.getCell(2).value).toBe("=cmd|' /C calc'!A0");
  });
});
