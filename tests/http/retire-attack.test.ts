import { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../support/auth';
import { engineName } from '../support/db';
import { errorOf } from '../support/graphql';
import { editPlace, type EditProblem as Problem } from '../support/places';
import { startServer, type RunningServer } from '../support/server';

// 撤销 under attack: the paths a retired place could still be reached by (exports, claims), the
// edits that would retire more or less than asked, bringing a place back (its buildings; a grid
// whose area was drawn over meanwhile), and an import whose places change between its dry run and
// its apply. Each test takes places of its own: the file's tests share one database.

interface Collection {
  features: { geometry: unknown; properties: Record<string, unknown> }[];
}

describe(`retiring places (撤销) under attack (${engineName()})`, () => {
  let server: RunningServer;
  let cookie: string;
  let command: GraphQLClient;

  beforeAll(async () => {
    server = await startServer();
    cookie = await signIn(server.url, 'command');
    command = new GraphQLClient(`${server.url}/graphql`, { headers: { cookie } });
  });
  afterAll(() => server?.stop());

  const edit = (input: Record<string, unknown>, client = command) => editPlace(client, input);
  const download = async (file: string) => {
    const res = await fetch(`${server.url}/exports/${file}`, { headers: { cookie } });
    expect(res.status).toBe(200);
    return JSON.parse(Buffer.from(await res.arrayBuffer()).toString()) as Collection;
  };
  const upload = async (
    kind: string,
    fileName: string,
    bytes: Buffer,
    fields: Record<string, string> = {},
    who = cookie,
  ) => {
    const form = new FormData();
    form.append('kind', kind);
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('file', new Blob([bytes]), fileName);
    const res = await fetch(`${server.url}/imports`, {
      method: 'POST',
      body: form,
      headers: { cookie: who },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  /** Live compounds with their buildings, most buildings first. */
  const compoundsWithBuildings = async () =>
    (
      await command.request<{
        compounds: {
          nodes: {
            id: string;
            code: string;
            version: number;
            community: { code: string };
            buildings: { nodes: { number: string }[] };
          }[];
        };
      }>(`{ compounds(first: 200) { nodes { id code version community { code }
          buildings(first: 50) { nodes { number } } } } }`)
    ).compounds.nodes
      .filter((c) => c.buildings.nodes.length >= 2)
      .sort((a, b) => b.buildings.nodes.length - a.buildings.nodes.length);
  /** A compound's live buildings (its own, retired or not). */
  const buildingsOf = async (id: string) =>
    (
      await command.request<{ node: { buildings: { nodes: { number: string }[] } } }>(
        `query($id: ID!) { node(id: $id) { ... on Compound { buildings(first: 50) { nodes { number } } } } }`,
        { id },
      )
    ).node.buildings.nodes.map((b) => b.number);

  it('leaves retired places out of the exports (a handed-on map is the live one), so an export re-imported brings nothing back', async () => {
    const [compound] = (await compoundsWithBuildings()).slice(-1);
    const before = await download(`compounds.geojson?region=${compound!.community.code}`);
    expect(before.features.map((f) => f.properties['编码'])).toContain(compound!.code);
    expect(await edit({ kind: 'COMPOUND', code: compound!.code, retired: true })).toMatchObject({
      saved: true,
      action: 'RETIRE',
    });

    const after = await download(`compounds.geojson?region=${compound!.community.code}`);
    expect(after.features.map((f) => f.properties['编码'])).not.toContain(compound!.code);
    expect(after.features.length).toBe(before.features.length - 1);
    const buildings = await download(`buildings.geojson?region=${compound!.community.code}`);
    expect(buildings.features.map((f) => f.properties['所属小区'])).not.toContain(compound!.code);

    // the live export imported again as the whole list: nothing comes back, nothing retires
    const { status, body } = await upload(
      'COMPOUND',
      'compounds.geojson',
      Buffer.from(JSON.stringify(after)),
      { retireMissing: 'true' },
    );
    expect(status, JSON.stringify(body)).toBe(201);
    expect(body).toMatchObject({ create: 0, update: 0, retire: 0, errors: 0 });

    // the file from before, imported again: it would bring the compound back, and says so
    const old = await upload('COMPOUND', 'compounds.geojson', Buffer.from(JSON.stringify(before)));
    expect(old.body).toMatchObject({ create: 0, update: 1, errors: 0 });
    const { node } = await command.request<{ node: { problems: Problem[] } }>(
      `query($id: ID!) { node(id: $id) { ... on DataImport { problems { at reason severity message } } } }`,
      { id: old.body.id },
    );
    expect(node.problems).toEqual([
      expect.objectContaining({
        reason: 'BRINGS_BACK',
        severity: 'WARNING',
        message: expect.stringContaining(`${compound!.code} was retired on`) as unknown as string,
      }),
    ]);
    expect(node.problems[0]!.message).toContain(
      `with its ${compound!.buildings.nodes.length} building(s) retired with it`,
    );
  });

  it('refuses retired: true together with a change (a name, a shape, a community): retiring changes nothing else', async () => {
    const { grids } = await command.request<{
      grids: { nodes: { code: string; name: string; version: number; boundary: unknown }[] };
    }>(`{ grids(first: 5, micro: true) { nodes { code name version boundary } } }`);
    const grid = grids.nodes[0]!;
    for (const change of [{ name: '改名' }, { geometry: grid.boundary }, { community: 'X' }])
      expect(
        await errorOf(edit({ kind: 'GRID', code: grid.code, retired: true, ...change })),
        JSON.stringify(change),
      ).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'RETIRE_WITH_CHANGES' });
    const { grids: still } = await command.request<{
      grids: { nodes: { name: string; version: number; retiredAt: string | null }[] };
    }>(
      `query($s: String!) { grids(first: 1, micro: true, filter: { search: $s }) { nodes { name version retiredAt } } }`,
      { s: grid.code },
    );
    expect(still.nodes[0]).toMatchObject({
      name: grid.name,
      version: grid.version,
      retiredAt: null,
    });
  });

  it('brings a compound back with the buildings that retired with it, not one retired before', async () => {
    const [compound] = await compoundsWithBuildings();
    const numbers = compound!.buildings.nodes.map((b) => b.number);
    // one building was pulled down first, on its own
    const gone = numbers[0]!;
    expect(
      await edit({ kind: 'BUILDING', code: `${compound!.code}/${gone}`, retired: true }),
    ).toMatchObject({ saved: true });
    expect(await edit({ kind: 'COMPOUND', code: compound!.code, retired: true })).toMatchObject({
      saved: true,
    });
    expect(await buildingsOf(compound!.id)).toEqual([]);

    expect(await edit({ kind: 'COMPOUND', code: compound!.code, retired: false })).toMatchObject({
      saved: true,
      action: 'UPDATE',
    });
    expect((await buildingsOf(compound!.id)).sort()).toEqual(
      numbers.filter((n) => n !== gone).sort(),
    );
  });

  it('lets a new grid be drawn where a retired one was, and then refuses to bring the old one back over it', async () => {
    const { grids } = await command.request<{
      grids: {
        nodes: {
          code: string;
          name: string;
          boundary: unknown;
          community: { code: string };
          microGrids: { code: string }[];
        }[];
      };
    }>(
      `{ grids(first: 100, micro: false) { nodes { code name boundary community { code } microGrids { code } } } }`,
    );
    const old = grids.nodes.find((g) => g.microGrids.length === 0)!;
    expect(await edit({ kind: 'GRID', code: old.code, retired: true })).toMatchObject({
      saved: true,
    });
    const drawn = await edit({
      kind: 'GRID',
      code: `${old.code}-NEW`,
      name: `${old.name}（新）`,
      community: old.community.code,
      geometry: old.boundary,
    });
    expect(drawn, JSON.stringify(drawn.problems)).toMatchObject({ saved: true, action: 'CREATE' });
    expect(drawn.problems.map((p) => p.reason)).not.toContain('GRID_OVERLAP');

    const back = await errorOf(edit({ kind: 'GRID', code: old.code, retired: false }));
    expect(back).toMatchObject({
      reason: 'EDIT_HAS_ERRORS',
      problems: [expect.objectContaining({ reason: 'GRID_OVERLAP' })],
    });
    const { grids: retired } = await command.request<{ grids: { nodes: { code: string }[] } }>(
      `{ grids(first: 500, filter: { retired: true }) { nodes { code } } }`,
    );
    expect(retired.nodes.map((g) => g.code)).toContain(old.code);
  });

  it("lists claims only between live places, keeps a retired zone's claim for its return, and an exported claim list imports again unchanged", async () => {
    const { resources } = await command.request<{
      resources: {
        nodes: {
          id: string;
          code: string;
          load: number;
          community: { code: string } | null;
          claims: { grid: { id: string; code: string } | null }[];
        }[];
      };
    }>(
      `{ resources(first: 500) { nodes { id code load community { code } claims { grid { id code } } } } }`,
    );
    const resource = resources.nodes.find(
      (r) => r.community && r.claims.some((c) => c.grid) && r.claims.length >= 1,
    )!;
    const grid = resource.claims.find((c) => c.grid)!.grid!;
    const claimsOf = async () =>
      (
        await command.request<{ node: { claims: { grid: { code: string } | null }[] } }>(
          `query($id: ID!) { node(id: $id) { ... on Resource { claims { grid { code } } } } }`,
          { id: resource.id },
        )
      ).node.claims.map((c) => c.grid?.code);
    expect(await edit({ kind: 'GRID', code: grid.code, retired: true })).toMatchObject({
      saved: true,
    });
    expect(await claimsOf()).not.toContain(grid.code);

    // the export names live zones only, and the file imports again with the row unchanged
    const exported = await download(`resources.geojson?region=${resource.community!.code}`);
    const row = exported.features.find((f) => f.properties['编码'] === resource.code)!;
    expect(String(row.properties['认领责任区'] ?? '')).not.toContain(grid.code);
    const { body } = await upload(
      'RESOURCE',
      'resources.geojson',
      Buffer.from(JSON.stringify({ type: 'FeatureCollection', features: [row] })),
    );
    expect(body, JSON.stringify(body)).toMatchObject({ unchanged: 1, errors: 0 });

    // a retired resource is no grid's claimant
    const other = resources.nodes.find(
      (r) =>
        r.load === 0 &&
        r.id !== resource.id &&
        r.claims.some((c) => c.grid && c.grid.code !== grid.code),
    )!;
    const itsGrid = other.claims.find((c) => c.grid && c.grid.code !== grid.code)!.grid!;
    const claimantsOf = async () =>
      (
        await command.request<{ node: { claims: { resource: { code: string } }[] } }>(
          `query($id: ID!) { node(id: $id) { ... on Grid { claims { resource { code } } } } }`,
          { id: itsGrid.id },
        )
      ).node.claims.map((c) => c.resource.code);
    expect(await claimantsOf()).toContain(other.code);
    const retiring = await edit({ kind: 'RESOURCE', code: other.code, retired: true });
    expect(retiring, JSON.stringify(retiring)).toMatchObject({ saved: true });
    expect(await claimantsOf()).not.toContain(other.code);

    // brought back, the grid is claimed again
    expect(await edit({ kind: 'GRID', code: grid.code, retired: false })).toMatchObject({
      saved: true,
    });
    expect(await claimsOf()).toContain(grid.code);
  });

  it('re-checks open work at apply: a resource dispatched after the dry run is not retired', async () => {
    const { tickets } = await command.request<{
      tickets: {
        nodes: {
          id: string;
          version: number;
          matches: {
            load: number;
            resource: {
              id: string;
              code: string;
              kind: string;
              community: { id: string; code: string } | null;
            };
          }[];
        }[];
      };
    }>(`{ tickets(first: 20, status: [ACCEPTED]) { nodes { id version
        matches(first: 10) { load resource { id code kind community { id code } } } } } }`);
    const ticket = tickets.nodes.find((t) =>
      t.matches.some((m) => m.load === 0 && m.resource.community),
    )!;
    const target = ticket.matches.find((m) => m.load === 0 && m.resource.community)!.resource;
    // the whole list of that community's resources of that kind, but for the target
    const { resources } = await command.request<{
      resources: {
        nodes: { code: string; name: string; kind: string; community: { code: string } | null }[];
      };
    }>(
      `query($r: ID!) { resources(first: 500, filter: { regionId: $r }) { nodes { code name kind community { code } } } }`,
      { r: target.community!.id },
    );
    const rows = resources.nodes.filter(
      (r) =>
        r.kind === target.kind &&
        r.community?.code === target.community!.code &&
        r.code !== target.code,
    );
    const csv = [
      '编码,名称,所属社区',
      ...rows.map((r) => `${r.code},${r.name},${r.community!.code}`),
    ];
    const { status, body } = await upload(
      'RESOURCE',
      'resources.csv',
      Buffer.from(csv.join('\n')),
      { retireMissing: 'true' },
    );
    expect(status, JSON.stringify(body)).toBe(201);
    expect(body).toMatchObject({ retire: 1, errors: 0 });

    await command.request(
      `mutation($input: DispatchTicketInput!) { dispatchTicket(input: $input) { id } }`,
      { input: { ticketId: ticket.id, expectedVersion: ticket.version, resourceIds: [target.id] } },
    );
    expect(
      await errorOf(
        command.request(
          `mutation($input: ApplyImportInput!) { applyImport(input: $input) { id } }`,
          {
            input: { importId: body.id },
          },
        ),
      ),
    ).toMatchObject({ reason: 'IMPORT_HAS_ERRORS' });
    const { resources: live } = await command.request<{ resources: { nodes: { code: string }[] } }>(
      `query($s: String!) { resources(first: 5, filter: { search: $s }) { nodes { code } } }`,
      { s: target.code },
    );
    expect(live.nodes.map((r) => r.code)).toContain(target.code);
  });

  it("retires by a street's staff only within the street: buildings too (no 500), nothing of another street", async () => {
    const street = await signIn(server.url, 'street');
    const streetClient = new GraphQLClient(`${server.url}/graphql`, {
      headers: { cookie: street },
    });
    const { viewer } = await streetClient.request<{ viewer: { jurisdictionId: string } }>(
      `{ viewer { jurisdictionId } }`,
    );
    const { compounds } = await command.request<{
      compounds: {
        nodes: {
          code: string;
          community: { code: string; parent: { id: string } };
          buildings: { nodes: { number: string; floors: number }[] };
        }[];
      };
    }>(`{ compounds(first: 300) { nodes { code community { code parent { id } }
        buildings(first: 50) { nodes { number floors } } } } }`);
    const mine = compounds.nodes.find(
      (c) => c.community.parent.id === viewer.jurisdictionId && c.buildings.nodes.length >= 2,
    )!;
    const theirs = compounds.nodes.find(
      (c) => c.community.parent.id !== viewer.jurisdictionId && c.buildings.nodes.length >= 2,
    )!;
    // one building retired on the map by the street's staff
    const [first, ...rest] = mine.buildings.nodes;
    const one = await edit(
      { kind: 'BUILDING', code: `${mine.code}/${first!.number}`, retired: true },
      streetClient,
    );
    expect(one, JSON.stringify(one)).toMatchObject({ saved: true, action: 'RETIRE' });
    // a buildings file naming both compounds but one building each: theirs is refused and retires nothing
    const csv = [
      '所属小区,楼号,层数',
      `${mine.code},${rest[0]!.number},${rest[0]!.floors}`,
      `${theirs.code},${theirs.buildings.nodes[0]!.number},${theirs.buildings.nodes[0]!.floors}`,
    ];
    const { status, body } = await upload(
      'BUILDING',
      'buildings.csv',
      Buffer.from(csv.join('\n')),
      { retireMissing: 'true' },
      street,
    );
    expect(status, JSON.stringify(body)).toBe(201);
    const report = (
      await streetClient.request<{ node: { problems: Problem[]; features: Collection } }>(
        `query($id: ID!) { node(id: $id) { ... on DataImport { problems { at reason severity message } features } } }`,
        { id: body.id },
      )
    ).node;
    const retiring = report.features.features
      .filter((f) => f.properties.action === 'RETIRE')
      .map((f) => String(f.properties.code));
    expect(retiring.sort()).toEqual(
      rest
        .slice(1)
        .map((b) => `${mine.code}/${b.number}`)
        .sort(),
    );
    expect(report.problems).toContainEqual(
      expect.objectContaining({ reason: 'OUTSIDE_JURISDICTION' }),
    );
  });

  it('refuses retireMissing for regions and property companies, before reading the file', async () => {
    for (const kind of ['REGION', 'PROPERTY_COMPANY']) {
      const { status, body } = await upload('' + kind, 'x.csv', Buffer.from('编码,名称\nA,甲\n'), {
        retireMissing: 'true',
      });
      expect(status).toBe(400);
      expect(body).toMatchObject({
        errors: [
          expect.objectContaining({
            extensions: expect.objectContaining({ reason: 'NOT_RETIRABLE' }),
          }),
        ],
      });
    }
  });
});
