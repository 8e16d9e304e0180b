import { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymousClient, signIn } from '../support/auth';
import { engineName } from '../support/db';
import { errorOf } from '../support/graphql';
import { editPlace, type EditProblem as Problem } from '../support/places';
import { startServer, type RunningServer } from '../support/server';

// 撤销 over HTTP: a place that is no more (a compound merged into its neighbour, a grid redrawn
// away, a volunteer who moved) leaves the map, the lookups and matching, while the tickets and
// history that name it keep it. Retired on the map (editPlace retired: true) or by an import of
// the whole list (retireMissing), and brought back the same ways.

describe(`retiring places (撤销) over HTTP (${engineName()})`, () => {
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
  const codes = async (query: string) =>
    (
      await command.request<{ q: { nodes: { code: string }[] } }>(
        `{ q: ${query} { nodes { code } } }`,
      )
    ).q.nodes.map((n) => n.code);

  it('retires a compound with its buildings: off the lists, lookups and QR, kept by its tickets, and back again', async () => {
    // a compound with an open ticket and buildings
    const { tickets } = await command.request<{
      tickets: {
        nodes: {
          id: string;
          compound: {
            id: string;
            code: string;
            version: number;
            buildings: { nodes: { number: string }[] };
          };
          location: { coordinates: [number, number] };
        }[];
      };
    }>(`{ tickets(first: 20, openOnly: true) { nodes { id location
        compound { id code version buildings(first: 50) { nodes { number } } } } } }`);
    const ticket = tickets.nodes.find((t) => t.compound.buildings.nodes.length > 0)!;
    const compound = ticket.compound;
    const [lon, lat] = ticket.location.coordinates;

    const dry = await edit({
      kind: 'COMPOUND',
      code: compound.code,
      retired: true,
      expectedVersion: compound.version,
      dryRun: true,
    });
    expect(dry).toMatchObject({ action: 'RETIRE', saved: false });
    expect(dry.problems.map((p) => p.reason)).toEqual(
      expect.arrayContaining(['OPEN_TICKETS_STAY', 'BUILDINGS_RETIRE']),
    );
    expect(await codes(`compounds(first: 500)`)).toContain(compound.code);

    const saved = await edit({
      kind: 'COMPOUND',
      code: compound.code,
      retired: true,
      expectedVersion: compound.version,
    });
    expect(saved).toMatchObject({ action: 'RETIRE', saved: true, version: compound.version + 1 });

    // gone from the lists, the point lookup and the map's spatial edges
    expect(await codes(`compounds(first: 500)`)).not.toContain(compound.code);
    expect(await codes(`compounds(first: 500, filter: { retired: true })`)).toEqual([
      compound.code,
    ]);
    const at = await command.request<{ compoundAt: { code: string } | null }>(
      `query($lon: Float!, $lat: Float!) { compoundAt(lon: $lon, lat: $lat) { code } }`,
      { lon, lat },
    );
    expect(at.compoundAt?.code).not.toBe(compound.code);
    const buildings = await command.request<{ buildings: { nodes: { number: string }[] } }>(
      `query($s: String!) { buildings(first: 50, filter: { search: $s, retired: true }) { nodes { number } } }`,
      { s: compound.buildings.nodes[0]!.number },
    );
    expect(buildings.buildings.nodes.length).toBeGreaterThan(0);
    // its ticket still names it, with the day it was retired
    const kept = await command.request<{
      node: { compound: { code: string; retiredAt: string | null } };
    }>(`query($id: ID!) { node(id: $id) { ... on Ticket { compound { code retiredAt } } } }`, {
      id: ticket.id,
    });
    expect(kept.node.compound.code).toBe(compound.code);
    expect(kept.node.compound.retiredAt).not.toBeNull();
    // an old poster on the wall: the report is refused with the reason, nothing filed
    expect(
      await errorOf(
        anonymousClient(server.url).request(
          `mutation($input: ReportTicketInput!) { reportTicket(input: $input) { ticket { id } } }`,
          {
            input: {
              compoundCode: compound.code,
              reporterName: '王五',
              reporterPhone: '13900001111',
              description: '楼道灯坏了',
              idempotencyKey: `retired-${compound.code}-poster`,
            },
          },
        ),
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'RETIRED_COMPOUND' });

    // a retired place is not edited by a move or rename: it is brought back first
    expect(
      await errorOf(edit({ kind: 'COMPOUND', code: compound.code, name: '新名' })),
    ).toMatchObject({ reason: 'RETIRED' });
    expect(
      await errorOf(edit({ kind: 'COMPOUND', code: compound.code, retired: true })),
    ).toMatchObject({
      reason: 'EDIT_HAS_ERRORS',
      problems: [expect.objectContaining({ reason: 'ALREADY_RETIRED' })],
    });
    const back = await edit({ kind: 'COMPOUND', code: compound.code, retired: false });
    expect(back).toMatchObject({ action: 'UPDATE', saved: true, version: compound.version + 2 });
    expect(await codes(`compounds(first: 500)`)).toContain(compound.code);
    expect(
      await errorOf(edit({ kind: 'COMPOUND', code: compound.code, retired: false })),
    ).toMatchObject({ reason: 'NOT_RETIRED' });
  });

  it('refuses to retire a resource holding open work, and leaves a retired one out of matching and dispatch', async () => {
    const { tickets } = await command.request<{
      tickets: {
        nodes: {
          id: string;
          version: number;
          assignments: {
            status: string;
            resource: { id: string; code: string; version: number };
          }[];
        }[];
      };
    }>(`{ tickets(first: 50, status: [DISPATCHED, IN_PROGRESS]) { nodes { id version
        assignments { status resource { id code version } } } } }`);
    const busy = tickets.nodes
      .flatMap((t) => t.assignments)
      .find((a) => a.status === 'ACCEPTED' || a.status === 'OFFERED')!.resource;
    expect(await errorOf(edit({ kind: 'RESOURCE', code: busy.code, retired: true }))).toMatchObject(
      {
        reason: 'EDIT_HAS_ERRORS',
        problems: [expect.objectContaining({ reason: 'HAS_OPEN_WORK' })],
      },
    );

    // the best match of an accepted ticket, retired, is no longer proposed nor dispatchable
    const { tickets: waiting } = await command.request<{
      tickets: {
        nodes: {
          id: string;
          version: number;
          matches: { load: number; resource: { id: string; code: string } }[];
        }[];
      };
    }>(`{ tickets(first: 20, status: [ACCEPTED]) { nodes { id version
        matches(first: 5) { load resource { id code } } } } }`);
    const ticket = waiting.nodes.find((t) => t.matches.some((m) => m.load === 0))!;
    const best = ticket.matches.find((m) => m.load === 0)!.resource;
    expect(await edit({ kind: 'RESOURCE', code: best.code, retired: true })).toMatchObject({
      saved: true,
      action: 'RETIRE',
    });
    const again = await command.request<{ node: { matches: { resource: { code: string } }[] } }>(
      `query($id: ID!) { node(id: $id) { ... on Ticket { matches(first: 10) { resource { code } } } } }`,
      { id: ticket.id },
    );
    expect(again.node.matches.map((m) => m.resource.code)).not.toContain(best.code);
    expect(
      await errorOf(
        command.request(
          `mutation($input: DispatchTicketInput!) { dispatchTicket(input: $input) { id } }`,
          {
            input: { ticketId: ticket.id, expectedVersion: ticket.version, resourceIds: [best.id] },
          },
        ),
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'RETIRED' });
    expect(await codes(`resources(first: 500)`)).not.toContain(best.code);
  });

  it('retires what a whole-list import leaves out, after showing it in the dry run, within the jurisdiction', async () => {
    // the grids of one community, as a file that names all but one of them
    const { regions } = await command.request<{
      regions: {
        nodes: {
          code: string;
          grids: { code: string; name: string; boundary: unknown }[];
        }[];
      };
    }>(`{ regions(level: COMMUNITY, first: 50) { nodes { code grids { code name boundary } } } }`);
    const community = regions.nodes.find((r) => r.grids.length >= 2)!;
    const [left, ...kept] = community.grids;
    const file = Buffer.from(
      JSON.stringify({
        type: 'FeatureCollection',
        features: kept.map((g) => ({
          type: 'Feature',
          properties: { 编码: g.code, 名称: g.name, 所属社区: community.code },
          geometry: g.boundary,
        })),
      }),
    );
    const upload = async (retireMissing: string) => {
      const form = new FormData();
      form.append('kind', 'GRID');
      form.append('retireMissing', retireMissing);
      form.append('file', new Blob([file]), 'grids.geojson');
      const res = await fetch(`${server.url}/imports`, {
        method: 'POST',
        body: form,
        headers: { cookie },
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    expect((await upload('perhaps')).body).toMatchObject({
      errors: [
        expect.objectContaining({ extensions: expect.objectContaining({ reason: 'NOT_BOOLEAN' }) }),
      ],
    });
    // without the option nothing is retired
    const plain = await upload('false');
    // (the boundaries come back from the API rounded: the kept grids are updates, not unchanged)
    expect(plain.body, JSON.stringify(plain.body)).toMatchObject({
      retire: 0,
      create: 0,
      errors: 0,
      rows: kept.length,
    });

    const { status, body } = await upload('true');
    expect(status, JSON.stringify(body)).toBe(201);
    const report = (
      await command.request<{
        node: {
          retire: number;
          rows: number;
          problems: Problem[];
          features: { features: { properties: { code: string; action: string } }[] };
        };
      }>(
        `query($id: ID!) { node(id: $id) { ... on DataImport { retire rows
          problems { at reason severity message } features } } }`,
        { id: body.id },
      )
    ).node;
    expect(report).toMatchObject({ retire: 1, rows: kept.length });
    // shown on the map where it is now, marked to retire; the gap it leaves is said
    expect(report.features.features).toContainEqual(
      expect.objectContaining({
        properties: expect.objectContaining({ code: left!.code, action: 'RETIRE' }),
      }),
    );
    expect(report.problems).toContainEqual(
      expect.objectContaining({ reason: 'GRID_GAP', severity: 'WARNING' }),
    );
    expect(await codes(`grids(first: 500)`)).toContain(left!.code);

    await command.request(
      `mutation($input: ApplyImportInput!) { applyImport(input: $input) { id } }`,
      { input: { importId: body.id } },
    );
    expect(await codes(`grids(first: 500)`)).not.toContain(left!.code);
    const admin = new GraphQLClient(`${server.url}/graphql`, {
      headers: { cookie: await signIn(server.url, 'admin') },
    });
    const [line] = (
      await admin.request<{ auditLog: { details: string }[] }>(
        `{ auditLog(action: "import", last: 1) { details } }`,
      )
    ).auditLog;
    expect(line!.details).toContain('"retire": 1');

    // a community's staff may not retire (places:write is the street's and above)
    const communityStaff = new GraphQLClient(`${server.url}/graphql`, {
      headers: { cookie: await signIn(server.url, 'community') },
    });
    expect(
      await errorOf(edit({ kind: 'GRID', code: kept[0]!.code, retired: true }, communityStaff)),
    ).toMatchObject({ code: 'FORBIDDEN' });
    // and an unknown code is not found
    expect(
      await errorOf(edit({ kind: 'GRID', code: 'NO-SUCH-GRID', retired: true })),
    ).toMatchObject({ code: 'NOT_FOUND' });
  });
});
